/* SPDX-License-Identifier: MIT */
/* The fields a check's target comes from (url, address, host): what is
 * wrong with one, by its kind's row, and the target shown in reports. */
#include "spec_int.h"

#include "addr.h"
#include "strutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Pure validation of the values a target comes from ----------------------- */

bool spec_has_space_or_control(const char *s, bool space_ok)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || (c == ' ' && !space_ok))
			return true;
	}
	return false;
}

static bool scheme_is(const char *url, const char *scheme)
{
	size_t n = strlen(scheme);
	return strncasecmp(url, scheme, n) == 0 && url[n] &&
	       !strchr("/?#", url[n]);
}

/* What is wrong with a check's URL, or NULL. The URL itself is never quoted
 * back: it may carry a password. */
static const char *url_problem(unsigned kind, const char *url, char *buf,
			       size_t buflen)
{
	const struct hb_kind *k = NULL;
	for (size_t i = 0; i < HB_KIND_COUNT; i++)
		if (kind == 1u << i)
			k = &hb_kinds[i];
	const char *scheme = k ? hb_kind_scheme(k, url) : NULL;
	if (k && k->schemes[0] && !(scheme && scheme_is(url, scheme))) {
		/* libpq's "host=db dbname=app" form. */
		if ((k->flags & HB_KIND_CONNINFO) && !strstr(url, "://") &&
		    strchr(url, '=')) {
			if (spec_has_space_or_control(url, true))
				return "the connection string has a control "
				       "character";
			return NULL;
		}
		char schemes[128];
		hb_kind_schemes(schemes, sizeof(schemes), k);
		snprintf(buf, buflen, "expected a URL starting with %s%s",
			 schemes, (k->flags & HB_KIND_CONNINFO) ?
			 ", or \"key=value\" connection parameters"
			 : (k->flags & HB_KIND_DEFAULT_SCHEME) ?
			 ", or \"host:port/path\" (taken as http://)" : "");
		return buf;
	}
	if (spec_has_space_or_control(url, false))
		return "the URL has a space or a control character (encode "
		       "it as %20 and so on)";
	/* libcurl would read part of such a password as the host, and a
	 * report would show it: refused, pointing at the way that needs no
	 * encoding. */
	const char *cred = k && k->id == HB_KIND_HTTP
				   ? hb_url_userinfo_problem(url)
				   : NULL;
	if (cred) {
		snprintf(buf, buflen,
			 "%s: percent-encode it (\"@\" is %%40, \"/\" %%2F, "
			 "\"#\" %%23, \"?\" %%3F, \"%%\" %%25), or give "
			 "\"user\" and \"password_file\" (--user, "
			 "--password-file) instead",
			 cred);
		return buf;
	}
	return NULL;
}

/* The length of a URL's scheme ("http" of "http://x", "svc" of "svc:80"):
 * a letter, then letters, digits, "+", "-" and "."; 0 when none. */
static size_t scheme_len(const char *url)
{
	if (!((*url >= 'a' && *url <= 'z') || (*url >= 'A' && *url <= 'Z')))
		return 0;
	return strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "0123456789+-.");
}

int spec_default_scheme(struct hb_check *c, unsigned kind)
{
	const struct hb_kind *k = NULL;
	for (size_t i = 0; i < HB_KIND_COUNT; i++)
		if (kind == 1u << i)
			k = &hb_kinds[i];
	if (!k || !(k->flags & HB_KIND_DEFAULT_SCHEME) || !c->url || !*c->url)
		return 0;
	/* "x://..." has one; "svc:80/path" is a host and port; "ftp:/x" or
	 * "https:x" names a scheme without "//", left for url_problem to
	 * refuse rather than taken as a host. */
	size_t n = scheme_len(c->url);
	if (n && c->url[n] == ':' &&
	    (strncmp(c->url + n, "://", 3) == 0 ||
	     !(c->url[n + 1] >= '0' && c->url[n + 1] <= '9')))
		return 0;
	const char *scheme = k->schemes[0];
	size_t len = strlen(scheme) + strlen(c->url) + 1;
	char *full = malloc(len);
	if (!full)
		return -ENOMEM;
	snprintf(full, len, "%s%s", scheme, c->url);
	/* The URL may hold a password: wipe the old copy. */
	hb_secret_free(c->url);
	c->url = full;
	return 0;
}

/* What is wrong with a tcp check's "host:port", or NULL; buf holds the
 * message. */
static const char *address_problem(const char *a, char *buf, size_t buflen)
{
	char host[HB_HOST_MAX];
	int port;
	if (spec_has_space_or_control(a, false))
		return "the address has a space or a control character";
	if (hb_split_hostport(a, host, sizeof(host), &port, 0, 0, buf,
			      buflen) < 0)
		return buf;
	return NULL;
}

static const char *host_problem(const char *h)
{
	if (!*h)
		return "expected a host name";
	if (strlen(h) > 253)
		return "a host name has at most 253 characters";
	if (spec_has_space_or_control(h, false))
		return "the host name has a space or a control character";
	return NULL;
}

/* Sets the target from the field it comes from; "" while that field waits
 * for its file. Returns 0 or -ENOMEM. */
int spec_set_target(struct hb_check *c, unsigned kind)
{
	const char *from = kind & (HB_K_TCP | HB_K_GRPC) ? c->address
			   : kind == HB_K_DNS ? c->host
			   : kind == HB_K_K8S ? c->object
					   : c->url;
	char *t = !from ? strdup("") : (kind & (HB_K_HTTP | HB_K_DB)) ? hb_redact_target(from)
								 : strdup(from);
	if (!t)
		return -ENOMEM;
	free(c->target);
	c->target = t;
	return 0;
}

/* The problem with the value of a field a target derives from, or NULL. */
const char *spec_target_field_problem(const struct hb_check *c,
					unsigned kind, char *const *field,
					char *buf, size_t buflen)
{
	if (!*field)
		return NULL;
	if (field == &c->url)
		return url_problem(kind, c->url, buf, buflen);
	if (field == &c->address)
		return address_problem(c->address, buf, buflen);
	if (field == &c->host)
		return host_problem(c->host);
	return NULL;
}
