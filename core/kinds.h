/* SPDX-License-Identifier: MIT */
/* The check kinds: one const row each, holding what is known of a kind
 * without loading its module. The spec loader, the one-liners, the module
 * loader (runner/drivers.c) and the run read it; a driver (kinds/<kind>.c)
 * holds only the kind's operations, as curl keeps its scheme table apart
 * from its protocol handlers.
 *
 * Adding a kind: an HB_KIND_* id and its row in kinds.c, a driver file in
 * kinds/ with its seccomp list, its tests and docs (README, "Layout").
 */
#ifndef HB_KINDS_H
#define HB_KINDS_H

#include <stdbool.h>
#include <stddef.h>

struct hb_check;

/* The row's index in hb_kinds, and its bit in the masks that say which
 * keys and flags a kind takes (HB_K_*). */
enum hb_kind_id {
	HB_KIND_HTTP,
	HB_KIND_TCP,
	HB_KIND_DNS,
	HB_KIND_POSTGRES,
	HB_KIND_MYSQL,
	HB_KIND_REDIS,
	HB_KIND_GRPC,
	HB_KIND_KUBERNETES,
	HB_KIND_COUNT,
};

enum hb_kind_bits {
	HB_K_HTTP = 1u << HB_KIND_HTTP,
	HB_K_TCP = 1u << HB_KIND_TCP,
	HB_K_DNS = 1u << HB_KIND_DNS,
	HB_K_PG = 1u << HB_KIND_POSTGRES,
	HB_K_MY = 1u << HB_KIND_MYSQL,
	HB_K_RE = 1u << HB_KIND_REDIS,
	HB_K_GRPC = 1u << HB_KIND_GRPC,
	HB_K_K8S = 1u << HB_KIND_KUBERNETES,
	HB_K_DB = HB_K_PG | HB_K_MY | HB_K_RE,
	HB_K_ALL = (1u << HB_KIND_COUNT) - 1,
};

enum hb_kind_flags {
	/* The target field also takes libpq's "host=db dbname=app" form. */
	HB_KIND_CONNINFO = 1u << 0,
	/* A --wait-for URL of the kind names its target without the scheme
	 * ("tcp://db:5432" checks "db:5432"). */
	HB_KIND_STRIP_SCHEME = 1u << 1,
	/* A target without "scheme://" takes the first of schemes, as wget
	 * and curl do: "svc:80/path" is "http://svc:80/path". */
	HB_KIND_DEFAULT_SCHEME = 1u << 2,
};

struct hb_kind {
	enum hb_kind_id id;
	/* The spec's "kind" and the one-liner's command: "http". */
	const char *name;
	/* The spec field the target is in and the one-liner's argument
	 * fills: "url", "address", "name" or "object". */
	const char *target;
	/* The one-liner's command when it is not name ("k8s"); NULL: name. */
	const char *command;
	/* The URL schemes the target takes, with "://", NULL-terminated;
	 * also what --wait-for recognises the kind by. None: not a URL. */
	const char *const *schemes;
	/* The port a target without one means (0: it must say its port). */
	int default_port;
	/* hookbox-<module>.so exporting hb_driver_<name>; NULL: built in. */
	const char *module;
	/* The module built without TLS, loaded by a run none of whose checks
	 * of the kind may use TLS (hb_kind_set_tls); NULL: none. */
	const char *plain;
	/* Whether check c may use TLS, where that is known without the
	 * module (it decides whether the plain build will do). NULL: ask
	 * the driver's uses_tls once loaded, or any check may. */
	bool (*uses_tls)(const struct hb_check *c);
	unsigned flags; /* enum hb_kind_flags */
};

extern const struct hb_kind hb_kinds[HB_KIND_COUNT];

/* The kind named name, or NULL. */
const struct hb_kind *hb_kind_find(const char *name);
/* The kind whose one-liner is command ("k8s", "http"), or NULL. */
const struct hb_kind *hb_kind_by_command(const char *command);
/* The kind whose scheme url starts with (case-insensitive), or NULL. */
const struct hb_kind *hb_kind_by_scheme(const char *url);
/* The scheme url starts with among k's, or NULL. */
const char *hb_kind_scheme(const struct hb_kind *k, const char *url);
/* "http, postgres and redis": the names of the kinds in a mask of HB_K_*
 * bits, for messages. */
void hb_kind_list(char *dst, size_t size, unsigned mask);
/* "http:// or https://": k's schemes, or with k NULL every kind's,
 * for messages. */
void hb_kind_schemes(char *dst, size_t size, const struct hb_kind *k);

/* Whether an http check may use TLS: an https:// URL, a redirect that
 * may lead to one, or an https:// proxy (core/proxy.h). An https URL
 * through a plain http proxy is TLS too, inside the proxy's CONNECT
 * tunnel; a plain URL through one stays plain. */
bool hb_http_uses_tls(const struct hb_check *c);
/* Whether a grpc check uses TLS: "tls", which any TLS setting implies
 * (agent/spec_rules.c); else h2c. */
bool hb_grpc_uses_tls(const struct hb_check *c);

#endif
