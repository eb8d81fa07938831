/* SPDX-License-Identifier: MIT */
/* The web page's requests: its routes, its login and its headers. */
#include "web.h"

#include "query.h"
#include "route.h"
#include "server.h"
#include "strutil.h"
#include "validate.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

/* Pages are at most what a reduction of HB_MAX_HOOKS hooks renders to. */
#define PAGE_CAP (64u << 20)

int hb_web_init(struct hb_web *w, struct hb_store *st, const char *token,
		size_t token_len, bool tls, char *err, size_t errlen)
{
	unsigned char r[32];
	memset(w, 0, sizeof(*w));
	w->store = st;
	w->token = token;
	w->token_len = token_len;
	w->tls = tls;
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		snprintf(err, errlen, "getrandom for the web session: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(w->session + 2 * i, 3, "%02x", r[i]);
	return 0;
}

bool hb_web_path(const char *url)
{
	return strcmp(url, "/") == 0 || hb_str_prefix(url, "/ui/");
}

/* Every answer of the web page carries the policy and keeps out of other
 * sites' frames; pages are never cached (they hold reports). */
static enum MHD_Result web_respond(struct MHD_Connection *c, unsigned status,
				   const char *type, const char *data, size_t len,
				   const char *cookie)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data,
								 MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "Content-Security-Policy", hb_web_csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	/* same-origin rather than no-referrer: with no-referrer a browser
	 * sends "Origin: null" on the login post, which could not be told
	 * from another site's. */
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (cookie) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, "/");
	}
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result respond_page(struct MHD_Connection *c, unsigned status,
				    struct hb_buf *b, int rc)
{
	enum MHD_Result ret;
	if (rc < 0) {
		static const char msg[] = "rendering the page: out of memory\n";
		ret = web_respond(c, 503, "text/plain; charset=utf-8", msg, sizeof(msg) - 1, NULL);
	} else {
		ret = web_respond(c, status, "text/html; charset=utf-8", hb_buf_str(b), b->len,
				  NULL);
	}
	hb_buf_release(b);
	return ret;
}

static enum MHD_Result respond_error(struct MHD_Connection *c, unsigned status,
				     const char *msg)
{
	struct hb_buf b;
	hb_buf_init(&b, PAGE_CAP);
	return respond_page(c, status, &b, hb_web_render_error(&b, status, msg));
}

static enum MHD_Result respond_login(struct MHD_Connection *c, unsigned status,
				     const char *msg)
{
	struct hb_buf b;
	hb_buf_init(&b, PAGE_CAP);
	return respond_page(c, status, &b, hb_web_render_login(&b, msg));
}

/* The collector's token rules: open when it has no token (loopback only,
 * as the API); else the bearer token, or the cookie a login set. Both
 * compared in constant time. */
static bool web_authorized(const struct hb_web *w, struct MHD_Connection *c)
{
	if (!w->token)
		return true;
	const char *t = hb_bearer_token(
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION));
	if (t && hb_token_equal(w->token, w->token_len, t, strlen(t)))
		return true;
	const char *s = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, HB_WEB_COOKIE);
	return s && hb_token_equal(w->session, strlen(w->session), s, strlen(s));
}

static enum MHD_Result index_page(struct hb_web *w, struct MHD_Connection *c)
{
	char err[256] = "";
	const char *ns = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "namespace");
	const char *part = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "part");
	if (ns && *ns && !hb_valid_namespace(ns))
		return respond_error(c, 400, "namespace: not a Kubernetes namespace name");
	bool main_only = part && strcmp(part, "main") == 0, filtered = ns && *ns;
	/* What GET /v1/releases?namespace=NS answers: filtered by the store,
	 * before its cap. The filter's choices, of a filtered full page, are
	 * what GET /v1/releases answers. */
	cJSON *list = hb_releases_json(w->store, filtered ? ns : NULL, HB_MAX_RELEASES, err,
				       sizeof(err));
	cJSON *all = list && filtered && !main_only
			     ? hb_releases_json(w->store, NULL, HB_MAX_RELEASES, err, sizeof(err))
			     : NULL;
	if (!list || (filtered && !main_only && !all)) {
		cJSON_Delete(list);
		return respond_error(c, 503, err);
	}
	struct hb_buf b;
	hb_buf_init(&b, PAGE_CAP);
	int rc = hb_web_render_index(&b, list, all, ns, main_only);
	cJSON_Delete(list);
	cJSON_Delete(all);
	return respond_page(c, 200, &b, rc);
}

