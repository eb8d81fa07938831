/* SPDX-License-Identifier: MIT */
/* The logs view of a release: which hooks, and their checks and command
 * output as text. */
#include "logs.h"

#include "render.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* helm.sh/helm/v3 pkg/release/hook.go, and Helm 2's "test-success" that
 * Helm 3 still takes for "test". */
static const char *const events[] = {
	"pre-install",  "post-install", "pre-delete",    "post-delete",
	"pre-upgrade",  "post-upgrade", "pre-rollback",  "post-rollback",
	"test",         "test-success",
};

static bool is_event(const char *s)
{
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (strcmp(s, events[i]) == 0)
			return true;
	return false;
}

bool hb_logs_hook_valid(const char *hook)
{
	size_t n = strlen(hook);
	if (is_event(hook))
		return true;
	/* A DNS-1123 subdomain, as Kubernetes names pods and Jobs. */
	if (n == 0 || n > 253 || hook[0] == '-' || hook[0] == '.' ||
	    hook[n - 1] == '-' || hook[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = hook[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '.'))
			return false;
	}
	return true;
}

static const cJSON *field(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = field(o, k);
	return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

/* A number, or an int64/uint64 that canonical protobuf JSON writes as a
 * string of digits; 0 when absent (the proto3 default). */
static double num(const cJSON *o, const char *k)
{
	const cJSON *v = field(o, k);
	if (cJSON_IsNumber(v))
		return v->valuedouble;
	if (cJSON_IsString(v) && v->valuestring)
		return strtod(v->valuestring, NULL);
	return 0.0;
}

static bool hook_selected(const cJSON *h, const char *hook)
{
	if (!hook)
		return true;
	if (strcmp(hook, "test") == 0 || strcmp(hook, "test-success") == 0)
		return cJSON_IsTrue(field(h, "test"));
	if (is_event(hook)) {
		const cJSON *e;
		cJSON_ArrayForEach(e, field(h, "events"))
			if (cJSON_IsString(e) && strcmp(e->valuestring, hook) == 0)
				return true;
		return false;
	}
	return strcmp(str(h, "name"), hook) == 0 ||
	       strcmp(str(h, "podName"), hook) == 0;
}

int hb_logs_select(cJSON *red, int64_t revision, const char *hook, char *err,
		   size_t errlen)
{
	cJSON *hooks = cJSON_GetObjectItemCaseSensitive(red, "hooks");
	char names[256] = "";
	size_t used = 0, all = 0;
	for (cJSON *h = hooks ? hooks->child : NULL, *next; h; h = next) {
		next = h->next;
		all++;
		if (hook_selected(h, hook))
			continue;
		/* Named in the error should nothing be selected. */
		int n = snprintf(names + used, sizeof(names) - used, "%s%s",
				 used ? ", " : "", str(h, "name"));
		if (n > 0 && used + (size_t)n < sizeof(names))
			used += (size_t)n;
		cJSON_Delete(cJSON_DetachItemViaPointer(hooks, h));
	}
	if (cJSON_GetArraySize(hooks) > 0)
		return 0;
	const char *ns = str(red, "namespace"), *rel = str(red, "release");
	long long latest = (long long)num(red, "latestRevision");
	if (all > 0)
		snprintf(err, errlen, "no hook \"%s\" in %s/%s revision %.0f; its hooks: %s",
			 hook, ns, rel, num(red, "revision"), names);
	else if (revision > 0 && latest > 0)
		snprintf(err, errlen, "no reports of %s/%s revision %lld; the latest is %lld",
			 ns, rel, (long long)revision, latest);
	else
		snprintf(err, errlen, "no reports of %s/%s", ns, rel);
	return -ENOENT;
}

int hb_logs_exit_code(const cJSON *red)
{
	const cJSON *h;
	int code = 0, n = 0;
	cJSON_ArrayForEach(h, field(red, "hooks")) {
		const char *ph = str(h, "phase");
		n++;
		if (strcmp(ph, "Failed") == 0)
			return 1;
		if (strcmp(ph, "Succeeded") != 0)
			code = 3;
	}
	return n ? code : 3;
}

/* "250ms", "1.52s", the way the agent prints a check's time. */
static void took(char *dst, size_t size, double ms)
{
	if (ms < 1000)
		snprintf(dst, size, "%.0fms", ms);
	else
		snprintf(dst, size, "%.2fs", ms / 1000.0);
}

/* The command line as a shell would take it back: words with anything but
 * [A-Za-z0-9_./:=@%+,-] in single quotes. */
static int command_line(struct hb_buf *b, const cJSON *argv)
{
	const cJSON *a;
	int rc = 0;
	bool first = true;
	cJSON_ArrayForEach(a, argv) {
		const char *s = cJSON_IsString(a) ? a->valuestring : "";
		bool plain = *s != '\0';
		for (const char *p = s; *p && plain; p++)
			plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "0123456789_./:=@%+,-", *p) != NULL;
		if (rc == 0 && !first)
			rc = hb_buf_appends(b, " ");
		first = false;
		if (rc < 0 || plain) {
			if (rc == 0)
				rc = hb_text_escape(b, s);
			continue;
		}
		rc = hb_buf_appends(b, "'");
		for (const char *p = s; rc == 0 && *p; p++) {
			size_t k = strcspn(p, "'");
			rc = hb_text_escape_n(b, p, k);
			p += k;
			if (rc == 0 && *p == '\'')
				rc = hb_buf_appends(b, "'\\''");
			if (!*p)
				break;
		}
		if (rc == 0)
			rc = hb_buf_appends(b, "'");
	}
	return rc;
}

