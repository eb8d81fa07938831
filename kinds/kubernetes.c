/* SPDX-License-Identifier: MIT */
/* The kubernetes check kind: one GET of an object from the Kubernetes API
 * with the ServiceAccount's token, made by the http kind's code (http.c:
 * libcurl, the resolver hand-off, TLS and connect classes), and the object
 * judged here: it exists, its rollout is complete, a condition holds, a jq
 * expression holds (k8s_judge.c, jq_expect.c). It lives in the http module,
 * which maps libcurl, OpenSSL and libjq already: a module of its own would
 * carry a second copy of libcurl in the image. */
#include "http_int.h"
#include "jq_expect.h"
#include "k8s_judge.h"
#include "driver.h"

#include "check.h"
#include "k8s.h"
#include "strutil.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

struct k8s_state {
	struct http_state *http;
	struct hb_k8s_ref ref;
};

static int k8s_prepare(const struct hb_check *c, void **state,
		       struct hb_attempt *a)
{
	char why[256];
	struct k8s_state *s = calloc(1, sizeof(*s));
	if (!s) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "calloc: out of memory");
		return -ENOMEM;
	}
	*state = s;
	/* The agent parsed it already (agent/spec_k8s.c). */
	if (!c->object || !c->url ||
	    hb_k8s_parse_object(c->object, &s->ref, why, sizeof(why)) < 0) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "object: %s",
				c->object ? why : "not set");
		return -EINVAL;
	}
	void *h = NULL;
	int rc = http_prepare(c, &h, a);
	s->http = h;
	if (rc < 0)
		return rc;
	/* Every answer's body is read: the object, or the API's Status. */
	s->http->keep_body = true;
	return 0;
}

static int k8s_resolve(const struct hb_check *c, void *state,
		       struct hb_attempt *a)
{
	struct k8s_state *s = state;
	return http_resolve(c, s->http, a);
}

/* The "message" of the API's Status answer, or "". */
static const char *status_message(const cJSON *st)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(st, "message");
	return cJSON_IsString(m) ? m->valuestring : "";
}

/* "User \"system:serviceaccount:shop:test\" cannot get ...": the user the
 * API server names in a 403's message, into dst (NULL when it names
 * none). */
static const char *forbidden_user(const char *msg, char *dst, size_t size)
{
	const char *u = strstr(msg, "User \"");
	if (!u)
		return NULL;
	u += strlen("User \"");
	size_t n = strcspn(u, "\"");
	if (n == 0 || n >= size)
		return NULL;
	char raw[256];
	memcpy(raw, u, n);
	raw[n] = '\0';
	hb_oneline(dst, size, raw);
	return dst;
}

static void fail_status(const struct hb_check *c, struct k8s_state *s,
			long status, const cJSON *st, struct hb_attempt *a)
{
	char res[320], shown[200], who[128];
	hb_k8s_resource_name(&s->ref, res, sizeof(res));
	const char *ns = c->k8s_namespace && *c->k8s_namespace ? c->k8s_namespace
								 : NULL;
	char where[128] = "";
	if (ns)
		snprintf(where, sizeof(where), " in namespace \"%s\"", ns);
	hb_oneline(shown, sizeof(shown), status_message(st));
	if (status == 401) {
		char path[160];
		hb_oneline(path, sizeof(path),
			   c->bearer_token_file ? c->bearer_token_file
						: "the spec's \"token\"");
		hb_attempt_fail(a, HB_CLASS_AUTH_FAILED,
				"the API server refused the token from \"%s\" "
				"(401 Unauthorized): it is expired, revoked, or "
				"for another cluster",
				path);
	} else if (status == 403) {
		const char *user = forbidden_user(status_message(st), who,
						  sizeof(who));
		bool role = s->ref.namespaced && ns;
		hb_attempt_fail(
			a, HB_CLASS_FORBIDDEN,
			"%s%s%s may not get %s \"%s\"%s: give it a %s with the "
			"rule {apiGroups: [\"%s\"], resources: [\"%s\"], verbs: "
			"[\"get\"]} and a %s",
			user ? "User \"" : "the ServiceAccount", user ? user : "",
			user ? "\"" : "", res, s->ref.name, where,
			role ? "Role" : "ClusterRole", s->ref.group,
			s->ref.resource, role ? "RoleBinding" : "ClusterRoleBinding");
	} else if (status == 404) {
		/* An object that is not there names itself in the Status's
		 * details; a resource the API does not serve (a CRD not
		 * installed) does not. */
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(st, "details");
		if (cJSON_GetObjectItemCaseSensitive(d, "name"))
			hb_attempt_fail(a, HB_CLASS_NOT_FOUND,
					"%s \"%s\" not found%s", res,
					s->ref.name, where);
		else
			hb_attempt_fail(a, HB_CLASS_NOT_FOUND,
					"the API server has no resource %s%s%s "
					"(%s): is its CustomResourceDefinition "
					"installed?",
					*s->ref.group ? s->ref.group : "",
					*s->ref.group ? "/" : "", s->ref.version,
					s->ref.resource);
	} else {
		hb_attempt_fail(a, HB_CLASS_HTTP_STATUS,
				"status %ld from the API server for %s \"%s\"%s%s%s",
				status, res, s->ref.name, where,
				*shown ? ": " : "", shown);
	}
}

