/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the collector's routing (collector/route.c): the
 * input is "METHOD\nPATH[\nREVISION]", as libmicrohttpd hands the three over
 * (decoded, NUL-terminated); the route must keep its contract whatever they
 * hold. */
#include "route.h"
#include "strutil.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Written here from the rules themselves (Kubernetes' DNS-1123 label,
 * Helm's release name), not with route.c's code, so that the two check
 * each other. */
static bool oracle_label(const char *s, size_t n)
{
	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789-", s[i]) || !s[i])
			return false;
	return true;
}

static bool oracle_release(const char *s)
{
	size_t n = strlen(s), start = 0;
	if (n == 0 || n > 53)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (!oracle_label(s + start, i - start))
				return false;
			start = i + 1;
		}
	}
	return true;
}

static bool lower_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]) || !s[i])
			return false;
	}
	return true;
}

/* One line of valid UTF-8 without control bytes. */
static bool clean_reason(const char *s)
{
	size_t n = strlen(s);
	uint32_t cp;
	if (n == 0 || n >= sizeof(((struct hb_route *)0)->reason))
		return false;
	for (size_t i = 0, k; i < n; i += k) {
		k = hb_utf8_next(s + i, n - i, &cp);
		if (!k || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return false;
	}
	return true;
}

/* Splits data at the first two newlines into NUL-terminated parts. */
static char *part(const uint8_t **data, size_t *size, bool *found)
{
	const uint8_t *nl = memchr(*data, '\n', *size);
	size_t n = nl ? (size_t)(nl - *data) : *size;
	char *s = malloc(n + 1);
	if (!s)
		abort();
	memcpy(s, *data, n);
	s[n] = '\0';
	*found = nl != NULL;
	*data += nl ? n + 1 : n;
	*size -= nl ? n + 1 : n;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool more, has_rev;
	char *method = part(&data, &size, &more);
	char *path = more ? part(&data, &size, &has_rev) : strdup("/");
	char *revision = more && has_rev ? part(&data, &size, &more) : NULL;
	struct hb_route rt, again;
	if (!path)
		abort();

	hb_route(method, path, revision, &rt);
	hb_route(method, path, revision, &again);
	if (rt.id != again.id || rt.status != again.status || rt.auth != again.auth ||
	    strcmp(rt.reason, again.reason) != 0)
		__builtin_trap();

	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	switch (rt.id) {
	case HB_ROUTE_REFUSED:
		if ((rt.status != 400 && rt.status != 404 && rt.status != 405) ||
		    !clean_reason(rt.reason))
			__builtin_trap();
		break;
	case HB_ROUTE_HEALTHZ:
		if (!get || rt.auth || strcmp(path, "/healthz") != 0)
			__builtin_trap();
		break;
	case HB_ROUTE_INGEST:
		if (strcmp(method, "POST") != 0 || strcmp(path, "/v1/reports") != 0)
			__builtin_trap();
		break;
	case HB_ROUTE_METRICS:
		if (!get || !rt.auth || strcmp(path, "/metrics") != 0)
			__builtin_trap();
		break;
	case HB_ROUTE_REPORT:
		/* The id is the path's, in lower case. */
		if (!get || !rt.auth || !lower_uuid(rt.report_id) || strlen(path) != 48 ||
		    strncmp(path, "/v1/reports/", 12) != 0 ||
		    strncasecmp(path + 12, rt.report_id, 36) != 0)
			__builtin_trap();
		break;
	case HB_ROUTE_RELEASES:
		if (!get || !rt.auth || strcmp(path, "/v1/releases") != 0 || rt.ns[0])
			__builtin_trap();
		break;
	case HB_ROUTE_RELEASE:
	case HB_ROUTE_LOGS:
	case HB_ROUTE_REVISIONS: {
		/* The names are the path's, both valid Kubernetes names. */
		char want[200];
		const char *tail = rt.id == HB_ROUTE_LOGS ? "/logs"
				 : rt.id == HB_ROUTE_REVISIONS ? "/revisions" : "";
		snprintf(want, sizeof(want), "/v1/releases/%s/%s%s", rt.ns, rt.release, tail);
		if (!get || !rt.auth || !oracle_label(rt.ns, strlen(rt.ns)) ||
		    !oracle_release(rt.release) || strcmp(want, path) != 0)
			__builtin_trap();
		if (rt.revision < 0 || rt.revision > INT32_MAX ||
		    (!revision && rt.revision != 0) ||
		    (revision && strtoll(revision, NULL, 10) != rt.revision))
			__builtin_trap();
		break;
	}
	default:
		__builtin_trap();
	}
	if (rt.id != HB_ROUTE_REFUSED && (rt.status != 0 || rt.reason[0]))
		__builtin_trap();
	/* The logs query, the revision's bytes taken as its hook and its
	 * format: taken only when valid, else refused with a clean reason. */
	if (rt.id == HB_ROUTE_LOGS) {
		hb_route_logs_query(revision, revision, revision, &rt);
		if (rt.id == HB_ROUTE_REFUSED ? rt.status != 400 || !clean_reason(rt.reason)
					      : strcmp(rt.hook, revision ? revision : "") != 0)
			__builtin_trap();
	}
	/* The releases query, the revision's bytes taken as its namespace:
	 * a namespace name or nothing, else refused with a clean reason. */
	if (rt.id == HB_ROUTE_RELEASES) {
		hb_route_releases_query(revision, &rt);
		if (rt.id == HB_ROUTE_REFUSED
			    ? rt.status != 400 || !clean_reason(rt.reason)
			    : strcmp(rt.ns, revision ? revision : "") != 0 ||
				      (rt.ns[0] && !hb_valid_namespace(rt.ns)))
			__builtin_trap();
	}
	/* Only the liveness probe and the ingest's method check speak before
	 * the token is checked (the ingest checks it itself). */
	if (!rt.auth && strcmp(path, "/healthz") != 0 && strcmp(path, "/v1/reports") != 0)
		__builtin_trap();

	free(method);
	free(path);
	free(revision);
	return 0;
}
