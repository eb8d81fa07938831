/* SPDX-License-Identifier: MIT */
/* The collector's HTTP server: validation, authentication, routes. */
#include "server.h"

#include "addr.h"
#include "buf.h"
#include "logs.h"
#include "metrics.h"
#include "osutil.h"
#include "pbjson.h"
#include "query.h"
#include "reduce.h"
#include "render.h"
#include "report_util.h"
#include "route.h"
#include "store.h"
#include "strutil.h"
#include "validate.h"
#include "web.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

/* libmicrohttpd's connection timeout counts idleness only: a client that
 * sends a byte every few seconds keeps its connection, and its thread, for
 * as long as it likes. Each connection therefore also has a deadline for
 * the request it is sending, from its accept (or from the end of its
 * previous request) until the whole request, headers and body, is in. A
 * watchdog thread shuts the socket of a connection past its deadline down;
 * the connection's own thread then reads the end of the stream and closes
 * it, as it would for a client that went away. */
struct conn {
	struct conn *prev, *next; /* in the watchdog's queue while queued */
	int fd;
	int64_t deadline;         /* CLOCK_MONOTONIC, ns */
	bool queued;
	bool expired;             /* shut down: never queued again */
};

struct watchdog {
	pthread_mutex_t lock;
	pthread_cond_t wake;      /* on CLOCK_MONOTONIC */
	pthread_t thread;
	bool started, stop;
	int64_t timeout_ns;
	/* The connections that are receiving a request. Every deadline is
	 * "now + timeout" when it is set, so appending keeps the queue in
	 * deadline order and the head is always the next to expire. */
	struct conn *head, *tail;
};

struct server {
	struct hb_store *store;
	char *token; /* NULL: no token required */
	size_t token_len;
	size_t max_body;
	struct watchdog wd;
	struct hb_web web;
};

/* Per-request state, from the first call of the handler to completion. */
struct req {
	bool ingest;
	bool login; /* the web page's login form: its body is read too */
	bool too_large;
	bool json;
	int64_t t0;
	struct hb_buf body;
};

bool hb_token_equal(const char *expected, size_t elen, const char *given, size_t glen)
{
	volatile unsigned char diff = (unsigned char)(elen != glen);
	for (size_t i = 0; i < elen; i++) {
		unsigned char g = i < glen ? (unsigned char)given[i] : 0;
		diff |= (unsigned char)expected[i] ^ g;
	}
	return diff == 0;
}

const char *hb_bearer_token(const char *h)
{
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h ? h : NULL;
}

bool hb_media_type(const char *ct, bool *json)
{
	if (!ct)
		return false;
	while (*ct == ' ')
		ct++;
	size_t n = strcspn(ct, ";");
	while (n && ct[n - 1] == ' ')
		n--;
	if (n == 22 && strncasecmp(ct, "application/x-protobuf", n) == 0) {
		*json = false;
		return true;
	}
	if (n == 16 && strncasecmp(ct, "application/json", n) == 0) {
		*json = true;
		return true;
	}
	return false;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status,
			       const char *type, const void *data, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data,
								 MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"hookbox\"");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Errors are one line of plain text, so that an agent can quote it as is
 * ("collector answered 400: reportId: not a UUID"). */
static enum MHD_Result respond_text(struct MHD_Connection *c, unsigned status,
				    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static enum MHD_Result respond_text(struct MHD_Connection *c, unsigned status,
				    const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(msg) - 2)
		n = (int)sizeof(msg) - 2;
	msg[n++] = '\n';
	msg[n] = '\0';
	return respond(c, status, "text/plain; charset=utf-8", msg, (size_t)n);
}

static enum MHD_Result respond_json(struct MHD_Connection *c, unsigned status,
				    cJSON *j)
{
	char *s = j ? cJSON_PrintUnformatted(j) : NULL;
	cJSON_Delete(j);
	if (!s)
		return respond_text(c, 500, "out of memory");
	enum MHD_Result r = respond(c, status, "application/json", s, strlen(s));
	free(s);
	return r;
}

