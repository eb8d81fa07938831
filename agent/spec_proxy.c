/* SPDX-License-Identifier: MIT */
/* An http check's proxy: the spec's "proxy" field, and the environment's
 * proxy variables read as curl reads them (core/proxy.h decides from both
 * which request goes through which proxy). */
#include "spec_int.h"

#include "proxy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "proxy": a proxy URL for both schemes, or "" / false for none. */
int spec_parse_proxy(struct parser *p, const cJSON *v, struct hb_check *c)
{
	char *url = NULL;
	if (cJSON_IsFalse(v)) {
		url = strdup("");
		if (!url)
			return spec_fail_oom(p);
	} else if (!cJSON_IsString(v)) {
		return spec_fail(p, "expected a proxy URL (\"http://proxy:3128\"), "
			       "or \"\" or false for none");
	} else if (spec_expand(p, v->valuestring, &url) < 0) {
		return -1;
	}
	struct hb_proxy px;
	char why[256];
	int rc = 0;
	if (*url && spec_has_space_or_control(url, false))
		rc = spec_fail(p, "the proxy URL has a space or a control "
			       "character");
	else if (*url && hb_proxy_parse(url, &px, why, sizeof(why)) < 0)
		rc = spec_fail(p, "%s", why);
	explicit_bzero(&px, sizeof(px));
	if (rc < 0) {
		free(url);
		return rc;
	}
	free(c->proxy);
	c->proxy = url;
	return 0;
}

/* The first of names that is set, empty or not (an empty one means none,
 * and ends the search, as in curl); NULL when none is. */
static const char *first_set(hb_getenv_fn env, const char *const *names,
			     const char **from)
{
	for (; *names; names++) {
		const char *v = env(*names);
		if (v) {
			if (from)
				*from = *names;
			return v;
		}
	}
	return NULL;
}

/* Copies a variable's proxy URL into *dst after checking it (NULL for
 * an empty one). */
static int take_env(const char *name, const char *v, char **dst,
		    struct hb_spec_error *err)
{
	struct hb_proxy px;
	char why[256];
	*dst = NULL;
	if (!v || !*v)
		return 0;
	int rc = spec_has_space_or_control(v, false)
			 ? -1
			 : hb_proxy_parse(v, &px, why, sizeof(why));
	explicit_bzero(&px, sizeof(px));
	if (rc < 0) {
		snprintf(err->msg, sizeof(err->msg),
			 "environment variable %s: %s", name,
			 spec_has_space_or_control(v, false)
				 ? "the proxy URL has a space or a control "
				   "character"
				 : why);
		return -1;
	}
	*dst = strdup(v);
	if (!*dst) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	return 0;
}

int hb_spec_proxies(struct hb_spec *s, hb_getenv_fn env,
		    struct hb_spec_error *err)
{
	/* Upper-case HTTP_PROXY is left out on purpose, as curl leaves it
	 * out: in a CGI program it is the request's "Proxy:" header
	 * ("httpoxy"), so whoever sends the request would pick the proxy. */
	static const char *const http_vars[] = { "http_proxy", "all_proxy",
						 "ALL_PROXY", NULL };
	static const char *const https_vars[] = { "https_proxy", "HTTPS_PROXY",
						  "all_proxy", "ALL_PROXY",
						  NULL };
	static const char *const no_vars[] = { "no_proxy", "NO_PROXY", NULL };
	const char *http_from = NULL, *https_from = NULL;
	const char *http = first_set(env, http_vars, &http_from);
	const char *https = first_set(env, https_vars, &https_from);
	const char *no = first_set(env, no_vars, NULL);
	for (size_t i = 0; i < s->n_checks; i++) {
		struct hb_check *c = &s->checks[i];
		if (strcmp(c->kind, "http") != 0)
			continue;
		int rc = 0;
		if (c->proxy) {
			/* The spec's own, checked as it was parsed. */
			rc = take_env("proxy", c->proxy, &c->http_proxy, err);
			if (rc == 0)
				rc = take_env("proxy", c->proxy,
					      &c->https_proxy, err);
			c->http_proxy_from = c->https_proxy_from = "proxy";
		} else {
			rc = take_env(http_from, http, &c->http_proxy, err);
			if (rc == 0)
				rc = take_env(https_from, https,
					      &c->https_proxy, err);
			c->http_proxy_from = http_from;
			c->https_proxy_from = https_from;
		}
		/* no_proxy holds for a check's own proxy too, as it does
		 * for curl's --proxy. */
		if (rc == 0 && no && *no && !(c->no_proxy = strdup(no))) {
			snprintf(err->msg, sizeof(err->msg), "out of memory");
			rc = -1;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}
