/* SPDX-License-Identifier: MIT */
/* A kubernetes check's fields: the parser's rules (pure) and, once the
 * files are read, the URL of its object on the API server. */
#include "spec_int.h"

#include "addr.h"
#include "k8s.h"
#include "osutil.h"
#include "strutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Fails at checks[i].key with msg. */
static int fail_at(struct parser *p, const char *key, const char *msg)
{
	spec_path_key(&p->path, key);
	return spec_fail(p, "%s", msg);
}

/* --no-env: a value with a "${VAR}" is whatever the pod's holds. */
static bool unknown(const struct parser *p, const char *v)
{
	return p->getenv_fn == hb_spec_no_env && strstr(v, "${");
}

/* What is wrong with a "server", or NULL: an http(s) URL of the API, with
 * nothing after its path (a query or fragment would end up in the middle
 * of every object's URL) and no credentials (the token says who). */
static const char *server_problem(const char *url)
{
	if (strncasecmp(url, "https://", 8) != 0 &&
	    strncasecmp(url, "http://", 7) != 0)
		return "expected the API server's URL, https://HOST[:PORT]";
	if (spec_has_space_or_control(url, false) || strpbrk(url, "?#"))
		return "the URL has a space, a control character, \"?\" or "
		       "\"#\"";
	const char *host = strstr(url, "://") + 3;
	size_t n = strcspn(host, "/");
	if (n == 0)
		return "the URL has no host";
	if (memchr(host, '@', n))
		return "the URL has credentials: give the token with "
		       "\"token_file\"";
	return NULL;
}

int spec_k8s_check(struct parser *p, const cJSON *o, struct hb_check *c)
{
	struct hb_k8s_ref ref;
	char why[640];
	size_t old = p->path.len;
	/* --no-env: a "${VAR}" object is whatever the pod holds. */
	if (p->need_unknown)
		return 0;
	if (hb_k8s_parse_object(c->object, &ref, why, sizeof(why)) < 0)
		return fail_at(p, "object", why);
	const char *ns = c->k8s_namespace;
	if (ns && *ns && !unknown(p, ns) && !hb_k8s_valid_namespace(ns))
		return fail_at(p, "namespace",
			       "expected a namespace's name (at most 63 "
			       "lower-case letters, digits and \"-\"), or \"\" "
			       "for a cluster-scoped custom resource");
	char res[320];
	hb_k8s_resource_name(&ref, res, sizeof(res));
	/* RESOURCE/NAME: its scope is known (GROUP/VERSION/RESOURCE/NAME
	 * takes "" for a cluster-scoped one). */
	bool short_form = strchr(c->object, '/') == strrchr(c->object, '/');
	if (ns && !*ns && ref.namespaced && short_form) {
		snprintf(why, sizeof(why), "%s live in a namespace: name it, "
			 "or leave \"namespace\" out for the pod's own", res);
		return fail_at(p, "namespace", why);
	}
	if (c->rollout && ref.rollout == HB_K8S_NO_ROLLOUT) {
		snprintf(why, sizeof(why),
			 "%s have no rollout: it is for deployments, "
			 "statefulsets and daemonsets (a Job's end: "
			 "\"condition\": \"Complete\")",
			 res);
		return fail_at(p, "rollout", why);
	}
	char type[128], status[64];
	if (c->condition &&
	    hb_k8s_condition_split(c->condition, type, sizeof(type), status,
				   sizeof(status), why, sizeof(why)) < 0)
		return fail_at(p, "condition", why);
	if (c->server && !unknown(p, c->server)) {
		const char *bad = server_problem(c->server);
		if (bad)
			return fail_at(p, "server", bad);
	}
	if (c->bearer_token && spec_has_space_or_control(c->bearer_token, false))
		return fail_at(p, "token",
			       "the token has a space or a control character "
			       "inside");
	spec_path_pop(&p->path, old);

	/* What the check does not say comes from the pod's ServiceAccount,
	 * as client-go's in-cluster configuration takes it: its token (read
	 * by the check's child, as any token_file), its CA when the server
	 * is the pod's own, and its namespace (read with the spec's files). */
	if (!c->bearer_token && !c->bearer_token_file &&
	    !spec_has_key(o, "token") && !spec_has_key(o, "token_file")) {
		char *path = strdup(HB_K8S_SA_DIR "/token");
		int rc = path ? spec_add_file(p, path, &c->bearer_token)
			      : spec_fail_oom(p);
		if (rc < 0)
			return -1;
		/* Its messages say where the path came from. */
		struct hb_file_ref *f = &p->spec->files[p->spec->n_files - 1];
		char where[300];
		snprintf(where, sizeof(where),
			 "%s: the ServiceAccount's token (no \"token_file\"; "
			 "automountServiceAccountToken false?)",
			 p->path.s);
		free(f->where);
		if (!(f->where = strdup(where)))
			return spec_fail_oom(p);
	}
	if (!c->server && !c->ca_file &&
	    !(c->ca_file = strdup(HB_K8S_SA_DIR "/ca.crt")))
		return spec_fail_oom(p);
	/* Without "namespace", the ServiceAccount's (hb_spec_kubernetes). */
	/* A cluster-scoped resource has none, as kubectl ignores -n. */
	if (!ref.namespaced) {
		free(c->k8s_namespace);
		if (!(c->k8s_namespace = strdup("")))
			return spec_fail_oom(p);
	}
	return 0;
}

