/* SPDX-License-Identifier: MIT */
/*
 * What the postgres module's libpq leaves out.
 *
 * The module links Debian's libpq.a (with PostgreSQL's libpgcommon and
 * libpgport, as libpq.so carries them) rather than libpq.so.5, which
 * brings LDAP, Kerberos and SASL and, through LDAP, GnuTLS: it and 19
 * libraries no other module loads, a large part of the agent's root file
 * system (bench/rootfs_size.sh), and their binding and mappings at every
 * postgres check's start. Linked in whole, the module maps libpq as part
 * of itself, plus OpenSSL.
 *
 * The definitions below stand in for the two libraries behind features no
 * check uses, each answering as a library with nothing to offer would,
 * where a connection can reach it:
 *  - GSSAPI (Kerberos authentication and encryption): hookbox sets
 *    gssencmode=disable, and a pod has no Kerberos configuration. A URL may
 *    still ask for gssencmode=prefer or require: gss_acquire_cred finds no
 *    credentials, so libpq goes on without GSS encryption, or fails as it
 *    does today ("GSSAPI encryption required but was impossible"). A server
 *    may still ask for GSSAPI authentication (pg_hba.conf's "gss"): the
 *    service name cannot be imported and libpq fails the connection with
 *    the message of gss_display_status below. (libpq.so failed the check
 *    there too, as a sandbox violation: Kerberos opened a socket.) Every
 *    other GSSAPI function needs a credential or a context, which never
 *    exists.
 *  - LDAP: only a service file line "ldap://..." asks libpq to look its
 *    parameters up in a directory; ldap_init answers that it cannot, and
 *    libpq fails the connection ("could not create LDAP structure"). Under
 *    the sandbox no service file can be read at all (Landlock); with
 *    --sandbox off such a lookup worked before.
 * Any other one aborting with its name would mean libpq took a path the
 * module turned off: the check's child dies and the check is reported
 * CRASHED, the agent goes on. A libpq.a that calls one more function of
 * these libraries fails to link (--no-undefined) naming it: it belongs
 * below, once its path is known.
 */

#include "left_out.h"
#include "pq_pruned.h"

#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

/* -- GSSAPI (RFC 2744), as libpq calls it -------------------------------- */

typedef uint32_t OM_uint32;
struct gss_buffer {
	size_t length;
	void *value;
};

/* Major status codes: the routine errors, shifted (RFC 2744, 3.9.1). */
#define GSS_S_COMPLETE 0u
#define GSS_S_BAD_STATUS (5u << 16)
#define GSS_S_NO_CRED (7u << 16)
#define GSS_S_UNAVAILABLE (16u << 16)
#define GSS_C_GSS_CODE 1

/* gss_OID, passed to gss_import_name only. */
__attribute__((weak)) void *GSS_C_NT_HOSTBASED_SERVICE;

/* pg_GSS_have_cred_cache: whether GSS encryption can be tried. */
__attribute__((weak)) OM_uint32
gss_acquire_cred(OM_uint32 *minor, void *name, OM_uint32 time_req,
		 void *mechs, int usage, void **cred, void **actual_mechs,
		 OM_uint32 *time_rec);
OM_uint32 gss_acquire_cred(OM_uint32 *minor, void *name, OM_uint32 time_req,
			   void *mechs, int usage, void **cred,
			   void **actual_mechs, OM_uint32 *time_rec)
{
	(void)name, (void)time_req, (void)mechs, (void)usage, (void)cred;
	(void)actual_mechs, (void)time_rec;
	*minor = 0;
	return GSS_S_NO_CRED;
}

/* pg_GSS_load_servicename, when a server asks for GSSAPI authentication.
 * The name stays GSS_C_NO_NAME, so that libpq never releases it. */
__attribute__((weak)) OM_uint32
gss_import_name(OM_uint32 *minor, const struct gss_buffer *input,
		const void *type, void **name);
OM_uint32 gss_import_name(OM_uint32 *minor, const struct gss_buffer *input,
			  const void *type, void **name)
{
	(void)input, (void)type, (void)name;
	*minor = 0;
	return GSS_S_UNAVAILABLE;
}

/* pg_GSS_error: the text of the major status above; none for the minor
 * one. */
__attribute__((weak)) OM_uint32
gss_display_status(OM_uint32 *minor, OM_uint32 status, int type,
		   const void *mech, OM_uint32 *more, struct gss_buffer *out);
OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int type,
			     const void *mech, OM_uint32 *more,
			     struct gss_buffer *out)
{
	static char text[] = HB_PQ_NO_GSSAPI;
	(void)status, (void)mech;
	*minor = 0;
	*more = 0;
	if (type != GSS_C_GSS_CODE)
		return GSS_S_BAD_STATUS;
	out->value = text;
	out->length = sizeof(text) - 1;
	return GSS_S_COMPLETE;
}

/* After gss_display_status: the text is static. */
__attribute__((weak)) OM_uint32 gss_release_buffer(OM_uint32 *minor,
						   struct gss_buffer *buf);
OM_uint32 gss_release_buffer(OM_uint32 *minor, struct gss_buffer *buf)
{
	*minor = 0;
	buf->value = NULL;
	buf->length = 0;
	return GSS_S_COMPLETE;
}

HB_LEFT_OUT("libpq", gss_delete_sec_context)
HB_LEFT_OUT("libpq", gss_init_sec_context)
HB_LEFT_OUT("libpq", gss_release_cred)
HB_LEFT_OUT("libpq", gss_release_name)
HB_LEFT_OUT("libpq", gss_unwrap)
HB_LEFT_OUT("libpq", gss_wrap)
HB_LEFT_OUT("libpq", gss_wrap_size_limit)

/* -- LDAP, for a service file's "ldap://" line ----------------------------- */

/* No directory to ask: libpq fails the connection, naming LDAP. */
__attribute__((weak)) void *ldap_init(const char *host, int port);
void *ldap_init(const char *host, int port)
{
	(void)host, (void)port;
	return NULL;
}

HB_LEFT_OUT("libpq", ldap_count_entries)
HB_LEFT_OUT("libpq", ldap_err2string)
HB_LEFT_OUT("libpq", ldap_first_entry)
HB_LEFT_OUT("libpq", ldap_get_values_len)
HB_LEFT_OUT("libpq", ldap_msgfree)
HB_LEFT_OUT("libpq", ldap_result)
HB_LEFT_OUT("libpq", ldap_search_st)
HB_LEFT_OUT("libpq", ldap_set_option)
HB_LEFT_OUT("libpq", ldap_simple_bind)
HB_LEFT_OUT("libpq", ldap_unbind)
HB_LEFT_OUT("libpq", ldap_value_free_len)

#pragma GCC visibility pop
