/* SPDX-License-Identifier: MIT */
/* Addresses as the spec loader, the drivers and the collector read them:
 * "host:port", a URL's authority, and the text a report may show. Pure
 * parsers: no I/O, no global state.
 *
 * Usage: a check's "address" or the collector's --listen goes through
 * hb_split_hostport; a driver's URL through hb_url_authority after its
 * scheme; anything shown to a user through hb_redact_url or hb_redact_target.
 */
#ifndef HB_ADDR_H
#define HB_ADDR_H

#include <stdbool.h>
#include <stddef.h>

/* A buffer for a host name without brackets, its NUL included: DNS names
 * have at most 253 characters, an IPv6 address with a zone fewer. */
#define HB_HOST_MAX 256

/* hb_split_hostport's flags. */
enum {
	/* ":0" is a port: a listener's "any free port". Without it the port
	 * is 1 to 65535. */
	HB_HOSTPORT_ZERO = 1 << 0,
};

/* Splits "host:port" or "[v6]:port" into host (without brackets, at most
 * hostlen bytes with its NUL) and *port. The port is decimal digits only,
 * at most five. When the text has no port, *port is default_port, or,
 * when default_port is 0, the text is refused. Without brackets, a text
 * with several colons is a bare IPv6 address without a port (so it takes
 * default_port, and is refused without one). Returns 0, or -EINVAL with
 * err (may be NULL) saying what is wrong; *port and host are then
 * unspecified. */
int hb_split_hostport(const char *in, char *host, size_t hostlen, int *port,
		      int default_port, unsigned flags, char *err,
		      size_t errlen);

/* The port of a check's "host:port" (a tcp or grpc check's address, for
 * Landlock), or 0 when it has none or is not one. */
int hb_address_port(const char *address);

/* Where hb_url_authority puts what it finds: buffers the caller owns. */
struct hb_authority {
	char *user;           /* "" when the URL has none */
	size_t user_size;
	char *password;       /* "" when the URL has none; wipe it after use */
	size_t password_size;
	bool has_password;    /* a ":" in the credentials, ":@" too */
	char *host;           /* without brackets */
	size_t host_size;
	int port;             /* default_port when the URL has none */
};

/* Reads the authority of a URL, p pointing past its "scheme://":
 * [user[:password]@]host[:port]. The authority ends at the first "/", "?"
 * or "#"; the credentials end at its last "@", so an "@" in a password
 * works unencoded but "/", "?", "#" and "%" must be percent-encoded, as
 * RFC 3986 says. User, password and host are percent-decoded
 * (hb_pct_decode, strutil.h). Returns what follows the authority
 * (pointing into p), or NULL with err filled; err never quotes a
 * password. */
const char *hb_url_authority(const char *p, int default_port,
			     struct hb_authority *a, char *err, size_t errlen);

/* What is wrong with the user name and password of an http(s) URL, as
 * libcurl would read them, or NULL. libcurl ends the authority at the
 * first "/", "?" or "#" and the credentials at its first "@", so a raw
 * "@", "/", "?" or "#" in a password sends part of it as the host, port or
 * path (and a report would show it). Refused: two "@" in the authority;
 * credentials followed by another "@" later in the URL (so an "@" in the
 * path of a URL with credentials must be %40); a "%" in the credentials
 * that starts no %XX escape; and an authority without "@" whose port is
 * no number while an "@" follows (a "/", "?" or "#" cut the password).
 * Not detectable: a cut right after digits with no "@" before it
 * ("user:12/34@host" is host "user", port 12). The message never quotes
 * the URL. */
const char *hb_url_userinfo_problem(const char *url);
/* Whether a URL's authority holds credentials (an "@" before the first
 * "/", "?" or "#" after "scheme://"). */
bool hb_url_has_userinfo(const char *url);

/* A URL for display, without its password wherever the client reading it
 * would find one: "user:password@" becomes "user@" (and ":password@" or a
 * lone "@" nothing), and query parameters named *password (percent-encoded
 * too) are left out. Reads postgres:// URLs as libpq does (the credentials
 * end at the first "@" before the first "/"; no fragment), others by RFC
 * 3986. Writes at most size bytes, terminated, never more than the URL's
 * length. */
void hb_redact_url(char *dst, size_t size, const char *url);

/* A check's URL or libpq "key=value" connection string as a report shows
 * it: a URL as hb_redact_url has it, a connection string without its
 * *password pairs (and without words that are no pair, which may be the
 * tail of a badly quoted password). The caller frees it; NULL when out of
 * memory. */
char *hb_redact_target(const char *s);

#endif
