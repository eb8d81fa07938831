/* SPDX-License-Identifier: MIT */
/* The check kinds' rows (kinds.h); pure, no I/O. */
#include "kinds.h"

#include "check.h"
#include "proxy.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const http_schemes[] = { "http://", "https://", NULL };
static const char *const tcp_schemes[] = { "tcp://", NULL };
static const char *const pg_schemes[] = { "postgres://", "postgresql://", NULL };
static const char *const my_schemes[] = { "mysql://", "mariadb://", NULL };
static const char *const redis_schemes[] = { "redis://", "rediss://", NULL };
static const char *const grpc_schemes[] = { "grpc://", NULL };
static const char *const no_schemes[] = { NULL };

/* Designated by id, so a row out of its place fails to build. */
const struct hb_kind hb_kinds[HB_KIND_COUNT] = {
	[HB_KIND_HTTP] = {
		.id = HB_KIND_HTTP, .name = "http", .target = "url",
		.schemes = http_schemes, .default_port = 80,
		.module = "http",
		/* curl_notls.c: no OpenSSL, nghttp2 or zlib mapped. */
		.plain = "http-plain",
		.uses_tls = hb_http_uses_tls,
		.flags = HB_KIND_DEFAULT_SCHEME,
	},
	[HB_KIND_TCP] = {
		.id = HB_KIND_TCP, .name = "tcp", .target = "address",
		.schemes = tcp_schemes, .flags = HB_KIND_STRIP_SCHEME,
	},
	[HB_KIND_DNS] = {
		.id = HB_KIND_DNS, .name = "dns", .target = "name",
		.schemes = no_schemes, .default_port = 53,
	},
	[HB_KIND_POSTGRES] = {
		.id = HB_KIND_POSTGRES, .name = "postgres", .target = "url",
		.schemes = pg_schemes, .default_port = 5432,
		.module = "postgres", .flags = HB_KIND_CONNINFO,
	},
	[HB_KIND_MYSQL] = {
		.id = HB_KIND_MYSQL, .name = "mysql", .target = "url",
		.schemes = my_schemes, .default_port = 3306,
		.module = "mysql",
	},
	[HB_KIND_REDIS] = {
		.id = HB_KIND_REDIS, .name = "redis", .target = "url",
		.schemes = redis_schemes, .default_port = 6379,
		.module = "redis",
	},
	[HB_KIND_GRPC] = {
		.id = HB_KIND_GRPC, .name = "grpc", .target = "address",
		.schemes = grpc_schemes,
		/* kinds/grpc.c shares the http module's libcurl, OpenSSL
		 * and nghttp2; h2c needs nghttp2 too, so never the plain
		 * build (agent/run.c). */
		.module = "http",
		.uses_tls = hb_grpc_uses_tls,
		.flags = HB_KIND_STRIP_SCHEME,
	},
	[HB_KIND_KUBERNETES] = {
		.id = HB_KIND_KUBERNETES, .name = "kubernetes",
		.target = "object", .command = "k8s",
		.schemes = no_schemes, .default_port = 443,
		/* An HTTPS GET and a JSON judgement: the http module's
		 * libcurl, OpenSSL and libjq, not a module of its own
		 * (kinds/kubernetes.c). The agent turns the object into
		 * the API's URL (agent/spec_k8s.c), which decides TLS as
		 * an http check's does: an http:// server (kubectl proxy)
		 * may use the plain build. */
		.module = "http", .plain = "http-plain",
		.uses_tls = hb_http_uses_tls,
	},
};

const struct hb_kind *hb_kind_find(const char *name)
{
	for (size_t i = 0; i < HB_KIND_COUNT; i++)
		if (strcmp(hb_kinds[i].name, name) == 0)
			return &hb_kinds[i];
	return NULL;
}

const struct hb_kind *hb_kind_by_command(const char *command)
{
	for (size_t i = 0; i < HB_KIND_COUNT; i++)
		if (strcmp(hb_kinds[i].command ? hb_kinds[i].command
					       : hb_kinds[i].name,
			   command) == 0)
			return &hb_kinds[i];
	return NULL;
}

const char *hb_kind_scheme(const struct hb_kind *k, const char *url)
{
	for (const char *const *s = k->schemes; *s; s++)
		if (strncasecmp(url, *s, strlen(*s)) == 0)
			return *s;
	return NULL;
}

const struct hb_kind *hb_kind_by_scheme(const char *url)
{
	for (size_t i = 0; i < HB_KIND_COUNT; i++)
		if (hb_kind_scheme(&hb_kinds[i], url))
			return &hb_kinds[i];
	return NULL;
}

/* Appends item to the list in dst: ", " between items, sep before the
 * last (the caller says which is last). */
static void list_add(char *dst, size_t size, size_t n, bool last,
		     const char *sep, const char *item)
{
	size_t used = strlen(dst);
	if (used < size)
		snprintf(dst + used, size - used, "%s%s",
			 n == 0 ? "" : last ? sep : ", ", item);
}

void hb_kind_list(char *dst, size_t size, unsigned mask)
{
	size_t n = 0, total = 0;
	for (size_t i = 0; i < HB_KIND_COUNT; i++)
		total += (mask >> i) & 1;
	dst[0] = '\0';
	for (size_t i = 0; i < HB_KIND_COUNT; i++)
		if ((mask >> i) & 1) {
			list_add(dst, size, n, n + 1 == total, " and ",
				 hb_kinds[i].name);
			n++;
		}
}

void hb_kind_schemes(char *dst, size_t size, const struct hb_kind *k)
{
	size_t n = 0, total = 0;
	for (size_t i = 0; i < HB_KIND_COUNT; i++)
		if (!k || k == &hb_kinds[i])
			for (const char *const *s = hb_kinds[i].schemes; *s; s++)
				total++;
	dst[0] = '\0';
	for (size_t i = 0; i < HB_KIND_COUNT; i++)
		if (!k || k == &hb_kinds[i])
			for (const char *const *s = hb_kinds[i].schemes; *s; s++) {
				list_add(dst, size, n, n + 1 == total, " or ", *s);
				n++;
			}
}

bool hb_http_uses_tls(const struct hb_check *c)
{
	return !c->url || strncasecmp(c->url, "http://", 7) != 0 ||
	       c->follow_redirects || hb_check_proxy_tls(c);
}

bool hb_grpc_uses_tls(const struct hb_check *c)
{
	return c->tls;
}
