/* SPDX-License-Identifier: MIT */
/* A kubernetes check's object and its API path (k8s.h); pure, no I/O. */
#include "k8s.h"

#include "strutil.h"

#include <stdio.h>
#include <string.h>

/* The resources a chart's test or hook usually looks at, by every name
 * kubectl takes for them (its short names, singular and plural). */
static const struct {
	const char *names[4];
	const char *group, *resource;
	bool namespaced;
	enum hb_k8s_rollout rollout;
} known[] = {
	{ { "deploy", "deployment", "deployments" }, "apps", "deployments",
	  true, HB_K8S_DEPLOYMENT },
	{ { "sts", "statefulset", "statefulsets" }, "apps", "statefulsets",
	  true, HB_K8S_STATEFULSET },
	{ { "ds", "daemonset", "daemonsets" }, "apps", "daemonsets", true,
	  HB_K8S_DAEMONSET },
	{ { "job", "jobs" }, "batch", "jobs", true, HB_K8S_NO_ROLLOUT },
	{ { "cj", "cronjob", "cronjobs" }, "batch", "cronjobs", true,
	  HB_K8S_NO_ROLLOUT },
	{ { "svc", "service", "services" }, "", "services", true,
	  HB_K8S_NO_ROLLOUT },
	{ { "secret", "secrets" }, "", "secrets", true, HB_K8S_NO_ROLLOUT },
	{ { "cm", "configmap", "configmaps" }, "", "configmaps", true,
	  HB_K8S_NO_ROLLOUT },
	{ { "po", "pod", "pods" }, "", "pods", true, HB_K8S_NO_ROLLOUT },
	{ { "pvc", "persistentvolumeclaim", "persistentvolumeclaims" }, "",
	  "persistentvolumeclaims", true, HB_K8S_NO_ROLLOUT },
	{ { "sa", "serviceaccount", "serviceaccounts" }, "",
	  "serviceaccounts", true, HB_K8S_NO_ROLLOUT },
	{ { "ing", "ingress", "ingresses" }, "networking.k8s.io", "ingresses",
	  true, HB_K8S_NO_ROLLOUT },
	{ { "ns", "namespace", "namespaces" }, "", "namespaces", false,
	  HB_K8S_NO_ROLLOUT },
	{ { "crd", "crds", "customresourcedefinition",
	    "customresourcedefinitions" },
	  "apiextensions.k8s.io", "customresourcedefinitions", false,
	  HB_K8S_NO_ROLLOUT },
};

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* A namespace is one DNS label (RFC 1123); object names and API groups
 * are DNS subdomains (hb_dns_subdomain, common/strutil.c). */
bool hb_k8s_valid_namespace(const char *ns)
{
	size_t n = strlen(ns);
	return n <= 63 && hb_dns_label(ns, n);
}

/* "v1", "v2beta1", "v1alpha3". */
static bool valid_version(const char *v)
{
	if (v[0] != 'v' || !(v[1] >= '1' && v[1] <= '9'))
		return false;
	v += 1 + strspn(v + 1, "0123456789");
	if (!*v)
		return true;
	if (strncmp(v, "alpha", 5) == 0)
		v += 5;
	else if (strncmp(v, "beta", 4) == 0)
		v += 4;
	else
		return false;
	return *v >= '1' && *v <= '9' && !v[strspn(v, "0123456789")];
}

static bool valid_resource(const char *s)
{
	if (!*s || strlen(s) >= 64)
		return false;
	for (; *s; s++)
		if (!is_lower_alnum(*s))
			return false;
	return true;
}

/* Copies the part of object before the next "/" into dst. */
static const char *take_part(const char *s, char *dst, size_t size,
			     bool *fits)
{
	size_t n = strcspn(s, "/");
	*fits = n < size;
	if (*fits) {
		memcpy(dst, s, n);
		dst[n] = '\0';
	}
	return s[n] ? s + n + 1 : s + n;
}

