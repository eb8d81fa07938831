/* SPDX-License-Identifier: MIT */
/* A kubernetes check's object: "deploy/web" or "GROUP/VERSION/RESOURCE/NAME"
 * turned into the API's resource and path, pure and without discovery (no
 * request to the API server is made to learn a resource's group).
 *
 *   struct hb_k8s_ref r;
 *   if (hb_k8s_parse_object("deploy/web", &r, why, sizeof(why)) < 0) ...
 *   hb_k8s_api_path(&r, "shop", path, sizeof(path));
 *     -> "/apis/apps/v1/namespaces/shop/deployments/web"
 */
#ifndef HB_K8S_H
#define HB_K8S_H

#include <stdbool.h>
#include <stddef.h>

/* Where the kubelet mounts a pod's ServiceAccount: token, ca.crt and
 * namespace. */
#define HB_K8S_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* Which rollout rule applies to the resource (kubectl rollout status's). */
enum hb_k8s_rollout {
	HB_K8S_NO_ROLLOUT = 0,
	HB_K8S_DEPLOYMENT,
	HB_K8S_STATEFULSET,
	HB_K8S_DAEMONSET,
};

struct hb_k8s_ref {
	char group[254];   /* "" for the core group, "apps" */
	char version[32];  /* "v1" */
	char resource[64]; /* plural, lower case: "deployments" */
	char name[254];
	/* A short name's resource lives in a namespace (false: crd, ns);
	 * GROUP/VERSION/RESOURCE/NAME is taken as namespaced, unless the
	 * check's namespace is "" (agent/spec_k8s.c). */
	bool namespaced;
	enum hb_k8s_rollout rollout;
};

/* Parses object: RESOURCE/NAME with RESOURCE a short or long name
 * ("deploy", "deployment", "deployments", "sts", "ds", "job", "svc",
 * "secret", "cm", "crd", ...), or VERSION/RESOURCE/NAME (the core group)
 * or GROUP/VERSION/RESOURCE/NAME. Returns 0, or -1 with why saying what
 * is wrong. */
int hb_k8s_parse_object(const char *object, struct hb_k8s_ref *r, char *why,
			size_t whylen);
/* Whether ns is a namespace's name (a DNS label: at most 63 lower-case
 * letters, digits and "-", starting and ending with a letter or digit). */
bool hb_k8s_valid_namespace(const char *ns);
/* The API path of r in namespace ns (NULL or "": none, a cluster-scoped
 * resource): "/api/v1/..." for the core group, "/apis/GROUP/VERSION/..."
 * for the others. Returns 0, or -1 when it does not fit. */
int hb_k8s_api_path(const struct hb_k8s_ref *r, const char *ns, char *dst,
		    size_t size);
/* Splits a condition "TYPE[=STATUS]" ("Complete", "Ready=False") into
 * type and status ("True" when absent). Returns 0, or -1 with why saying
 * what is wrong (an empty part, a space, too long). */
int hb_k8s_condition_split(const char *cond, char *type, size_t tlen,
			   char *status, size_t slen, char *why, size_t whylen);
/* "deployments.apps", "services", as RBAC and the API's messages name a
 * resource. */
void hb_k8s_resource_name(const struct hb_k8s_ref *r, char *dst, size_t size);

#endif