static bool authorized(const struct server *sv, struct MHD_Connection *c)
{
	if (!sv->token)
		return true;
	const char *t = hb_bearer_token(
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION));
	return t && hb_token_equal(sv->token, sv->token_len, t, strlen(t));
}

/* -- routes --------------------------------------------------------------- */

static enum MHD_Result ingest(struct server *sv, struct MHD_Connection *c, struct req *q)
{
	char err[512] = "";
	Hookbox__V1__Report *r = NULL;
	uint8_t *packed = NULL;
	enum MHD_Result ret;
	if (q->too_large) {
		hb_metrics_rejected(HB_REJECT_TOO_LARGE);
		return respond_text(c, MHD_HTTP_CONTENT_TOO_LARGE,
				    "body larger than %zu bytes", sv->max_body);
	}
	int rc = hb_report_decode((const uint8_t *)q->body.data, q->body.len,
				  q->json ? HB_FORMAT_JSON : HB_FORMAT_PROTOBUF, &r, err,
				  sizeof(err));
	if (rc < 0) {
		hb_metrics_rejected(rc == -ENOMEM ? HB_REJECT_STORE : HB_REJECT_INVALID);
		return respond_text(c, rc == -ENOMEM ? 503 : MHD_HTTP_BAD_REQUEST, "%s", err);
	}
	const uint8_t *body = (const uint8_t *)q->body.data;
	size_t len = q->body.len;
	if (q->json) {
		/* Stored as protobuf whatever came in, so that one decoder
		 * reads the store back. */
		len = protobuf_c_message_get_packed_size(&r->base);
		packed = malloc(len ? len : 1);
		if (!packed) {
			hb_metrics_rejected(HB_REJECT_STORE);
			ret = respond_text(c, 503, "out of memory");
			goto out;
		}
		protobuf_c_message_pack(&r->base, packed);
		body = packed;
	}
	struct hb_store_item it = {
		.report_id = r->report_id,
		.ns = r->pod->namespace_,
		.release = r->pod->release,
		.hook = *r->pod->hook_name ? r->pod->hook_name : r->pod->pod_name,
		.revision = r->pod->revision,
		.phase = r->phase,
		.final = hb_report_is_final(r),
		.test = hb_report_is_test(r),
		.started_at = r->started_at,
		.body = body,
		.len = len,
	};
	rc = hb_store_put(sv->store, &it, err, sizeof(err));
	if (rc < 0) {
		/* Not committed: the agent retries (503 is retryable). */
		hb_metrics_rejected(HB_REJECT_STORE);
		fprintf(stderr, "hookbox-collector: storing report %s: %s\n", r->report_id, err);
		ret = respond_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "store: %s", err);
		goto out;
	}
	hb_metrics_accepted();
	static const char *const results[] = { "stored", "replaced", "unchanged" };
	char answer[160];
	int n = snprintf(answer, sizeof(answer), "{\"reportId\":\"%s\",\"result\":\"%s\"}\n",
			 r->report_id, results[it.result]);
	ret = respond(c, MHD_HTTP_OK, "application/json", answer, (size_t)n);
out:
	free(packed);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	return ret;
}

static enum MHD_Result get_report(struct server *sv, struct MHD_Connection *c,
				  const char *id)
{
	char err[256] = "";
	struct hb_buf b;
	hb_buf_init(&b, HB_MAX_MAX_BODY);
	int rc = hb_store_get(sv->store, id, &b, err, sizeof(err));
	if (rc == -ENOENT) {
		hb_buf_release(&b);
		return respond_text(c, MHD_HTTP_NOT_FOUND, "%s", err);
	}
	if (rc < 0) {
		hb_buf_release(&b);
		return respond_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "store: %s", err);
	}
	ProtobufCMessage *m = protobuf_c_message_unpack(&hookbox__v1__report__descriptor,
							NULL, b.len, (const uint8_t *)b.data);
	hb_buf_release(&b);
	if (!m)
		return respond_text(c, 500, "report \"%s\": stored copy does not decode", id);
	char *s = hb_pbjson_print(m, true);
	protobuf_c_message_free_unpacked(m, NULL);
	if (!s)
		return respond_text(c, 500, "out of memory");
	enum MHD_Result ret = respond(c, MHD_HTTP_OK, "application/json", s, strlen(s));
	free(s);
	return ret;
}

