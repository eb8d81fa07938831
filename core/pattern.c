/* SPDX-License-Identifier: MIT */
/* The expectations' regular expressions through PCRE2, with its match,
 * depth and heap limits, and JIT-compiled code for long subjects. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "pattern.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

/* The most stack JIT-compiled code may use for its backtracking. */
#define JIT_STACK_MAX (1u << 20)

struct hb_pattern {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *stack;
	bool jit_tried, jit_ok, jitted;
};

struct hb_pattern *hb_pattern_new(const char *pattern, char *errbuf,
				  size_t errlen)
{
	struct hb_pattern *p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	int code;
	PCRE2_SIZE off;
	/* UTF, so that "." is one character; MATCH_INVALID_UTF, so that a
	 * body that is not UTF-8 is still searched rather than refused. \C
	 * (one byte) could end inside a character: never. */
	p->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
			       PCRE2_UTF | PCRE2_MATCH_INVALID_UTF |
				       PCRE2_NEVER_BACKSLASH_C,
			       &code, &off, NULL);
	if (!p->code) {
		PCRE2_UCHAR msg[160];
		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", code);
		snprintf(errbuf, errlen, "%s at offset %zu", (char *)msg,
			 (size_t)off);
		free(p);
		return NULL;
	}
	p->md = pcre2_match_data_create(1, NULL);
	p->mc = pcre2_match_context_create(NULL);
	if (!p->md || !p->mc) {
		hb_pattern_free(p);
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	pcre2_set_match_limit(p->mc, HB_PATTERN_MATCH_LIMIT);
	pcre2_set_depth_limit(p->mc, HB_PATTERN_DEPTH_LIMIT);
	pcre2_set_heap_limit(p->mc, HB_PATTERN_HEAP_LIMIT_KIB);
	return p;
}

/* JIT-compiles p once. It needs memory that is written, then executed:
 * the checks' seccomp filters allow mmap and mprotect whatever the
 * protection (the dynamic loader needs them), and hookbox sets no
 * PR_SET_MDWE. Where something still refuses it, the interpreter runs,
 * with the same limits. */
static void try_jit(struct hb_pattern *p)
{
	p->jit_tried = true;
	if (pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE) != 0)
		return;
	p->stack = pcre2_jit_stack_create(32u << 10, JIT_STACK_MAX, NULL);
	if (!p->stack)
		return;
	pcre2_jit_stack_assign(p->mc, NULL, p->stack);
	p->jit_ok = true;
}

int hb_pattern_match(struct hb_pattern *p, const char *subject, size_t len,
		     char *errbuf, size_t errlen)
{
	if (!p->jit_tried && len >= HB_PATTERN_JIT_MIN)
		try_jit(p);
	/* Without JIT code, pcre2_match interprets; with it, NO_JIT makes
	 * a short subject skip it too, so that one pattern behaves alike. */
	p->jitted = p->jit_ok && len >= HB_PATTERN_JIT_MIN;
	int rc = pcre2_match(p->code, (PCRE2_SPTR)(subject ? subject : ""),
			     len, 0, p->jitted ? 0 : PCRE2_NO_JIT, p->md,
			     p->mc);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
		snprintf(errbuf, errlen, "the match limit (%u steps)",
			 HB_PATTERN_MATCH_LIMIT);
		break;
	case PCRE2_ERROR_DEPTHLIMIT:
		snprintf(errbuf, errlen, "the depth limit (%u)",
			 HB_PATTERN_DEPTH_LIMIT);
		break;
	case PCRE2_ERROR_HEAPLIMIT:
		snprintf(errbuf, errlen, "the heap limit (%u MiB)",
			 HB_PATTERN_HEAP_LIMIT_KIB >> 10);
		break;
	case PCRE2_ERROR_JIT_STACKLIMIT:
		snprintf(errbuf, errlen, "the JIT stack limit (%u KiB)",
			 JIT_STACK_MAX >> 10);
		break;
	default: {
		PCRE2_UCHAR msg[160];
		if (pcre2_get_error_message(rc, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", rc);
		snprintf(errbuf, errlen, "%s", (char *)msg);
	}
	}
	return -1;
}

bool hb_pattern_jitted(const struct hb_pattern *p)
{
	return p->jitted;
}

void hb_pattern_free(struct hb_pattern *p)
{
	if (!p)
		return;
	pcre2_jit_stack_free(p->stack);
	pcre2_match_context_free(p->mc);
	pcre2_match_data_free(p->md);
	pcre2_code_free(p->code);
	free(p);
}
