/* SPDX-License-Identifier: MIT */
/* The collector's routing decision as a pure function: a request's method,
 * decoded path and revision query value in, the route and its checked
 * parameters (or the 4xx status and its reason) out. No I/O and no
 * libmicrohttpd types, so that the unit tests and a fuzzer call it directly.
 *
 *   struct hb_route rt;
 *   hb_route(method, path, revision_or_NULL, &rt);
 *   if (rt.auth && !authorized) -> 401
 *   if (rt.id == HB_ROUTE_REFUSED) -> answer rt.status with rt.reason
 *   switch (rt.id) ... rt.ns, rt.release, rt.revision, rt.report_id
 */
#ifndef HB_ROUTE_H
#define HB_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

/* Kubernetes and Helm name limits: a namespace is a DNS-1123 label, a
 * release what helm.sh/helm/v3 pkg/chartutil ValidateReleaseName accepts. */
#define HB_NAMESPACE_MAX 63
#define HB_RELEASE_MAX 53

enum hb_route_id {
	HB_ROUTE_REFUSED, /* status and reason say why */
	HB_ROUTE_HEALTHZ,
	HB_ROUTE_INGEST,  /* POST /v1/reports */
	HB_ROUTE_METRICS,
	HB_ROUTE_REPORT,  /* GET /v1/reports/{id} */
	HB_ROUTE_RELEASE, /* GET /v1/releases/{namespace}/{release} */
	HB_ROUTE_LOGS,    /* GET /v1/releases/{namespace}/{release}/logs */
	HB_ROUTE_RELEASES, /* GET /v1/releases */
	HB_ROUTE_REVISIONS, /* GET /v1/releases/{namespace}/{release}/revisions */
};

struct hb_route {
	enum hb_route_id id;
	/* Whether the bearer token is checked before anything else is said:
	 * every route but the liveness probe and the method check of
	 * /v1/reports, so that a client without the token learns nothing of
	 * what exists. */
	bool auth;
	unsigned status;    /* 400, 404 or 405 when refused, else 0 */
	char reason[256];   /* one line, valid UTF-8, no control bytes */
	char ns[HB_NAMESPACE_MAX + 1];
	char release[HB_RELEASE_MAX + 1];
	char report_id[37]; /* lower case */
	int64_t revision;   /* 0: the newest */
	/* logs (hb_route_logs_query): the hook filter ("": every hook), and
	 * whether to answer JSON rather than text. */
	char hook[254];
	bool json;
};

/* Fills *out for a request. method and path must not be NULL; path is the
 * percent-decoded path without the query; revision is the decoded value of
 * the "revision" query parameter or NULL when there is none. Everything a
 * client sent that is quoted in a reason is escaped (\xNN). */
void hb_route(const char *method, const char *path, const char *revision,
	      struct hb_route *out);

/* Completes a logs route with its query: hook (the "hook" parameter, an
 * event or a hook's name, see hb_logs_hook_valid) and the format, from the
 * "format" parameter (text or json) or else the Accept header (JSON when it
 * names application/json). Any may be NULL. Refuses with 400 what it
 * cannot take. */
void hb_route_logs_query(const char *hook, const char *format, const char *accept,
			 struct hb_route *out);

/* Completes a releases route with its query: namespace (the "namespace"
 * parameter, NULL or "": every namespace) into out->ns. Refuses with 400
 * what is not a namespace name. */
void hb_route_releases_query(const char *ns, struct hb_route *out);

/* Whether s is a Kubernetes namespace name: a DNS-1123 label, lower-case
 * letters, digits and '-', starting and ending with a letter or digit, at
 * most 63 bytes. */
bool hb_valid_namespace(const char *s);
/* Whether s is a Helm release name: DNS-1123 labels joined by '.', at most
 * 53 bytes. */
bool hb_valid_release(const char *s);

#endif
