/* SPDX-License-Identifier: MIT */
/*
 * What the mysql module's Connector/C leaves out.
 *
 * The module links Debian's libmariadb.a rather than libmariadb.so.3: one
 * library fewer to map and bind at every mysql check's start, and no zlib,
 * which Connector/C needs for the compressed protocol only. That is used
 * when the client asks for it (MYSQL_OPT_COMPRESS, CLIENT_COMPRESS), which
 * no check does (mysql.c accepts no such URL parameter), so its two calls
 * into zlib are never reached: each aborts naming itself if it is (the
 * check is then CRASHED, the agent goes on). A libmariadb.a that calls one
 * more function of another library fails to link (--no-undefined) naming
 * it.
 *
 * The authentication plugins a server may ask for (caching_sha2_password,
 * sha256_password, client_ed25519) are still loaded from MARIADB_PLUGINDIR
 * with dlopen: they need nothing of Connector/C, only libcrypto and libc.
 */

#include "left_out.h"

HB_LEFT_OUT("libmariadb", compress2)
HB_LEFT_OUT("libmariadb", uncompress)
