/* SPDX-License-Identifier: MIT */
/* The spec's "after": which checks start only once others passed, checked
 * for unknown names and cycles once every check is parsed. */
#include "spec_int.h"

#include "strutil.h"
#include "suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "after": ["name", ...], names of other checks, each once. */
int spec_parse_after(struct parser *p, const cJSON *v, struct hb_check *c)
{
	int n = cJSON_GetArraySize(v);
	if (!cJSON_IsArray(v) || n == 0)
		return spec_fail(p, "expected a non-empty array of check names");
	if (n > MAX_LIST)
		return spec_fail(p, "at most %d names, got %d", MAX_LIST, n);
	c->after = calloc((size_t)n, sizeof(*c->after));
	c->after_index = calloc((size_t)n, sizeof(*c->after_index));
	if (!c->after || !c->after_index)
		return spec_fail_oom(p);
	for (const cJSON *it = v->child; it; it = it->next) {
		size_t old = spec_path_index(&p->path, c->n_after);
		char **name = &c->after[c->n_after];
		if (spec_take_string(p, it, name) < 0)
			return -1;
		/* --no-env: a name from a variable only the pod knows. */
		c->after_index[c->n_after] = p->unknown ? SIZE_MAX : 0;
		c->n_after++;
		if (!**name)
			return spec_fail(p, "expected a check's name");
		char q[72];
		for (size_t k = 0; k + 1 < c->n_after; k++)
			if (strcmp(c->after[k], *name) == 0)
				return spec_fail(p, "\"%s\" is already in the "
						 "list", spec_shown(q, sizeof(q),
								    *name));
		spec_path_pop(&p->path, old);
	}
	return 0;
}

static void after_path(struct parser *p, size_t check, size_t k)
{
	spec_path_pop(&p->path, 0);
	spec_path_key(&p->path, "checks");
	spec_path_index(&p->path, check);
	spec_path_key(&p->path, "after");
	spec_path_index(&p->path, k);
}

/* Each "after" name to its check's index. */
static int resolve_names(struct parser *p)
{
	struct hb_spec *s = p->spec;
	for (size_t i = 0; i < s->n_checks; i++) {
		struct hb_check *c = &s->checks[i];
		for (size_t k = 0; k < c->n_after; k++) {
			if (c->after_index[k] == SIZE_MAX)
				continue;
			size_t at = SIZE_MAX;
			for (size_t j = 0; j < s->n_checks && at == SIZE_MAX; j++)
				if (strcmp(s->checks[j].name, c->after[k]) == 0)
					at = j;
			char q[72];
			spec_shown(q, sizeof(q), c->after[k]);
			if (at == i) {
				after_path(p, i, k);
				return spec_fail(p, "a check cannot run after "
						 "itself");
			}
			if (at != SIZE_MAX) {
				c->after_index[k] = at;
				continue;
			}
			after_path(p, i, k);
			const char **names = malloc(s->n_checks * sizeof(*names));
			if (!names)
				return spec_fail_oom(p);
			for (size_t j = 0; j < s->n_checks; j++)
				names[j] = s->checks[j].name;
			const char *best = hb_closest(c->after[k], names,
						      s->n_checks);
			int rc = best ? spec_fail(p, "no check is named \"%s\" "
						  "(did you mean \"%s\"?)", q, best)
				      : spec_fail(p, "no check is named \"%s\"", q);
			free(names);
			return rc;
		}
	}
	return 0;
}

enum { WHITE, GREY, BLACK };

struct walk {
	const struct hb_spec *s;
	unsigned char *colour;
	size_t *stack; /* the checks on the current path */
	size_t depth;
	size_t from, edge; /* the "after" entry that closes a cycle */
	size_t to;
};

/* Depth first from check i; returns true when a cycle was found. */
static bool visit(struct walk *w, size_t i)
{
	w->colour[i] = GREY;
	w->stack[w->depth++] = i;
	const struct hb_check *c = &w->s->checks[i];
	for (size_t k = 0; k < c->n_after; k++) {
		size_t t = c->after_index[k];
		if (t == SIZE_MAX)
			continue;
		if (w->colour[t] == GREY) {
			w->from = i;
			w->edge = k;
			w->to = t;
			return true;
		}
		if (w->colour[t] == WHITE && visit(w, t))
			return true;
	}
	w->depth--;
	w->colour[i] = BLACK;
	return false;
}

/* Fails at the "after" entry that closes the cycle, naming it all from the
 * check at that path. */
static int cycle_error(struct parser *p, const struct walk *w)
{
	char msg[300], q[40];
	size_t start = 0;
	while (w->stack[start] != w->to)
		start++;
	size_t len = (size_t)snprintf(msg, sizeof(msg), "\"%s\"",
				      spec_shown(q, sizeof(q),
						 w->s->checks[w->from].name));
	for (size_t d = start; d < w->depth && len < sizeof(msg); d++)
		len += (size_t)snprintf(msg + len, sizeof(msg) - len,
					" runs after \"%s\"",
					spec_shown(q, sizeof(q),
						   w->s->checks[w->stack[d]].name));
	after_path(p, w->from, w->edge);
	return spec_fail(p, "a cycle: %s", msg);
}

int spec_resolve_after(struct parser *p)
{
	struct hb_spec *s = p->spec;
	if (resolve_names(p) < 0)
		return -1;
	struct walk w = { .s = s };
	w.colour = calloc(s->n_checks, 1);
	w.stack = calloc(s->n_checks, sizeof(*w.stack));
	int rc = 0;
	if (!w.colour || !w.stack)
		rc = spec_fail_oom(p);
	for (size_t i = 0; rc == 0 && i < s->n_checks; i++)
		if (w.colour[i] == WHITE && visit(&w, i))
			rc = cycle_error(p, &w);
	free(w.colour);
	free(w.stack);
	return rc;
}
