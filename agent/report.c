/* SPDX-License-Identifier: MIT */
/* From jobs and run metadata to a self-contained hookbox.v1.Report. */
#include "report.h"

#include "classify.h"
#include "exec.h"
#include "pbjson.h"
#include "spec.h"
#include "strutil.h"

#include <stdlib.h>
#include <string.h>

#define HB_AGENT_VERSION_STR HB_VERSION

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static Hookbox__V1__Detail **copy_details(const struct hb_attempt *a,
					  size_t *n)
{
	*n = 0;
	if (!a->n_details)
		return NULL;
	Hookbox__V1__Detail **v = calloc(a->n_details, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < a->n_details; i++) {
		v[i] = malloc(sizeof(*v[i]));
		if (!v[i])
			break;
		hookbox__v1__detail__init(v[i]);
		v[i]->key = dup_or_empty(a->details[i].key);
		v[i]->value = dup_or_empty(a->details[i].value);
		*n = i + 1;
	}
	return v;
}

static Hookbox__V1__Attempt *copy_attempt(const struct hb_attempt *a)
{
	Hookbox__V1__Attempt *m = malloc(sizeof(*m));
	Hookbox__V1__Timing *t = malloc(sizeof(*t));
	if (!m || !t) {
		free(m);
		free(t);
		return NULL;
	}
	hookbox__v1__attempt__init(m);
	hookbox__v1__timing__init(t);
	m->number = a->number;
	m->outcome = (Hookbox__V1__Outcome)a->outcome;
	m->failure_class = (Hookbox__V1__FailureClass)a->failure_class;
	m->message = dup_or_empty(a->message);
	m->started_at = dup_or_empty(a->started_at);
	m->duration_ms = a->duration_ms;
	t->dns_ms = a->timing.dns_ms;
	t->connect_ms = a->timing.connect_ms;
	t->tls_ms = a->timing.tls_ms;
	t->first_byte_ms = a->timing.first_byte_ms;
	t->total_ms = a->timing.total_ms;
	t->auth_ms = a->timing.auth_ms;
	t->query_ms = a->timing.query_ms;
	m->timing = t;
	m->details = copy_details(a, &m->n_details);
	return m;
}

static Hookbox__V1__CheckResult *copy_job(const struct hb_job *j)
{
	const struct hb_check *c = j->check;
	Hookbox__V1__CheckResult *r = malloc(sizeof(*r));
	if (!r)
		return NULL;
	hookbox__v1__check_result__init(r);
	r->name = dup_or_empty(c->name);
	r->kind = dup_or_empty(c->kind);
	r->target = dup_or_empty(c->target);
	r->outcome = (Hookbox__V1__Outcome)j->outcome;
	r->failure_class = (Hookbox__V1__FailureClass)j->failure_class;
	r->message = dup_or_empty(j->message);
	/* The last attempt's hint, by its HTTP status too, when it is the
	 * one that decided the outcome (it is, unless keeping it failed). */
	const struct hb_attempt *last = j->n_kept ? &j->kept[j->n_kept - 1]
						  : NULL;
	r->hint = dup_or_empty(
		j->outcome == HB_PASSED ? ""
		: last && last->failure_class == j->failure_class
			? hb_attempt_hint(last)
			: hb_class_hint(j->failure_class));
	r->optional = c->optional;
	r->duration_ms = j->duration_ms;
	if (j->n_kept) {
		r->attempts = calloc(j->n_kept, sizeof(*r->attempts));
		for (size_t i = 0; r->attempts && i < j->n_kept; i++) {
			r->attempts[i] = copy_attempt(&j->kept[i]);
			if (!r->attempts[i])
				break;
			r->n_attempts = i + 1;
		}
		r->details = copy_details(&j->kept[j->n_kept - 1], &r->n_details);
	}
	return r;
}

int hb_report_phase(const struct hb_job *jobs, size_t n)
{
	/* A required check skipped because a check it runs after did not
	 * pass ("after") did not show what it was there to show. */
	for (size_t i = 0; i < n; i++)
		if (jobs[i].outcome != HB_PASSED &&
		    (jobs[i].outcome != HB_SKIPPED || jobs[i].check->n_after) &&
		    !jobs[i].check->optional)
			return HOOKBOX__V1__PHASE__PHASE_FAILED;
	return HOOKBOX__V1__PHASE__PHASE_SUCCEEDED;
}