int hb_k8s_parse_object(const char *object, struct hb_k8s_ref *r, char *why,
			size_t whylen)
{
	char parts[4][254];
	size_t n = 1;
	memset(r, 0, sizeof(*r));
	for (const char *s = object; *s; s++)
		n += *s == '/';
	if (n < 2 || n > 4) {
		snprintf(why, whylen,
			 "expected RESOURCE/NAME (\"deploy/web\") or "
			 "GROUP/VERSION/RESOURCE/NAME (\"cert-manager.io/v1/"
			 "certificates/web\")");
		return -1;
	}
	const char *s = object;
	for (size_t i = 0; i < n; i++) {
		bool fits;
		s = take_part(s, parts[i], sizeof(parts[i]), &fits);
		if (!fits) {
			snprintf(why, whylen, "part %zu of the object is too long",
				 i + 1);
			return -1;
		}
	}
	const char *name = parts[n - 1], *resource = parts[n - 2];
	if (!hb_dns_subdomain(name, 253)) {
		snprintf(why, whylen,
			 "\"%s\" is not an object's name (lower-case letters, "
			 "digits, \"-\" and \".\", at most 253)",
			 name);
		return -1;
	}
	snprintf(r->name, sizeof(r->name), "%s", name);
	if (n == 2) {
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			for (size_t j = 0; j < 4 && known[i].names[j]; j++) {
				if (strcmp(known[i].names[j], resource) != 0)
					continue;
				snprintf(r->group, sizeof(r->group), "%s",
					 known[i].group);
				snprintf(r->version, sizeof(r->version), "v1");
				snprintf(r->resource, sizeof(r->resource), "%s",
					 known[i].resource);
				r->namespaced = known[i].namespaced;
				r->rollout = known[i].rollout;
				return 0;
			}
		snprintf(why, whylen,
			 "unknown resource \"%s\" (deploy, sts, ds, job, cj, "
			 "svc, secret, cm, po, pvc, sa, ing, ns, crd; any "
			 "other as GROUP/VERSION/RESOURCE/NAME)",
			 resource);
		return -1;
	}
	const char *version = parts[n - 3];
	const char *group = n == 4 ? parts[0] : "";
	if (n == 4 && !hb_dns_subdomain(group, 253)) {
		snprintf(why, whylen,
			 "\"%s\" is not an API group (\"apps\", "
			 "\"cert-manager.io\"; the core group has none: "
			 "v1/RESOURCE/NAME)",
			 group);
		return -1;
	}
	if (!valid_version(version)) {
		snprintf(why, whylen,
			 "\"%s\" is not an API version (\"v1\", \"v1beta1\")",
			 version);
		return -1;
	}
	if (!valid_resource(resource)) {
		snprintf(why, whylen,
			 "\"%s\" is not a resource (its plural, lower case: "
			 "\"certificates\")",
			 resource);
		return -1;
	}
	snprintf(r->group, sizeof(r->group), "%s", group);
	snprintf(r->version, sizeof(r->version), "%s", version);
	snprintf(r->resource, sizeof(r->resource), "%s", resource);
	r->namespaced = true;
	/* The same rollout rules for the built-in workloads written out. */
	if (strcmp(group, "apps") == 0)
		r->rollout = strcmp(resource, "deployments") == 0 ? HB_K8S_DEPLOYMENT
			     : strcmp(resource, "statefulsets") == 0
				     ? HB_K8S_STATEFULSET
			     : strcmp(resource, "daemonsets") == 0 ? HB_K8S_DAEMONSET
								   : HB_K8S_NO_ROLLOUT;
	return 0;
}

int hb_k8s_api_path(const struct hb_k8s_ref *r, const char *ns, char *dst,
		    size_t size)
{
	char prefix[300];
	if (*r->group)
		snprintf(prefix, sizeof(prefix), "/apis/%s/%s", r->group,
			 r->version);
	else
		snprintf(prefix, sizeof(prefix), "/api/%s", r->version);
	int n = ns && *ns ? snprintf(dst, size, "%s/namespaces/%s/%s/%s",
				     prefix, ns, r->resource, r->name)
			  : snprintf(dst, size, "%s/%s/%s", prefix,
				     r->resource, r->name);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

void hb_k8s_resource_name(const struct hb_k8s_ref *r, char *dst, size_t size)
{
	snprintf(dst, size, "%s%s%s", r->resource, *r->group ? "." : "",
		 r->group);
}

int hb_k8s_condition_split(const char *cond, char *type, size_t tlen,
			   char *status, size_t slen, char *why, size_t whylen)
{
	const char *eq = strchr(cond, '=');
	size_t n = eq ? (size_t)(eq - cond) : strlen(cond);
	const char *st = eq ? eq + 1 : "True";
	if (n == 0 || !*st) {
		snprintf(why, whylen, "expected TYPE or TYPE=STATUS "
			 "(\"Complete\", \"Ready=False\")");
		return -1;
	}
	for (const char *p = cond; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || (p > eq && eq && *p == '=')) {
			snprintf(why, whylen, "a condition is TYPE or "
				 "TYPE=STATUS, without spaces");
			return -1;
		}
	if (n >= tlen || strlen(st) >= slen) {
		snprintf(why, whylen, "the condition is too long");
		return -1;
	}
	memcpy(type, cond, n);
	type[n] = '\0';
	memcpy(status, st, strlen(st) + 1);
	return 0;
}
