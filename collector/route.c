/* SPDX-License-Identifier: MIT */
/* Which route a request takes, with its parameters checked at the boundary. */
#include "route.h"

#include "logs.h"
#include "report_util.h"
#include "strutil.h"
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

bool hb_valid_namespace(const char *s)
{
	size_t n = strlen(s);
	return n <= HB_NAMESPACE_MAX && hb_dns_label(s, n);
}

bool hb_valid_release(const char *s)
{
	return hb_dns_subdomain(s, HB_RELEASE_MAX);
}

/* A client's bytes as they may appear in a reason: printable ASCII as is,
 * everything else (and the quote and backslash) as \xNN, at most max input
 * bytes and "..." when cut. The reason then stays one line of valid UTF-8
 * whatever was sent. */
static void quote(char *dst, size_t size, const char *s, size_t max)
{
	size_t i, j = 0;
	for (i = 0; s[i] && i < max && j + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
			dst[j++] = (char)c;
		else
			j += (size_t)snprintf(dst + j, size - j, "\\x%02x", c);
	}
	if (s[i]) {
		memcpy(dst + j, "...", 3);
		j += 3;
	}
	dst[j] = '\0';
}

static void refuse(struct hb_route *out, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void refuse(struct hb_route *out, unsigned status, const char *fmt, ...)
{
	va_list ap;
	out->id = HB_ROUTE_REFUSED;
	out->status = status;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

static void route_report(const char *id, struct hb_route *out)
{
	char q[80];
	if (!hb_is_uuid(id)) {
		quote(q, sizeof(q), id, 40);
		refuse(out, 400, "report id \"%s\": not a UUID", q);
		return;
	}
	/* Ids are stored in lower case: one report whatever case a client
	 * spells its id in. */
	hb_strlcpy(out->report_id, id, sizeof(out->report_id));
	hb_uuid_normalize(out->report_id);
	out->id = HB_ROUTE_REPORT;
}

static void route_release(const char *rest, const char *revision, struct hb_route *out)
{
	char q[80], relbuf[HB_RELEASE_MAX + 2];
	const char *slash = strchr(rest, '/');
	const char *more = slash ? strchr(slash + 1, '/') : NULL;
	/* A release name has no '/': a third part can only be "logs" or
	 * "revisions". */
	if (!slash || (more && strcmp(more, "/logs") != 0 && strcmp(more, "/revisions") != 0)) {
		refuse(out, 404, "want /v1/releases/{namespace}/{release}[/logs|/revisions]");
		return;
	}
	size_t nl = (size_t)(slash - rest);
	const char *rel = slash + 1;
	if (more) {
		size_t rl = (size_t)(more - rel);
		if (rl >= sizeof(relbuf))
			rl = sizeof(relbuf) - 1; /* too long either way */
		memcpy(relbuf, rel, rl);
		relbuf[rl] = '\0';
		rel = relbuf;
	}
	if (nl > HB_NAMESPACE_MAX || !hb_dns_label(rest, nl)) {
		char ns[HB_NAMESPACE_MAX + 2];
		size_t k = nl < sizeof(ns) - 1 ? nl : sizeof(ns) - 1;
		memcpy(ns, rest, k);
		ns[k] = '\0';
		quote(q, sizeof(q), ns, 40);
		refuse(out, 400,
		       "namespace \"%s\": not a Kubernetes namespace name (lower-case "
		       "letters, digits and '-', at most %d)", q, HB_NAMESPACE_MAX);
		return;
	}
	if (!hb_valid_release(rel)) {
		quote(q, sizeof(q), rel, 40);
		refuse(out, 400,
		       "release \"%s\": not a Helm release name (lower-case letters, "
		       "digits, '-' and '.', at most %d)", q, HB_RELEASE_MAX);
		return;
	}
	int64_t v = 0;
	if (revision && hb_revision_parse(revision, &v) < 0) {
		quote(q, sizeof(q), revision, 40);
		refuse(out, 400, "revision \"%s\": want a number from 0 to %d", q,
		       HB_MAX_REVISION);
		return;
	}
	memcpy(out->ns, rest, nl);
	out->ns[nl] = '\0';
	hb_strlcpy(out->release, rel, sizeof(out->release));
	out->revision = v;
	out->id = !more ? HB_ROUTE_RELEASE
		: strcmp(more, "/logs") == 0 ? HB_ROUTE_LOGS : HB_ROUTE_REVISIONS;
}

void hb_route_logs_query(const char *hook, const char *format, const char *accept,
			 struct hb_route *out)
{
	char q[80];
	if (out->id != HB_ROUTE_LOGS)
		return;
	if (hook && !hb_logs_hook_valid(hook)) {
		quote(q, sizeof(q), hook, 40);
		refuse(out, 400,
		       "hook \"%s\": want an event (test, pre-install, post-upgrade, ...) "
		       "or a hook's name", q);
		return;
	}
	if (format && strcmp(format, "json") != 0 && strcmp(format, "text") != 0) {
		quote(q, sizeof(q), format, 40);
		refuse(out, 400, "format \"%s\": want text or json", q);
		return;
	}
	hb_strlcpy(out->hook, hook ? hook : "", sizeof(out->hook));
	if (format)
		out->json = strcmp(format, "json") == 0;
	else
		out->json = accept && strcasestr(accept, "application/json");
}

void hb_route_releases_query(const char *ns, struct hb_route *out)
{
	char q[80];
	if (out->id != HB_ROUTE_RELEASES || !ns)
		return;
	if (*ns && !hb_valid_namespace(ns)) {
		quote(q, sizeof(q), ns, 40);
		refuse(out, 400,
		       "namespace \"%s\": not a Kubernetes namespace name (lower-case "
		       "letters, digits and '-', at most %d)", q, HB_NAMESPACE_MAX);
		return;
	}
	hb_strlcpy(out->ns, ns, sizeof(out->ns));
}

void hb_route(const char *method, const char *path, const char *revision,
	      struct hb_route *out)
{
	char qm[48], qp[120];
	memset(out, 0, sizeof(*out));
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	quote(qm, sizeof(qm), method, 16);
	quote(qp, sizeof(qp), path, 80);
	if (strcmp(path, "/healthz") == 0) {
		if (get)
			out->id = HB_ROUTE_HEALTHZ;
		else
			refuse(out, 405, "%s /healthz: want GET", qm);
		return;
	}
	if (strcmp(path, "/v1/reports") == 0) {
		/* The token is checked by the ingest itself, together with
		 * the content type and the length, before any body is read. */
		if (strcmp(method, "POST") == 0)
			out->id = HB_ROUTE_INGEST;
		else
			refuse(out, 405, "%s /v1/reports: want POST", qm);
		return;
	}
	/* Everything else sits behind the token: reports name services,
	 * addresses and failures. */
	out->auth = true;
	if (!get)
		refuse(out, 405, "%s %s: want GET", qm, qp);
	else if (strcmp(path, "/metrics") == 0)
		out->id = HB_ROUTE_METRICS;
	else if (hb_str_prefix(path, "/v1/reports/"))
		route_report(path + strlen("/v1/reports/"), out);
	else if (strcmp(path, "/v1/releases") == 0)
		out->id = HB_ROUTE_RELEASES;
	else if (hb_str_prefix(path, "/v1/releases/"))
		route_release(path + strlen("/v1/releases/"), revision, out);
	else
		refuse(out, 404, "no route for %s", qp);
}