Hookbox__V1__Report *hb_report_new(const struct hb_run_meta *m,
				   const struct hb_job *jobs, size_t n)
{
	Hookbox__V1__Report *r = malloc(sizeof(*r));
	Hookbox__V1__PodMeta *pod = malloc(sizeof(*pod));
	Hookbox__V1__SandboxInfo *sb = malloc(sizeof(*sb));
	if (!r || !pod || !sb) {
		free(r);
		free(pod);
		free(sb);
		return NULL;
	}
	hookbox__v1__report__init(r);
	hookbox__v1__pod_meta__init(pod);
	hookbox__v1__sandbox_info__init(sb);
	r->pod = pod;
	r->sandbox = sb;
	r->report_id = dup_or_empty(m->report_id);
	r->agent_version = dup_or_empty(HB_AGENT_VERSION_STR);
	r->started_at = dup_or_empty(m->started_at);
	r->finished_at = dup_or_empty(m->finished_at);
	r->hostname = dup_or_empty(m->hostname);
	r->phase = m->finished_at[0] ? (Hookbox__V1__Phase)hb_report_phase(jobs, n)
				     : HOOKBOX__V1__PHASE__PHASE_RUNNING;

	pod->namespace_ = dup_or_empty(m->pod.ns);
	pod->pod_name = dup_or_empty(m->pod.pod_name);
	pod->release = dup_or_empty(m->pod.release);
	pod->revision = m->pod.revision;
	pod->hook_weight = m->pod.hook_weight;
	pod->hook_name = dup_or_empty(m->pod.hook_name);
	if (m->pod.hook_events[0]) {
		size_t count = 1;
		for (const char *p = m->pod.hook_events; *p; p++)
			count += *p == ',';
		pod->hook_events = calloc(count, sizeof(char *));
		char *copy = strdup(m->pod.hook_events), *save = NULL;
		for (char *t = copy ? strtok_r(copy, ",", &save) : NULL;
		     t && pod->hook_events; t = strtok_r(NULL, ",", &save))
			pod->hook_events[pod->n_hook_events++] = strdup(t);
		free(copy);
	}

	sb->mode = dup_or_empty(m->sandbox_mode);
	sb->seccomp = m->seccomp;
	sb->no_new_privs = m->seccomp;
	sb->rlimits = m->seccomp;
	sb->landlock_abi = m->landlock_abi;
	sb->landlock_fs = m->seccomp && m->landlock_abi >= 1;
	sb->landlock_net = m->seccomp && m->landlock_abi >= 4;
	sb->landlock_scoped = m->seccomp && m->landlock_abi >= 6;

	if (n) {
		r->checks = calloc(n, sizeof(*r->checks));
		for (size_t i = 0; r->checks && i < n; i++) {
			r->checks[i] = copy_job(&jobs[i]);
			if (!r->checks[i])
				break;
			r->n_checks = i + 1;
		}
	}
	/* Every string in one place, whatever it came from: server answers in
	 * messages and details, names and URLs after ${VAR} expansion, the
	 * downward API, the host name. A single byte that is not UTF-8 would
	 * have the collector refuse the whole report. */
	if (hb_pbjson_repair_utf8(&r->base) < 0) {
		hb_report_free(r);
		return NULL;
	}
	return r;
}

int hb_report_add_check(Hookbox__V1__Report *r, Hookbox__V1__CheckResult *c)
{
	/* What hb_report_new does for its checks (the command's output
	 * tails, its argv). */
	Hookbox__V1__CheckResult **v =
		hb_pbjson_repair_utf8(&c->base) < 0 ? NULL :
		realloc(r->checks, (r->n_checks + 1) * sizeof(*v));
	if (!v) {
		hookbox__v1__check_result__free_unpacked(c, NULL);
		return -1;
	}
	r->checks = v;
	r->checks[r->n_checks++] = c;
	return 0;
}

char *hb_report_tail(const struct hb_tail *t, uint64_t *dropped)
{
	size_t skip = 0;
	char *raw = malloc(t->len + 1);
	if (!raw)
		return NULL;
	hb_tail_copy(t, raw);
	/* The ring keeps the last bytes written: where it cut a character,
	 * its continuation bytes are left at the start, no part of anything a
	 * reader could use (at most three of them). */
	if (t->total > t->len)
		while (skip < 3 && skip < t->len &&
		       ((unsigned char)raw[skip] & 0xc0) == 0x80)
			skip++;
	*dropped = t->total - (t->len - skip);
	char *s = hb_utf8_repair(raw + skip, t->len - skip);
	free(raw);
	return s;
}

void hb_report_free(Hookbox__V1__Report *r)
{
	if (r)
		hookbox__v1__report__free_unpacked(r, NULL);
}