static enum MHD_Result get_release(struct server *sv, struct MHD_Connection *c,
				   const struct hb_route *rt)
{
	char err[256] = "";
	cJSON *j = hb_release_json(sv->store, rt->ns, rt->release, rt->revision, NULL, err,
				sizeof(err));
	if (!j)
		return respond_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", err);
	return respond_json(c, MHD_HTTP_OK, j);
}

static enum MHD_Result get_json(struct MHD_Connection *c, cJSON *j, const char *err)
{
	return j ? respond_json(c, MHD_HTTP_OK, j)
		 : respond_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", err);
}

/* The logs of a release's hooks (logs.h), as text unless asked for JSON. A
 * filter that selects nothing is a 404 that says what there is. */
static enum MHD_Result get_logs(struct server *sv, struct MHD_Connection *c,
				const struct hb_route *rt)
{
	char err[512] = "";
	cJSON *j = hb_release_json(sv->store, rt->ns, rt->release, rt->revision, NULL, err,
				sizeof(err));
	if (!j)
		return respond_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", err);
	int rc = hb_logs_select(j, rt->revision, *rt->hook ? rt->hook : NULL, err,
				sizeof(err));
	if (rc < 0) {
		cJSON_Delete(j);
		return rc == -ENOENT ? respond_text(c, MHD_HTTP_NOT_FOUND, "%s", err)
				     : respond_text(c, 503, "out of memory");
	}
	if (rt->json)
		return respond_json(c, MHD_HTTP_OK, j);
	struct hb_buf b;
	hb_buf_init(&b, HB_RENDER_CAP);
	rc = hb_logs_render(&b, j);
	cJSON_Delete(j);
	enum MHD_Result ret = rc < 0 ? respond_text(c, 503, "out of memory")
		: respond(c, MHD_HTTP_OK, "text/plain; charset=utf-8", hb_buf_str(&b), b.len);
	hb_buf_release(&b);
	return ret;
}

static int label_value(struct hb_buf *b, const char *s)
{
	int rc = 0;
	for (; rc == 0 && *s; s++) {
		if (*s == '\\' || *s == '"')
			rc = hb_buf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			rc = hb_buf_appends(b, "\\n");
		else
			rc = hb_buf_append(b, s, 1);
	}
	return rc;
}

