/* SPDX-License-Identifier: MIT */
/* hookbox-collector serve: the HTTP API over libmicrohttpd.
 *
 *   return hb_serve(&cli);   runs until SIGTERM or SIGINT; exit status
 *
 * Routes: POST /v1/reports, GET /v1/releases, GET /v1/releases/{namespace}/
 * {release}[/logs|/revisions][?revision=N], GET /v1/reports/{id},
 * GET /healthz, GET /metrics; and the web page (web.h): /, /ui/...
 */
#ifndef HB_SERVER_H
#define HB_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

/* Returns 0 after a clean shutdown, 1 when the server could not start. */
int hb_serve(const struct hb_collector_cli *cli);

/* Constant-time comparison of a presented bearer token with the expected
 * one: the time taken depends on the expected token's length only, so a
 * client cannot find the token byte by byte by timing answers. */
bool hb_token_equal(const char *expected, size_t elen, const char *given, size_t glen);
/* "Bearer abc" -> "abc" (the scheme is case-insensitive); NULL otherwise. */
const char *hb_bearer_token(const char *authorization);
/* Whether a Content-Type names one of the accepted media types; sets *json. */
bool hb_media_type(const char *content_type, bool *json);

#endif
