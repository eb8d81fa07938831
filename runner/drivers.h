/* SPDX-License-Identifier: MIT */
/* Finding a kind's driver: built in, or in the module its row in
 * core/kinds.c names, loaded once and only by a run that uses it. */
#ifndef HB_DRIVERS_H
#define HB_DRIVERS_H

#include "driver.h"
#include "kinds.h"

/* Whether check c of kind k may use TLS: the row says, or else the
 * driver's uses_tls; without either (d may be NULL, a module not loaded
 * yet), any check may. */
bool hb_kind_may_use_tls(const struct hb_kind *k, const struct hb_driver *d,
			 const struct hb_check *c);
/* The same for a driver, by its kind's row. */
bool hb_check_may_use_tls(const struct hb_driver *d, const struct hb_check *c);
/* Finds the driver for a kind, loading its module when the kind lives in
 * one. Returns NULL with errbuf filled when the kind is unknown or its module
 * cannot be loaded. */
const struct hb_driver *hb_driver_find(const char *kind, char *errbuf,
				       size_t errlen);

/* Whether kind lives in a module not loaded yet (1), or is built in or
 * loaded (0); -errno with errbuf filled when the kind is unknown or its
 * module cannot be found. Does not load anything. */
int hb_kind_module_pending(const char *kind, char *errbuf, size_t errlen);
/* Whether the kind's checks in this run need TLS: called by the agent
 * before it or a child loads the kind's module. A kind with a build
 * without TLS (hookbox-http-plain.so, which maps neither OpenSSL nor
 * nghttp2 nor zlib) loads that one when told false; untold, or told true,
 * it loads its full module. */
void hb_kind_set_tls(const struct hb_kind *k, bool tls);
/* Looks up symbol in module hookbox-<module>.so, loading it once. */
void *hb_module_symbol(const char *module, const char *symbol, char *errbuf,
		       size_t errlen);

#endif