static enum MHD_Result get_metrics(struct server *sv, struct MHD_Connection *c)
{
	struct hb_buf b;
	char err[256];
	const cJSON *r;
	hb_buf_init(&b, 64u << 20);
	int rc = hb_metrics_render(&b);
	/* The phases of GET /v1/releases: one listing and reduction each,
	 * of its first HB_MAX_RELEASES releases as before (not said to be
	 * truncated: a gauge per release is no place for it). */
	cJSON *list = rc == 0 ? hb_releases_json(sv->store, NULL, HB_MAX_RELEASES, err,
						 sizeof(err))
			      : NULL;
	if (rc == 0 && !list)
		fprintf(stderr, "hookbox-collector: metrics: %s\n", err);
	if (rc == 0)
		rc = hb_buf_appends(&b,
				    "# HELP hookbox_release_phase The test suite phase of the "
				    "newest revision of each release (1 for the current phase).\n"
				    "# TYPE hookbox_release_phase gauge\n");
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(list, "releases")) {
		static const int phases[] = { HOOKBOX__V1__PHASE__PHASE_UNKNOWN,
					      HOOKBOX__V1__PHASE__PHASE_RUNNING,
					      HOOKBOX__V1__PHASE__PHASE_SUCCEEDED,
					      HOOKBOX__V1__PHASE__PHASE_FAILED };
		for (size_t k = 0; rc == 0 && k < HB_ARRAY_SIZE(phases); k++) {
			rc = hb_buf_appends(&b, "hookbox_release_phase{namespace=\"");
			if (rc == 0)
				rc = label_value(&b, hb_json_str(r, "namespace"));
			if (rc == 0)
				rc = hb_buf_appends(&b, "\",release=\"");
			if (rc == 0)
				rc = label_value(&b, hb_json_str(r, "release"));
			if (rc == 0)
				rc = hb_buf_printf(&b, "\",phase=\"%s\"} %d\n",
						   hb_phase_name(phases[k]),
						   strcmp(hb_phase_name(phases[k]),
							  hb_json_str(r, "phase")) == 0);
		}
	}
	cJSON_Delete(list);
	enum MHD_Result ret =
		rc < 0 ? respond_text(c, 500, "metrics: %s", strerror(-rc))
		       : respond(c, MHD_HTTP_OK, "text/plain; version=0.0.4", hb_buf_str(&b), b.len);
	hb_buf_release(&b);
	return ret;
}

/* The first call for a POST /v1/reports: refuse what can be refused before
 * reading a byte of the body (MHD then closes the connection). */
static enum MHD_Result ingest_first(struct server *sv, struct MHD_Connection *c,
				    struct req *q, bool *answered)
{
	*answered = true;
	if (!authorized(sv, c)) {
		hb_metrics_rejected(HB_REJECT_UNAUTHORIZED);
		return respond_text(c, MHD_HTTP_UNAUTHORIZED, "missing or wrong bearer token");
	}
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!hb_media_type(ct, &q->json)) {
		hb_metrics_rejected(HB_REJECT_MEDIA_TYPE);
		return respond_text(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
				    "content type \"%.80s\": want application/x-protobuf or "
				    "application/json", ct ? ct : "");
	}
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && strtoull(cl, NULL, 10) > sv->max_body) {
		hb_metrics_rejected(HB_REJECT_TOO_LARGE);
		return respond_text(c, MHD_HTTP_CONTENT_TOO_LARGE,
				    "body larger than %zu bytes", sv->max_body);
	}
	*answered = false;
	return MHD_YES;
}

static enum MHD_Result first_call(struct server *sv, struct MHD_Connection *c,
				  const char *url, const char *method, struct req *q)
{
	struct hb_route rt;
	char err[256] = "";
	/* The web page (web.c) is a reader of what the routes below answer. */
	if (hb_web_path(url)) {
		enum MHD_Result r = hb_web_request(&sv->web, c, url, method, &q->login);
		if (q->login)
			hb_buf_init(&q->body, HB_WEB_MAX_FORM);
		return r;
	}
	hb_route(method, url,
		 MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "revision"), &rt);
	hb_route_logs_query(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "hook"),
			    MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "format"),
			    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							MHD_HTTP_HEADER_ACCEPT),
			    &rt);
	hb_route_releases_query(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
							    "namespace"),
				&rt);
	if (rt.auth && !authorized(sv, c))
		return respond_text(c, MHD_HTTP_UNAUTHORIZED, "missing or wrong bearer token");
	switch (rt.id) {
	case HB_ROUTE_REFUSED:
		return respond_text(c, rt.status, "%s", rt.reason);
	case HB_ROUTE_HEALTHZ:
		return respond_text(c, MHD_HTTP_OK, "ok");
	case HB_ROUTE_INGEST: {
		bool answered;
		q->ingest = true;
		enum MHD_Result r = ingest_first(sv, c, q, &answered);
		if (answered)
			q->ingest = false;
		return r;
	}
	case HB_ROUTE_METRICS:
		return get_metrics(sv, c);
	case HB_ROUTE_REPORT:
		return get_report(sv, c, rt.report_id);
	case HB_ROUTE_RELEASE:
		return get_release(sv, c, &rt);
	case HB_ROUTE_LOGS:
		return get_logs(sv, c, &rt);
	case HB_ROUTE_RELEASES:
		return get_json(c, hb_releases_json(sv->store, rt.ns[0] ? rt.ns : NULL,
						    HB_MAX_RELEASES, err, sizeof(err)),
				err);
	case HB_ROUTE_REVISIONS:
		return get_json(c, hb_revisions_json(sv->store, rt.ns, rt.release, rt.revision,
						     HB_MAX_HISTORY, err, sizeof(err)), err);
	}
	return respond_text(c, 500, "route %d has no handler", (int)rt.id);
}