/* The API server's base URL into dst: the check's server without a final
 * "/", or the pod's https://KUBERNETES_SERVICE_HOST:PORT. */
static const char *server_base(const struct hb_check *c, hb_getenv_fn env,
			       char *dst, size_t size)
{
	if (c->server) {
		snprintf(dst, size, "%s", c->server);
		size_t n = strlen(dst);
		while (n > 0 && dst[n - 1] == '/')
			dst[--n] = '\0';
		return dst;
	}
	const char *host = env("KUBERNETES_SERVICE_HOST");
	const char *port = env("KUBERNETES_SERVICE_PORT");
	if (!host || !*host)
		return NULL;
	if (!port || !*port)
		port = "443";
	bool v6 = strchr(host, ':') != NULL;
	snprintf(dst, size, "https://%s%s%s:%s", v6 ? "[" : "", host,
		 v6 ? "]" : "", port);
	return dst;
}

int hb_spec_kubernetes(struct hb_spec *s, hb_getenv_fn env,
		       struct hb_spec_error *err)
{
	err->msg[0] = '\0';
	for (size_t i = 0; i < s->n_checks; i++) {
		struct hb_check *c = &s->checks[i];
		struct hb_k8s_ref ref;
		char why[320], base[1024], path[1024];
		if (strcmp(c->kind, "kubernetes") != 0)
			continue;
		if (hb_k8s_parse_object(c->object, &ref, why, sizeof(why)) < 0) {
			snprintf(err->msg, sizeof(err->msg),
				 "%s: checks[%zu].object: %s", s->source, i, why);
			return -1;
		}
		if (!server_base(c, env, base, sizeof(base))) {
			snprintf(err->msg, sizeof(err->msg),
				 "%s: checks[%zu]: no Kubernetes API server: "
				 "KUBERNETES_SERVICE_HOST is not set (not in a "
				 "pod?); give \"server\"",
				 s->source, i);
			return -1;
		}
		if (ref.namespaced && !c->k8s_namespace) {
			char why2[128];
			c->k8s_namespace = hb_read_value(HB_K8S_SA_DIR "/namespace",
							 256, why2, sizeof(why2));
			if (!c->k8s_namespace) {
				snprintf(err->msg, sizeof(err->msg),
					 "%s: checks[%zu]: no \"namespace\", and "
					 "reading the ServiceAccount's \"%s\": %s",
					 s->source, i,
					 HB_K8S_SA_DIR "/namespace", why2);
				return -1;
			}
		}
		const char *ns = ref.namespaced ? c->k8s_namespace : NULL;
		/* The ServiceAccount's namespace file is the kubelet's, but
		 * it becomes part of a URL: checked as a name. */
		if (ns && *ns && !hb_k8s_valid_namespace(ns)) {
			char shown[80];
			hb_oneline(shown, sizeof(shown), ns);
			snprintf(err->msg, sizeof(err->msg),
				 "%s: checks[%zu].namespace: \"%s\" is not a "
				 "namespace's name", s->source, i, shown);
			return -1;
		}
		if (hb_k8s_api_path(&ref, ns, path, sizeof(path)) < 0) {
			snprintf(err->msg, sizeof(err->msg),
				 "%s: checks[%zu].object: too long", s->source,
				 i);
			return -1;
		}
		size_t len = strlen(base) + strlen(path) + 1;
		char *url = malloc(len);
		if (!url) {
			snprintf(err->msg, sizeof(err->msg), "out of memory");
			return -1;
		}
		snprintf(url, len, "%s%s", base, path);
		free(c->url);
		c->url = url;
	}
	return 0;
}
