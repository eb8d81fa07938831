/* SPDX-License-Identifier: MIT */
/* Rendering a report for people, for programs and for the pod's status. */
#include "output.h"

#include "pbjson.h"
#include "report_util.h"
#include "strutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *verdict(const Hookbox__V1__CheckResult *c)
{
	switch (c->outcome) {
	case HOOKBOX__V1__OUTCOME__PASSED:
		return "PASS";
	case HOOKBOX__V1__OUTCOME__SKIPPED:
		return "SKIP";
	case HOOKBOX__V1__OUTCOME__CANCELLED:
		return "STOP";
	case HOOKBOX__V1__OUTCOME__ERROR:
		return "ERR ";
	default:
		return c->optional ? "WARN" : "FAIL";
	}
}

static const char *class_name(int cls)
{
	const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
		&hookbox__v1__failure_class__descriptor, cls);
	return v && cls ? v->name : "";
}

static void format_ms(char *dst, size_t size, double ms)
{
	if (ms < 1000.0)
		snprintf(dst, size, "%.1fms", ms);
	else
		snprintf(dst, size, "%.2fs", ms / 1000.0);
}

void hb_output_human(FILE *f, const Hookbox__V1__Report *r, bool quiet)
{
	size_t wname = 4, wtarget = 6, passed = 0, failed = 0, warned = 0,
	       skipped = 0;
	for (size_t i = 0; i < r->n_checks; i++) {
		size_t a = strlen(r->checks[i]->name), b = strlen(r->checks[i]->target);
		if (a > wname)
			wname = a;
		if (b > wtarget && b < 60)
			wtarget = b;
	}
	for (size_t i = 0; i < r->n_checks; i++) {
		const Hookbox__V1__CheckResult *c = r->checks[i];
		bool ok = c->outcome == HOOKBOX__V1__OUTCOME__PASSED ||
			  c->outcome == HOOKBOX__V1__OUTCOME__SKIPPED;
		if (c->outcome == HOOKBOX__V1__OUTCOME__SKIPPED)
			skipped++;
		else if (ok)
			passed++;
		else if (c->optional)
			warned++;
		else
			failed++;
		if (quiet && ok)
			continue;
		char took[32];
		format_ms(took, sizeof(took), c->duration_ms);
		fprintf(f, "%s  %-*s  %-*s  %8s", verdict(c), (int)wname, c->name,
			(int)wtarget, c->target, took);
		if (!ok) {
			const char *cls = class_name(c->failure_class);
			fprintf(f, "  %s%s%s", cls, *cls ? ": " : "", c->message);
			if (c->n_attempts > 1 || (c->n_attempts &&
						  c->attempts[c->n_attempts - 1]->number > 1))
				fprintf(f, " (after %d attempts)",
					c->attempts[c->n_attempts - 1]->number);
		} else if (c->outcome == HOOKBOX__V1__OUTCOME__SKIPPED &&
			   c->message && *c->message) {
			fprintf(f, "  %s", c->message); /* which "after" */
		}
		fputc('\n', f);
		if (!ok && c->hint && *c->hint)
			fprintf(f, "      hint: %s\n", c->hint);
		for (size_t k = 0; k < c->n_details; k++)
			if (strcmp(c->details[k]->key, "unlisted_syscalls") == 0)
				fprintf(f, "      sandbox log: calls outside the %s "
					"profile: %s\n", c->kind, c->details[k]->value);
	}
	/* Worded so that it never reads as a test runner's "N passed, N failed"
	 * closing line when it lands in a CI log. */
	fprintf(f, "hookbox: phase %s: %zu of %zu checks passed", hb_phase_name(r->phase),
		passed, r->n_checks);
	if (failed)
		fprintf(f, ", %zu failed", failed);
	if (warned)
		fprintf(f, ", %zu optional failed", warned);
	if (skipped)
		fprintf(f, ", %zu skipped", skipped);
	fputc('\n', f);
}

int hb_output_json(FILE *f, const Hookbox__V1__Report *r)
{
	char *s = hb_pbjson_print(&r->base, true);
	if (!s)
		return -ENOMEM;
	fputs(s, f);
	fputc('\n', f);
	free(s);
	return 0;
}

void hb_output_termination(char *dst, size_t size, const Hookbox__V1__Report *r)
{
	size_t used = 0;
	if (!size)
		return;
	dst[0] = '\0';
	used += (size_t)snprintf(dst, size, "phase %s\n", hb_phase_name(r->phase));
	for (size_t i = 0; i < r->n_checks && used < size; i++) {
		const Hookbox__V1__CheckResult *c = r->checks[i];
		if (c->outcome == HOOKBOX__V1__OUTCOME__PASSED)
			continue;
		char line[768];
		snprintf(line, sizeof(line), "%s %s: %s: %s\n", verdict(c), c->name,
			 class_name(c->failure_class), c->message);
		size_t n = strlen(line);
		if (used + n >= size)
			break; /* whole lines only */
		memcpy(dst + used, line, n + 1);
		used += n;
	}
	if (used >= size)
		dst[size - 1] = '\0';
}
