/* SPDX-License-Identifier: MIT */
/*
 * What the HTTP module's libcurl leaves out.
 *
 * The module links Debian's libcurl.a rather than libcurl.so.4. The shared
 * library brings 35 more (LDAP, RTMP, SSH, Kerberos, GnuTLS behind LDAP and
 * RTMP, IDN, PSL, brotli, zstd): a run spent its start-up binding them,
 * and every check's fork copied and its exit tore down their mappings
 * (bench/run.sh; test/fork_cost.c measures the per-fork part).
 * Linked in whole, the module maps libcurl as part of itself, plus OpenSSL
 * and nghttp2 (HTTP/2 over TLS, as curl offers it).
 *
 * The definitions below stand in for the libraries behind the features the
 * module turns off or never asks for:
 *  - protocols other than HTTP(S): CURLOPT_PROTOCOLS_STR is "http,https"
 *    (http.c, deliver.c) and http.c follows redirects itself, to http and
 *    https only, so the LDAP, RTMP, SCP and SFTP handlers are never
 *    reached;
 *  - GSS-API (Negotiate, Kerberos): no check asks for CURLAUTH_NEGOTIATE;
 *  - the public suffix list: only cookies use it, and no check keeps any;
 *  - brotli, zstd and zlib: curl decodes a Content-Encoding only when
 *    CURLOPT_ACCEPT_ENCODING asks, which no check does. A Transfer-Encoding
 *    of gzip or deflate it decodes unasked, though a server may send one
 *    only to a client that offers it (TE, RFC 9112), which hookbox does
 *    not: zlib's start answers that it cannot, and the check fails with
 *    curl's "Error while processing content unencoding" and the reason
 *    below. zlib's other stand-ins are written at build time from the
 *    archive (gen/curl_nozlib_stubs.c), as curl_notls.c's are;
 *  - international host names: idn2_check_version() says "none", which is
 *    libcurl's own test for IDN support, so a non-ASCII host name is looked
 *    up as it is (and fails as a name that does not exist).
 * libcurl's start (curl_global_init), curl_version() and
 * curl_version_info() call a few of them, which answer as an absent library
 * would. Any other one aborting with its name would mean libcurl took a
 * path the module turned off: the check's child dies and the check is
 * reported CRASHED, the agent goes on. A libcurl.a that calls one more of
 * these libraries' functions fails to link (--no-undefined) naming it: it
 * belongs below, once its path is known to be one the module turns off.
 */

#include "curl_notls.h"
#include "left_out.h"

#include <stddef.h>

#pragma GCC visibility push(hidden)

/* Inside: its functions stood in for below are the module's own. */
#include <zlib.h>

/* Called by curl_global_init, curl_global_cleanup and curl_version_info. */
int libssh2_init(int flags);
int libssh2_init(int flags)
{
	(void)flags;
	return 0;
}
void libssh2_exit(void);
void libssh2_exit(void)
{
}
const char *libssh2_version(int required);
const char *libssh2_version(int required)
{
	(void)required;
	return NULL;
}
const char *idn2_check_version(const char *req);
const char *idn2_check_version(const char *req)
{
	(void)req;
	return NULL;
}

/* Asked by curl_version() and curl_version_info() for the libraries'
 * versions: "none". */
unsigned int BrotliDecoderVersion(void);
unsigned int BrotliDecoderVersion(void)
{
	return 0;
}
unsigned int ZSTD_versionNumber(void);
unsigned int ZSTD_versionNumber(void)
{
	return 0;
}
const char *zlibVersion(void)
{
	return "none";
}

/* A compressed Transfer-Encoding (see above): curl reports z->msg. */
static int no_zlib(z_stream *z)
{
	z->msg = (char *)HB_CURL_NO_ZLIB;
	return Z_VERSION_ERROR;
}
int inflateInit_(z_stream *z, const char *version, int size)
{
	(void)version, (void)size;
	return no_zlib(z);
}
int inflateInit2_(z_stream *z, int bits, const char *version, int size)
{
	(void)bits, (void)version, (void)size;
	return no_zlib(z);
}
const char *psl_get_version(void);
const char *psl_get_version(void)
{
	return "none";
}
/* LDAP_OPT_ERROR, so that curl_version() leaves out OpenLDAP's. */
int ldap_get_option(void *ld, int option, void *out);
int ldap_get_option(void *ld, int option, void *out)
{
	(void)ld, (void)option, (void)out;
	return -1;
}

/* gss_OID, read only on the Negotiate path. */
void *GSS_C_NT_HOSTBASED_SERVICE;

/* The rest: none of them is called (see above). */
#define PRUNED(fn) HB_LEFT_OUT("libcurl", fn)

PRUNED(BrotliDecoderCreateInstance)
PRUNED(BrotliDecoderDecompressStream)
PRUNED(BrotliDecoderDestroyInstance)
PRUNED(BrotliDecoderGetErrorCode)

PRUNED(ZSTD_createDStream)
PRUNED(ZSTD_decompressStream)
PRUNED(ZSTD_freeDStream)
PRUNED(ZSTD_isError)