static void request_received(struct server *sv, struct MHD_Connection *c);

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **con_cls)
{
	struct server *sv = cls;
	struct req *q = *con_cls;
	if (!q) {
		q = calloc(1, sizeof(*q));
		if (!q)
			return MHD_NO;
		q->t0 = hb_mono_ns();
		hb_buf_init(&q->body, sv->max_body);
		*con_cls = q;
		enum MHD_Result r = first_call(sv, c, url, method, q);
		/* Answered at once: libmicrohttpd reads no more of the
		 * request, so its deadline is over. */
		if (!q->ingest && !q->login)
			request_received(sv, c);
		return r;
	}
	if (!q->ingest && !q->login) {
		/* Answered already: drop whatever body follows. */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!q->too_large && hb_buf_append(&q->body, upload, *upload_size) < 0)
			q->too_large = true; /* or out of memory: refused either way */
		*upload_size = 0;
		return MHD_YES;
	}
	request_received(sv, c);
	if (q->login) {
		q->login = false;
		return hb_web_login(&sv->web, c, hb_buf_str(&q->body), q->body.len,
				    q->too_large);
	}
	q->ingest = false;
	enum MHD_Result r = ingest(sv, c, q);
	hb_metrics_observe_ingest(hb_mono_ns() - q->t0);
	return r;
}

/* -- request deadlines (struct conn) --------------------------------------- */

static void wd_unlink(struct watchdog *wd, struct conn *k)
{
	if (!k->queued)
		return;
	if (k->prev)
		k->prev->next = k->next;
	else
		wd->head = k->next;
	if (k->next)
		k->next->prev = k->prev;
	else
		wd->tail = k->prev;
	k->prev = k->next = NULL;
	k->queued = false;
}

/* Starts (or restarts) the deadline of the request k is about to receive. */
static void wd_queue(struct watchdog *wd, struct conn *k)
{
	pthread_mutex_lock(&wd->lock);
	if (!k->expired) {
		wd_unlink(wd, k);
		k->deadline = hb_mono_ns() + wd->timeout_ns;
		k->prev = wd->tail;
		if (wd->tail)
			wd->tail->next = k;
		else
			wd->head = k;
		wd->tail = k;
		k->queued = true;
		/* A new head is the only deadline the watchdog may not be
		 * waiting for already. */
		if (wd->head == k)
			pthread_cond_signal(&wd->wake);
	}
	pthread_mutex_unlock(&wd->lock);
}

static void wd_dequeue(struct watchdog *wd, struct conn *k)
{
	pthread_mutex_lock(&wd->lock);
	wd_unlink(wd, k);
	pthread_mutex_unlock(&wd->lock);
}

