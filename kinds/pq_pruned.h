/* SPDX-License-Identifier: MIT */
/* What libpq says of what the postgres module leaves out (pq_pruned.c). */
#ifndef HB_PQ_PRUNED_H
#define HB_PQ_PRUNED_H

/* The text of GSSAPI's failure in libpq's error message, when a server
 * asks for Kerberos authentication. */
#define HB_PQ_NO_GSSAPI "GSSAPI is left out of this build of hookbox"

#endif