PRUNED(gss_delete_sec_context)
PRUNED(gss_display_name)
PRUNED(gss_display_status)
PRUNED(gss_import_name)
PRUNED(gss_init_sec_context)
PRUNED(gss_inquire_context)
PRUNED(gss_release_buffer)
PRUNED(gss_release_name)
PRUNED(gss_unwrap)
PRUNED(gss_wrap)

PRUNED(idn2_free)
PRUNED(idn2_lookup_ul)

PRUNED(psl_builtin)
PRUNED(psl_free)
PRUNED(psl_is_cookie_domain_acceptable)
PRUNED(psl_latest)

PRUNED(RTMP_Alloc)
PRUNED(RTMP_Close)
PRUNED(RTMP_Connect1)
PRUNED(RTMP_ConnectStream)
PRUNED(RTMP_Free)
PRUNED(RTMP_Init)
PRUNED(RTMP_Read)
PRUNED(RTMP_SetBufferMS)
PRUNED(RTMP_SetupURL)
PRUNED(RTMP_Write)

PRUNED(ber_bvfree)
PRUNED(ber_free)
PRUNED(ber_memfree)
PRUNED(ber_memvfree)
PRUNED(ber_sockbuf_add_io)
PRUNED(ldap_abandon_ext)
PRUNED(ldap_err2string)
PRUNED(ldap_free_urldesc)
PRUNED(ldap_get_attribute_ber)
PRUNED(ldap_get_dn_ber)
PRUNED(ldap_init_fd)
PRUNED(ldap_memfree)
PRUNED(ldap_msgfree)
PRUNED(ldap_msgtype)
PRUNED(ldap_parse_result)
PRUNED(ldap_parse_sasl_bind_result)
PRUNED(ldap_pvt_url_scheme2proto)
PRUNED(ldap_result)
PRUNED(ldap_sasl_bind)
PRUNED(ldap_search_ext)
PRUNED(ldap_set_option)
PRUNED(ldap_start_tls)
PRUNED(ldap_unbind_ext)
PRUNED(ldap_url_parse)

PRUNED(libssh2_agent_connect)
PRUNED(libssh2_agent_disconnect)
PRUNED(libssh2_agent_free)
PRUNED(libssh2_agent_get_identity)
PRUNED(libssh2_agent_init)
PRUNED(libssh2_agent_list_identities)
PRUNED(libssh2_agent_userauth)
PRUNED(libssh2_channel_free)
PRUNED(libssh2_channel_read_ex)
PRUNED(libssh2_channel_send_eof)
PRUNED(libssh2_channel_wait_closed)
PRUNED(libssh2_channel_wait_eof)
PRUNED(libssh2_channel_write_ex)
PRUNED(libssh2_hostkey_hash)
PRUNED(libssh2_knownhost_add)
PRUNED(libssh2_knownhost_checkp)
PRUNED(libssh2_knownhost_del)
PRUNED(libssh2_knownhost_free)
PRUNED(libssh2_knownhost_get)
PRUNED(libssh2_knownhost_init)
PRUNED(libssh2_knownhost_readfile)
PRUNED(libssh2_knownhost_writefile)
PRUNED(libssh2_scp_recv2)
PRUNED(libssh2_scp_send64)
PRUNED(libssh2_session_abstract)
PRUNED(libssh2_session_block_directions)
PRUNED(libssh2_session_callback_set)
PRUNED(libssh2_session_disconnect_ex)
PRUNED(libssh2_session_flag)
PRUNED(libssh2_session_free)
PRUNED(libssh2_session_handshake)
PRUNED(libssh2_session_hostkey)
PRUNED(libssh2_session_init_ex)
PRUNED(libssh2_session_last_errno)
PRUNED(libssh2_session_last_error)
PRUNED(libssh2_session_method_pref)
PRUNED(libssh2_session_set_blocking)
PRUNED(libssh2_sftp_close_handle)
PRUNED(libssh2_sftp_init)
PRUNED(libssh2_sftp_last_error)
PRUNED(libssh2_sftp_mkdir_ex)
PRUNED(libssh2_sftp_open_ex)
PRUNED(libssh2_sftp_read)
PRUNED(libssh2_sftp_readdir_ex)
PRUNED(libssh2_sftp_rename_ex)
PRUNED(libssh2_sftp_rmdir_ex)
PRUNED(libssh2_sftp_seek64)
PRUNED(libssh2_sftp_shutdown)
PRUNED(libssh2_sftp_stat_ex)
PRUNED(libssh2_sftp_statvfs)
PRUNED(libssh2_sftp_symlink_ex)
PRUNED(libssh2_sftp_unlink_ex)
PRUNED(libssh2_sftp_write)
PRUNED(libssh2_userauth_authenticated)
PRUNED(libssh2_userauth_keyboard_interactive_ex)
PRUNED(libssh2_userauth_list)
PRUNED(libssh2_userauth_password_ex)
PRUNED(libssh2_userauth_publickey_fromfile_ex)

#pragma GCC visibility pop