static void *wd_main(void *arg)
{
	struct watchdog *wd = arg;
	pthread_mutex_lock(&wd->lock);
	while (!wd->stop) {
		int64_t now = hb_mono_ns();
		while (wd->head && wd->head->deadline <= now) {
			struct conn *k = wd->head;
			wd_unlink(wd, k);
			k->expired = true;
			/* Safe under the lock: libmicrohttpd reports a
			 * connection closed (on_connection, which takes the
			 * lock) before it closes its descriptor, so k->fd is
			 * still this connection's. */
			shutdown(k->fd, SHUT_RDWR);
			hb_metrics_timed_out();
		}
		if (wd->head) {
			struct timespec ts = { .tv_sec = wd->head->deadline / 1000000000,
					       .tv_nsec = wd->head->deadline % 1000000000 };
			pthread_cond_timedwait(&wd->wake, &wd->lock, &ts);
		} else {
			pthread_cond_wait(&wd->wake, &wd->lock);
		}
	}
	pthread_mutex_unlock(&wd->lock);
	return NULL;
}

static struct conn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void request_received(struct server *sv, struct MHD_Connection *c)
{
	struct conn *k = conn_of(c);
	if (k)
		wd_dequeue(&sv->wd, k);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct server *sv = cls;
	struct conn *k = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		k = ci ? calloc(1, sizeof(*k)) : NULL;
		if (!k) {
			/* A connection without a deadline is not served. */
			if (ci)
				shutdown(ci->connect_fd, SHUT_RDWR);
			return;
		}
		k->fd = ci->connect_fd;
		*socket_context = k;
		wd_queue(&sv->wd, k);
	} else if (k) {
		wd_dequeue(&sv->wd, k);
		free(k);
		*socket_context = NULL;
	}
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct server *sv = cls;
	struct req *q = *con_cls;
	/* A kept-alive connection has the same time for its next request. */
	struct conn *k = conn_of(c);
	if (k)
		wd_queue(&sv->wd, k);
	if (!q)
		return;
	hb_buf_release(&q->body);
	free(q);
	*con_cls = NULL;
}

static int wd_start(struct watchdog *wd, unsigned timeout_s)
{
	pthread_condattr_t ca;
	memset(wd, 0, sizeof(*wd));
	wd->timeout_ns = (int64_t)timeout_s * 1000000000;
	pthread_mutex_init(&wd->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wd->wake, &ca);
	pthread_condattr_destroy(&ca);
	int rc = pthread_create(&wd->thread, NULL, wd_main, wd);
	wd->started = rc == 0;
	return -rc;
}

/* After the daemon stopped: every connection is closed, the queue empty. */
static void wd_stop(struct watchdog *wd)
{
	if (wd->started) {
		pthread_mutex_lock(&wd->lock);
		wd->stop = true;
		pthread_cond_signal(&wd->wake);
		pthread_mutex_unlock(&wd->lock);
		pthread_join(wd->thread, NULL);
		wd->started = false;
	}
	pthread_cond_destroy(&wd->wake);
	pthread_mutex_destroy(&wd->lock);
}

/* -- startup ------------------------------------------------------------ */

static bool is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
		return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
	}
	const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
	if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr))
		return a->sin6_addr.s6_addr[12] == 127;
	return IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
}

static int parse_listen(const char *s, struct sockaddr_storage *ss, char *err,
			size_t errlen)
{
	char host[HB_HOST_MAX], why[128];
	int port;
	memset(ss, 0, sizeof(*ss));
	if (hb_split_hostport(s, host, sizeof(host), &port, 0, HB_HOSTPORT_ZERO,
			      why, sizeof(why)) < 0) {
		snprintf(err, errlen, "--listen \"%s\": %s; want HOST:PORT", s, why);
		return -1;
	}
	if (strcmp(host, "localhost") == 0)
		hb_strlcpy(host, "127.0.0.1", sizeof(host));
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
	} else {
		snprintf(err, errlen, "--listen \"%s\": \"%s\" is not a numeric address", s,
			 host);
		return -1;
	}
	return 0;
}

