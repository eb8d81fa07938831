/* SPDX-License-Identifier: MIT */
/* The collector's web page: server-rendered HTML over the same JSON the read
 * API answers (query.h), behind the same token, with a strict
 * Content-Security-Policy and one small static script that refreshes a
 * Running revision.
 *
 *   struct hb_web w;
 *   hb_web_init(&w, store, token_or_NULL, token_len, tls, err, sizeof(err));
 *   in the request handler:
 *     if (hb_web_path(url)) return hb_web_request(&w, c, url, method, &body);
 *     ... with body: read it, then hb_web_login(&w, c, data, len)
 *
 * The rendering half (hb_html_*, hb_web_render_*) is pure: it writes into a
 * capped buffer from cJSON, so that unit tests and the bench call it.
 */
#ifndef HB_WEB_H
#define HB_WEB_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "store.h"

struct MHD_Connection;

/* The cookie a login sets, named for what it is. */
#define HB_WEB_COOKIE "hookbox_session"
/* The most bytes of a login form. */
#define HB_WEB_MAX_FORM 4096
/* The most revisions a release page shows as marks, and of them the most
 * a latency chart draws. */
#define HB_WEB_REVISIONS 100
#define HB_WEB_CHART_REVISIONS 20

struct hb_web {
	struct hb_store *store;
	const char *token; /* NULL: open, as the API is without --token-file */
	size_t token_len;
	bool tls;          /* the cookie is Secure */
	/* A random value made at start: the cookie holds it, never the token,
	 * so a stolen cookie reads pages until the collector restarts but
	 * cannot post reports. */
	char session[65];
};

/* Returns 0, or -1 with err filled (no randomness). token is not copied. */
int hb_web_init(struct hb_web *w, struct hb_store *st, const char *token,
		size_t token_len, bool tls, char *err, size_t errlen);

/* Whether a request path is the web page's: "/" or under "/ui/". */
bool hb_web_path(const char *url);

/* Answers a request for a web path. Sets *want_body and answers nothing
 * when the request is the login form's POST, whose body the caller reads
 * (at most HB_WEB_MAX_FORM bytes, too_large otherwise) and hands to
 * hb_web_login. Returns libmicrohttpd's MHD_YES or MHD_NO. */
int hb_web_request(struct hb_web *w, struct MHD_Connection *c, const char *url,
		   const char *method, bool *want_body);
int hb_web_login(struct hb_web *w, struct MHD_Connection *c, const char *body,
		 size_t len, bool too_large);

/* -- rendering (web_render.c, web_svg.c): pure ------------------------- */

/* The page's Content-Security-Policy: nothing but this collector's own
 * script, style sheet and fetches; no inline script or style. */
extern const char hb_web_csp[];
extern const char hb_web_js[];
extern const char hb_web_css[];

/* Appends s HTML-escaped, safe in text and in a quoted attribute alike:
 * & < > " ' as character references, C0 controls (but tab and newline)
 * and DEL as U+FFFD. Every string from a report goes through it. Returns 0
 * or the buffer's negative errno. */
int hb_html_escape(struct hb_buf *b, const char *s);
/* hb_buf_printf whose only conversion is %s, each argument through
 * hb_html_escape. */
int hb_html_printf(struct hb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The index: list is GET /v1/releases?namespace=NS's JSON (ns NULL or "":
 * every namespace), said to be truncated above the table when it is; the
 * namespace filter offers those of all, GET /v1/releases's (NULL: those of
 * list). main_only: the <main> element alone, what the refresh script
 * fetches. */
int hb_web_render_index(struct hb_buf *b, const cJSON *list, const cJSON *all,
			const char *ns, bool main_only);
/* A release page: red is GET /v1/releases/{ns}/{release}?revision=N's JSON,
 * history GET .../revisions's (newest first). */
int hb_web_render_release(struct hb_buf *b, const cJSON *red, const cJSON *history,
			  bool main_only);
/* The login form, with an optional one-line message. */
int hb_web_render_login(struct hb_buf *b, const char *message);
/* An error page: status and a one-line message. */
int hb_web_render_error(struct hb_buf *b, unsigned status, const char *message);
/* A check's time over the revisions of history up to `revision` (at most
 * HB_WEB_CHART_REVISIONS, oldest left) as an inline SVG; nothing when the
 * check ran in fewer than two of them. */
int hb_web_render_latency(struct hb_buf *b, const cJSON *history, double revision,
			  const char *hook, const char *check);

#endif
