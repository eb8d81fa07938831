/* SPDX-License-Identifier: MIT */
/* expect.jq through libjq: compiled by the agent's jq module when a spec
 * is loaded (so that a bad expression is a spec error), kept in the check
 * (hb_check.jq_compiled), and run on the body by the http module in the
 * check's child, which inherits the compiled program through fork. Both
 * modules map the same libjq, which the agent's module loaded.
 *
 * Usage: hb_jq_new, hb_jq_judge per body, hb_jq_free. */
#ifndef HB_JQ_EXPECT_H
#define HB_JQ_EXPECT_H

#include <stddef.h>

struct hb_jq;

/* The modules export their one table or function only. */
#pragma GCC visibility push(hidden)

/* The most outputs of one run read: "repeat(true)" would never end. */
#define HB_JQ_MAX_OUTPUTS 1000

/* Compiles expr with no library search path and no ~/.jq, so that
 * compiling reads no file. Returns NULL with errbuf holding jq's first
 * message ("syntax error, unexpected ..."). */
struct hb_jq *hb_jq_new(const char *expr, char *errbuf, size_t errlen);

/* Runs q on the JSON text json (len bytes). Returns 1 when it yields at
 * least one output and each is true; 0 when not, with got holding what
 * it yielded ("false", "0, 1", "nothing"), cut to gotlen; -1 when the
 * body is not JSON or the expression stopped with an error, got saying
 * which. */
int hb_jq_judge(struct hb_jq *q, const char *json, size_t len, char *got,
		size_t gotlen);

void hb_jq_free(struct hb_jq *q);

#pragma GCC visibility pop

/* The agent's jq module's exports: hb_jq_new and hb_jq_free. */
typedef struct hb_jq *hb_jq_new_fn(const char *expr, char *errbuf,
				   size_t errlen);
typedef void hb_jq_free_fn(struct hb_jq *q);
#define HB_JQ_NEW_SYMBOL "hb_jq_compile"
#define HB_JQ_FREE_SYMBOL "hb_jq_release"
hb_jq_new_fn hb_jq_compile;
hb_jq_free_fn hb_jq_release;

#endif
