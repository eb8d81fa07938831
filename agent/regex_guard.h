/* SPDX-License-Identifier: MIT */
/* The spec's regex cost guard, run on each pattern before regcomp. Pure. */
#ifndef HB_REGEX_GUARD_H
#define HB_REGEX_GUARD_H

/* What would make glibc's regcomp slow or huge, or NULL. It copies the
 * operand of "x+" once and of "x{m,n}" n times, so nested or chained
 * repetitions multiply ("a{99}{99}{99}" asks for gigabytes), and its work
 * grows with the square of the optional copies ("(a?){19000}" takes
 * seconds). The node count here is an estimate from above. The message is
 * a static string. */
const char *hb_regex_problem(const char *re);

#endif
