/* SPDX-License-Identifier: MIT */
/* What the postgres and mysql modules stand in for (pq_pruned.c,
 * my_pruned.c): GSSAPI and LDAP answer as libraries with nothing to offer,
 * where libpq can reach them; every other stand-in aborts naming itself.
 * integration/db.sh (its last section) drives libpq and Connector/C themselves. */
#include "hbtest.h"

#include "left_out_assert.h"
#include "pq_pruned.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The stand-ins, by the names the libraries call them (RFC 2744's
 * prototypes, with the types pq_pruned.c gives them). */
struct gss_buffer {
	size_t length;
	void *value;
};
uint32_t gss_acquire_cred(uint32_t *minor, void *name, uint32_t time_req,
			  void *mechs, int usage, void **cred,
			  void **actual_mechs, uint32_t *time_rec);
uint32_t gss_import_name(uint32_t *minor, const struct gss_buffer *input,
			 const void *type, void **name);
uint32_t gss_display_status(uint32_t *minor, uint32_t status, int type,
			    const void *mech, uint32_t *more,
			    struct gss_buffer *out);
uint32_t gss_release_buffer(uint32_t *minor, struct gss_buffer *buf);
void *ldap_init(const char *host, int port);
void gss_init_sec_context(void);
void gss_wrap(void);
void ldap_search_st(void);
void compress2(void);
void uncompress(void);

HB_TEST(gssapi_and_ldap_answer_as_absent)
{
	uint32_t minor = 1, more = 1;
	void *cred = NULL, *name = NULL;
	/* No credentials: gssencmode=prefer goes on without encryption. */
	ASSERT_EQ_INT(gss_acquire_cred(&minor, NULL, 0, NULL, 0, &cred, NULL,
				       NULL),
		      7 << 16); /* GSS_S_NO_CRED */
	ASSERT(cred == NULL);
	/* No service name: libpq fails GSSAPI authentication, with the
	 * text of gss_display_status, which hookbox classifies. */
	struct gss_buffer in = { 4, "host" };
	ASSERT_EQ_INT(gss_import_name(&minor, &in, NULL, &name), 16 << 16);
	ASSERT(name == NULL);
	struct gss_buffer out = { 0, NULL };
	ASSERT_EQ_INT(gss_display_status(&minor, 16 << 16, 1, NULL, &more, &out),
		      0);
	ASSERT_EQ_INT(more, 0);
	ASSERT_EQ_INT((int)out.length, (int)strlen(HB_PQ_NO_GSSAPI));
	ASSERT(memcmp(out.value, HB_PQ_NO_GSSAPI, out.length) == 0);
	ASSERT_EQ_INT(gss_release_buffer(&minor, &out), 0);
	ASSERT(out.value == NULL);
	/* No mechanism-specific (minor) text: libpq stops asking. */
	ASSERT(gss_display_status(&minor, 0, 2, NULL, &more, &out) != 0);
	/* No directory for a service file's ldap:// line. */
	ASSERT(ldap_init("ldap.example", 389) == NULL);
}

HB_TEST(a_left_out_function_aborts_naming_itself)
{
	assert_left_out(gss_init_sec_context, "libpq", "gss_init_sec_context");
	assert_left_out(gss_wrap, "libpq", "gss_wrap");
	assert_left_out(ldap_search_st, "libpq", "ldap_search_st");
	assert_left_out(compress2, "libmariadb", "compress2");
	assert_left_out(uncompress, "libmariadb", "uncompress");
}

HB_TEST_MAIN(gssapi_and_ldap_answer_as_absent,
	     a_left_out_function_aborts_naming_itself)