static char *read_small(const char *path, const char *what, char *err, size_t errlen)
{
	struct hb_buf b;
	char why[64];
	/* A regular file only: a FIFO there would hang the start for good. */
	int rc = hb_read_regular(path, 1u << 20, &b);
	if (rc < 0) {
		snprintf(err, errlen, "%s \"%s\": %s", what, path,
			 hb_read_error(rc, 1u << 20, why, sizeof(why)));
		return NULL;
	}
	char *s = hb_buf_take(&b, NULL);
	hb_buf_release(&b);
	if (!s)
		snprintf(err, errlen, "%s \"%s\": out of memory", what, path);
	return s;
}

int hb_serve(const struct hb_collector_cli *cli)
{
	char err[512];
	struct sockaddr_storage ss;
	struct server sv = { .max_body = cli->max_body };
	char *cert = NULL, *key = NULL;
	struct MHD_Daemon *d = NULL;
	bool watching = false;
	int status = 1;

	if (parse_listen(cli->listen, &ss, err, sizeof(err)) < 0)
		goto fail;
	if (!is_loopback(&ss) && !cli->token_file) {
		snprintf(err, sizeof(err),
			 "refusing to listen on \"%s\" without --token-file: anyone who "
			 "can reach a non-loopback address could post or read reports",
			 cli->listen);
		goto fail;
	}
	if (cli->token_file) {
		sv.token = hb_read_token(cli->token_file, err, sizeof(err));
		if (!sv.token)
			goto fail;
		sv.token_len = strlen(sv.token);
	}
	if (cli->tls_cert) {
		cert = read_small(cli->tls_cert, "--tls-cert", err, sizeof(err));
		key = cert ? read_small(cli->tls_key, "--tls-key", err, sizeof(err)) : NULL;
		if (!key)
			goto fail;
	}
	sv.store = hb_store_new(cli->store, err, sizeof(err));
	if (!sv.store)
		goto fail;
	if (hb_web_init(&sv.web, sv.store, sv.token, sv.token_len, cert != NULL, err,
			sizeof(err)) < 0)
		goto fail;

	/* The signals are taken by sigwait below; every thread started from
	 * here on inherits the mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (cert)
		flags |= MHD_USE_TLS;
	int rc = wd_start(&sv.wd, cli->request_timeout_s);
	watching = true;
	if (rc < 0) {
		snprintf(err, sizeof(err), "starting the request watchdog: %s", strerror(-rc));
		goto fail;
	}
	/* One thread per connection: a request waits for its group commit
	 * without holding up anyone else's. The connection limit bounds the
	 * threads; against slow clients (slowloris) one address may hold only
	 * a share of them, each request has a deadline (the watchdog), and the
	 * idle timeout drops a client that stalls while it is answered. */
	struct MHD_OptionItem tls_opts[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, key },
		{ MHD_OPTION_END, 0, NULL },
	};
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &sv,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)cli->max_connections,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT,
			     (unsigned)cli->max_connections_per_ip,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cli->timeout_s,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
			     MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512 * 1024),
			     MHD_OPTION_NOTIFY_CONNECTION, on_connection, &sv,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, &sv,
			     MHD_OPTION_ARRAY, cert ? tls_opts : &tls_opts[2],
			     MHD_OPTION_END);
	if (!d) {
		snprintf(err, sizeof(err), "listen on \"%s\": cannot start the HTTP server "
			 "(address in use, or TLS files invalid)", cli->listen);
		goto fail;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	char store[512];
	hb_redact_url(store, sizeof(store), cli->store);
	fprintf(stderr, "hookbox-collector: listening on %s port %u, store %s\n",
		cli->listen, di ? di->port : 0, store);
	fflush(stderr);

	int sig;
	sigwait(&set, &sig);
	fprintf(stderr, "hookbox-collector: signal %d, shutting down\n", sig);
	status = 0;
	goto out;
fail:
	fprintf(stderr, "hookbox-collector: %s\n", err);
out:
	if (d)
		MHD_stop_daemon(d);
	if (watching)
		wd_stop(&sv.wd);
	hb_store_free(sv.store);
	free(sv.token);
	free(cert);
	free(key);
	return status;
}