static enum MHD_Result release_page(struct hb_web *w, struct MHD_Connection *c,
				    const char *rest)
{
	char err[256] = "", ns[HB_NAMESPACE_MAX + 1], rel[HB_RELEASE_MAX + 1];
	const char *slash = strchr(rest, '/');
	const char *rv = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "revision");
	const char *part = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "part");
	int64_t revision = 0;
	if (!slash || (size_t)(slash - rest) > HB_NAMESPACE_MAX ||
	    strlen(slash + 1) > HB_RELEASE_MAX)
		return respond_error(c, 404, "want /ui/releases/{namespace}/{release}");
	memcpy(ns, rest, (size_t)(slash - rest));
	ns[slash - rest] = '\0';
	hb_strlcpy(rel, slash + 1, sizeof(rel));
	if (!hb_valid_namespace(ns) || !hb_valid_release(rel))
		return respond_error(c, 400, "not a Kubernetes namespace and Helm release name");
	if (rv && hb_revision_parse(rv, &revision) < 0)
		return respond_error(c, 400, "revision: want a number from 0 to 2147483647");
	cJSON *red = hb_release_json(w->store, ns, rel, revision, NULL, err, sizeof(err));
	if (!red)
		return respond_error(c, 503, err);
	const cJSON *latest = cJSON_GetObjectItemCaseSensitive(red, "latestRevision");
	if (!cJSON_IsNumber(latest) || latest->valuedouble <= 0) {
		cJSON_Delete(red);
		return respond_error(c, 404, "no reports of this release");
	}
	cJSON *hist = hb_revisions_json(w->store, ns, rel, 0, HB_WEB_REVISIONS, err,
					sizeof(err));
	if (!hist) {
		cJSON_Delete(red);
		return respond_error(c, 503, err);
	}
	struct hb_buf b;
	hb_buf_init(&b, PAGE_CAP);
	int rc = hb_web_render_release(&b, red, hist, part && strcmp(part, "main") == 0);
	cJSON_Delete(red);
	cJSON_Delete(hist);
	return respond_page(c, 200, &b, rc);
}

int hb_web_request(struct hb_web *w, struct MHD_Connection *c, const char *url,
		   const char *method, bool *want_body)
{
	*want_body = false;
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	if (strcmp(url, "/ui/login") == 0) {
		if (strcmp(method, "POST") == 0) {
			*want_body = true;
			return MHD_YES;
		}
		if (!get)
			return respond_error(c, 405, "want GET or POST");
		return respond_login(c, 200, NULL);
	}
	if (!get)
		return respond_error(c, 405, "the web page only reads: want GET");
	/* The script and the style sheet hold nothing of the reports. */
	if (strcmp(url, "/ui/app.js") == 0)
		return web_respond(c, 200, "text/javascript; charset=utf-8", hb_web_js,
				   strlen(hb_web_js), NULL);
	if (strcmp(url, "/ui/style.css") == 0)
		return web_respond(c, 200, "text/css; charset=utf-8", hb_web_css,
				   strlen(hb_web_css), NULL);
	if (!web_authorized(w, c))
		return respond_login(c, 401, NULL);
	if (strcmp(url, "/") == 0)
		return index_page(w, c);
	if (hb_str_prefix(url, "/ui/releases/"))
		return release_page(w, c, url + strlen("/ui/releases/"));
	return respond_error(c, 404, "no such page");
}

/* The value of one field of an application/x-www-form-urlencoded body,
 * decoded in place into dst; false when it is not there. */
static bool form_field(const char *body, size_t len, const char *name, char *dst,
		       size_t size)
{
	size_t nl = strlen(name);
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *fe = amp ? amp : end;
		if ((size_t)(fe - p) > nl && memcmp(p, name, nl) == 0 && p[nl] == '=') {
			size_t vl = (size_t)(fe - p) - nl - 1;
			if (vl >= size)
				return false;
			memcpy(dst, p + nl + 1, vl);
			dst[vl] = '\0';
			for (char *q = dst; *q; q++)
				if (*q == '+')
					*q = ' ';
			MHD_http_unescape(dst);
			return true;
		}
		p = fe + 1;
	}
	return false;
}

/* Whether a form post comes from a page of this collector: a browser says
 * where a POST comes from (Sec-Fetch-Site, Origin), so another site's page
 * cannot log its visitor in here (login CSRF). A client that sends neither
 * is not a browser (curl), and has no visitor to misuse. */
static bool same_origin(const struct hb_web *w, struct MHD_Connection *c)
{
	const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	if (site && strcmp(site, "same-origin") != 0)
		return false;
	if (!origin)
		return true;
	const char *scheme = w->tls ? "https://" : "http://";
	size_t sl = strlen(scheme);
	return host && strncmp(origin, scheme, sl) == 0 && strcmp(origin + sl, host) == 0;
}

int hb_web_login(struct hb_web *w, struct MHD_Connection *c, const char *body,
		 size_t len, bool too_large)
{
	char token[HB_WEB_MAX_FORM + 1], cookie[200];
	if (too_large || len > HB_WEB_MAX_FORM)
		return respond_login(c, 413, "the form is too large");
	if (!same_origin(w, c))
		return respond_error(c, 403, "a login from another site's page");
	if (!form_field(body ? body : "", len, "token", token, sizeof(token)))
		return respond_login(c, 400, "no token given");
	bool ok = !w->token || hb_token_equal(w->token, w->token_len, token, strlen(token));
	explicit_bzero(token, sizeof(token));
	if (!ok)
		return respond_login(c, 401, "wrong token");
	/* HttpOnly: no script reads it; SameSite=Strict: no other site's
	 * page sends it along; Secure when served over TLS. No Max-Age: it
	 * ends with the browser's session, and with the collector's run. */
	snprintf(cookie, sizeof(cookie), HB_WEB_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s",
		 w->session, w->tls ? "; Secure" : "");
	return web_respond(c, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8", "", 0, cookie);
}
