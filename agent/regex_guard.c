/* SPDX-License-Identifier: MIT */
/* The spec's regex cost guard: what would make glibc's regcomp slow or huge,
 * found before regcomp runs. */
#include "regex_guard.h"

#include "strutil.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* About 100 ms of regcomp at worst. */
#define REGEX_COST_MAX 2000
#define REGEX_COST_MAX_TEXT "2000"

/* Saturating arithmetic for hb_regex_problem. */
static size_t cost_add(size_t a, size_t b)
{
	return a > REGEX_COST_MAX - b ? REGEX_COST_MAX : a + b;
}

static size_t cost_mul(size_t a, size_t b)
{
	return b && a > REGEX_COST_MAX / b ? REGEX_COST_MAX : a * b;
}

const char *hb_regex_problem(const char *re)
{
	size_t sum[64] = { 0 }, last = 0;
	size_t depth = 0;
	bool quantified = false; /* the last thing was a repetition */
	for (const char *c = re; *c; c++) {
		size_t factor = 1;
		bool quant = false;
		switch (*c) {
		case '\\':
			if (c[1])
				c++;
			last = 1;
			break;
		case '[':
			/* A bracket expression is one node, however long. */
			c++;
			if (*c == '^')
				c++;
			if (*c == ']')
				c++;
			while (*c && *c != ']') {
				if (*c == '[' && (c[1] == ':' || c[1] == '.' ||
						  c[1] == '=')) {
					const char *e = strchr(c + 2, c[1]);
					if (e && e[1] == ']')
						c = e + 1;
				}
				c++;
			}
			/* Unterminated: regcomp says so, but only after
			 * building what came before. */
			if (!*c)
				goto done;
			last = 1;
			break;
		case '(':
			if (++depth >= HB_ARRAY_SIZE(sum))
				return "regular expression nested too deep";
			sum[depth] = 0;
			last = 0;
			quantified = false;
			continue;
		case ')':
			if (depth == 0) {
				last = 1;
				break;
			}
			last = cost_add(sum[depth--], 1);
			break;
		case '*':
		case '?':
			quant = true;
			break;
		case '+':
			quant = true;
			factor = 2;
			break;
		case '{': {
			char *end;
			unsigned long m = strtoul(c + 1, &end, 10), n = m;
			if (end == c + 1) {
				last = 1;
				break;
			}
			if (*end == ',') {
				const char *e2 = end + 1;
				n = strtoul(e2, &end, 10);
				if (end == e2)
					n = m + 1; /* "{m,}" */
			}
			if (*end != '}') {
				last = 1;
				break;
			}
			quant = true;
			factor = n > 1 ? n : 1;
			c = end;
			break;
		}
		default:
			last = 1;
			break;
		}
		if (quant) {
			/* POSIX leaves "a*+" undefined; glibc nests the loops,
			 * which is where its time goes. */
			if (quantified)
				return "two repetitions in a row (\"a*+\", "
				       "\"a{2}{3}\") are undefined: group them, "
				       "as in \"(a*)+\"";
			quantified = true;
			/* The operand, already counted once, becomes factor
			 * copies of itself. */
			if (factor > 1) {
				sum[depth] = cost_add(sum[depth],
						      cost_mul(last, factor - 1));
				last = cost_mul(last, factor);
			}
			continue;
		}
		quantified = false;
		sum[depth] = cost_add(sum[depth], last);
	}
done:
	while (depth > 0) {
		sum[depth - 1] = cost_add(sum[depth - 1], sum[depth]);
		depth--;
	}
	if (sum[0] >= REGEX_COST_MAX)
		return "regular expression too complex: its repetitions make "
		       "more than " REGEX_COST_MAX_TEXT " copies";
	return NULL;
}