/* One output stream's tail, each line indented behind "| " and escaped:
 * a line may keep its tabs and characters, never an ESC, CR or other
 * control that would act on the reader's terminal. */
static int tail(struct hb_buf *b, const char *name, const char *s, double dropped)
{
	size_t n = strlen(s);
	int rc;
	if (n == 0 && dropped == 0)
		return hb_buf_printf(b, "    %s: (empty)\n", name);
	if (dropped > 0)
		rc = hb_buf_printf(b, "    %s (last %zu bytes; %.0f bytes before them "
				   "not kept):\n", name, n, dropped);
	else
		rc = hb_buf_printf(b, "    %s (%zu bytes):\n", name, n);
	for (size_t i = 0; rc == 0 && i < n;) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t k = nl ? (size_t)(nl - (s + i)) : n - i;
		rc = hb_buf_appends(b, "      | ");
		if (rc == 0)
			rc = hb_text_escape_n(b, s + i, k);
		if (rc == 0)
			rc = hb_buf_appends(b, nl ? "\n" : " [no newline at end]\n");
		i += k + (nl != NULL);
	}
	return rc;
}

static int command(struct hb_buf *b, const cJSON *c, const cJSON *cmd)
{
	char t[32];
	int rc = hb_buf_appends(b, "    command line: ");
	if (rc == 0)
		rc = command_line(b, field(cmd, "argv"));
	if (rc == 0)
		rc = hb_buf_appends(b, "\n");
	/* A command not run (its --wait-for targets were not ready) has no
	 * status to show. */
	if (rc < 0 || strcmp(str(c, "outcome"), "SKIPPED") == 0)
		return rc;
	int sig = (int)num(cmd, "signal");
	if (sig > 0) {
		const char *abbrev = sigabbrev_np(sig);
		rc = hb_buf_printf(b, "    killed by signal %d%s%s\n", sig,
				   abbrev ? " SIG" : "", abbrev ? abbrev : "");
	} else {
		rc = hb_buf_printf(b, "    exit status: %.0f\n", num(cmd, "exitCode"));
	}
	took(t, sizeof(t), num(cmd, "durationMs"));
	if (rc == 0)
		rc = hb_buf_printf(b, "    duration: %s\n", t);
	if (rc == 0)
		rc = tail(b, "stdout", str(cmd, "stdoutTail"), num(cmd, "stdoutDroppedBytes"));
	if (rc == 0)
		rc = tail(b, "stderr", str(cmd, "stderrTail"), num(cmd, "stderrDroppedBytes"));
	return rc;
}

static int check(struct hb_buf *b, const cJSON *c)
{
	char t[32];
	const char *cls = str(c, "failureClass");
	took(t, sizeof(t), num(c, "durationMs"));
	int rc = hb_text_printf(b, "  check %s (%s", str(c, "name"), str(c, "kind"));
	if (rc == 0 && *str(c, "target") && !field(c, "command"))
		rc = hb_text_printf(b, " %s", str(c, "target"));
	if (rc == 0)
		rc = hb_text_printf(b, "): %s%s in ", cJSON_IsTrue(field(c, "optional"))
						? "(optional) " : "", str(c, "outcome"));
	if (rc == 0)
		rc = hb_buf_appends(b, t);
	if (rc == 0 && (*cls || *str(c, "message")))
		rc = hb_text_printf(b, ", %s%s%s", cls, *cls ? ": " : "", str(c, "message"));
	if (rc == 0)
		rc = hb_buf_appends(b, "\n");
	if (rc == 0 && *str(c, "hint"))
		rc = hb_text_printf(b, "    hint: %s\n", str(c, "hint"));
	if (rc == 0 && cJSON_IsObject(field(c, "command")))
		rc = command(b, c, field(c, "command"));
	return rc;
}

int hb_logs_render(struct hb_buf *b, const cJSON *red)
{
	const cJSON *h, *c, *e;
	int rc = hb_text_printf(b, "NAME: %s\nNAMESPACE: %s\n", str(red, "release"),
				str(red, "namespace"));
	if (rc == 0)
		rc = hb_buf_printf(b, "REVISION: %.0f\n", num(red, "revision"));
	if (rc == 0 && num(red, "omittedHooks") > 0)
		rc = hb_buf_printf(b, "NOTE: %.0f hooks of this revision not shown (the "
				   "collector lists at most a thousand)\n",
				   num(red, "omittedHooks"));
	cJSON_ArrayForEach(h, field(red, "hooks")) {
		char started[64], done[64];
		hb_format_ansic(started, sizeof(started), str(h, "startedAt"));
		hb_format_ansic(done, sizeof(done), str(h, "finishedAt"));
		if (rc == 0)
			rc = hb_text_printf(b, "\nHOOK: %s\n  events:", str(h, "name"));
		bool any = false;
		cJSON_ArrayForEach(e, field(h, "events")) {
			if (rc == 0 && cJSON_IsString(e))
				rc = hb_text_printf(b, "%s %s", any ? "," : "", e->valuestring);
			any = true;
		}
		if (rc == 0 && !any)
			rc = hb_buf_appends(b, " (none)");
		if (rc == 0)
			rc = hb_buf_printf(b, "\n  weight: %.0f\n", num(h, "weight"));
		if (rc == 0)
			rc = hb_text_printf(b, "  pod: %s\n  phase: %s\n  started: %s\n"
					    "  completed: %s\n", str(h, "podName"),
					    str(h, "phase"), *started ? started : "-",
					    *done ? done : "-");
		cJSON_ArrayForEach(c, field(h, "checks")) {
			if (rc == 0)
				rc = check(b, c);
		}
	}
	return rc;
}