/* Judges the object: rollout, condition, jq; a passes when all hold. */
static void judge(const struct hb_check *c, struct k8s_state *s,
		  const cJSON *obj, struct hb_attempt *a)
{
	char msg[HB_MSG_MAX];
	const char *kind = NULL;
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(obj, "kind");
	if (cJSON_IsString(k))
		kind = k->valuestring;
	if (kind && strlen(kind) < 64)
		hb_attempt_detail(a, "object_kind", "%s", kind);
	if (c->rollout) {
		enum k8s_verdict v = k8s_rollout_judge(obj, s->ref.rollout, msg,
						       sizeof(msg));
		if (v != K8S_HOLDS) {
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED, "%s", msg);
			/* kubectl rollout status gives up on these too. */
			if (v == K8S_FAILED)
				hb_attempt_detail(a, "final", "kubectl rollout "
						  "status stops here too");
			return;
		}
		hb_attempt_detail(a, "rollout", "%s", msg);
	}
	if (c->condition) {
		enum k8s_verdict v = k8s_condition_judge(obj, c->condition, msg,
							 sizeof(msg));
		if (v != K8S_HOLDS) {
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED, "%s", msg);
			if (v == K8S_FAILED)
				hb_attempt_detail(a, "final", "a Job that failed "
						  "never completes");
			return;
		}
		hb_attempt_detail(a, "condition", "%s", msg);
	}
	struct http_state *h = s->http;
	if (h->jq) {
		char got[200];
		int rc = hb_jq_judge(h->jq, hb_buf_str(&h->body), h->body.len,
				     got, sizeof(got));
		if (rc <= 0) {
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
					rc < 0 ? "jq \"%.200s\": %s"
					       : "jq \"%.200s\" yielded %s, "
						 "expected true",
					c->expect.jq, got);
			return;
		}
	}
	hb_attempt_pass(a);
}

static void k8s_run(const struct hb_check *c, void *state,
		    const struct hb_deadline *dl, struct hb_attempt *a)
{
	struct k8s_state *s = state;
	struct http_state *h = s->http;
	long status = 0;
	char res[320];
	hb_k8s_resource_name(&s->ref, res, sizeof(res));
	hb_attempt_detail(a, "resource", "%s", res);
	if (c->k8s_namespace && *c->k8s_namespace)
		hb_attempt_detail(a, "namespace", "%s", c->k8s_namespace);
	if (http_fetch(c, h, dl, &status, a)) {
		cJSON *obj = h->truncated ? NULL
					  : cJSON_ParseWithLength(
						    hb_buf_str(&h->body),
						    h->body.len);
		if (h->truncated)
			hb_attempt_fail(a, HB_CLASS_RESOURCE_LIMIT,
					"the API's answer for %s \"%s\" is over "
					"%u KiB",
					res, s->ref.name, BODY_CAP >> 10);
		else if (status != 200)
			fail_status(c, s, status, obj, a);
		else if (!cJSON_IsObject(obj))
			hb_attempt_fail(a, HB_CLASS_HTTP_STATUS,
					"status 200, but the answer is not a JSON "
					"object: is \"server\" the Kubernetes API?");
		else
			judge(c, s, obj, a);
		cJSON_Delete(obj);
	}
	http_state_free(h);
	free(s);
}

static int k8s_init(bool tls, char *errbuf, size_t errlen)
{
	return http_init(tls, errbuf, errlen);
}

/* What libcurl and OpenSSL call beyond the base profile: the http kind's
 * (one request, the same code), kept as the kind's own list so that
 * either may change alone. */
static const int k8s_syscalls[] = {
	/* curl's threaded resolver wakes the transfer through a socketpair. */
	SYS_socketpair,
	-1,
};

/* Landlock: the API server's port (http_port, of the URL the agent made),
 * the CA file (http_read_paths) and the token's file, which the sandbox
 * adds as every credential file (runner/secrets.c). */
__attribute__((visibility("default"))) const struct hb_driver hb_driver_kubernetes = {
	.name = "kubernetes",
	.flags = HB_DRIVER_RESOLVES | HB_DRIVER_THREADS | HB_DRIVER_TLS |
		 HB_DRIVER_HANDOFF,
	.init = k8s_init,
	.prepare = k8s_prepare,
	.resolve = k8s_resolve,
	.run = k8s_run,
	.port = http_port,
	.read_paths = http_read_paths,
	.syscalls = k8s_syscalls,
};
