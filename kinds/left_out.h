/* SPDX-License-Identifier: MIT */
/* The end of a path a module's build left out (curl_pruned.c, pq_pruned.c). */
#ifndef HB_LEFT_OUT_H
#define HB_LEFT_OUT_H

/* Writes "hookbox: LIB called FN, left out of this build" to stderr and
 * aborts: the check's child dies, the check is reported CRASHED, the agent
 * goes on. For the stand-ins of a library's callees that a module turns
 * off; reaching one means the library took a path thought unreachable. */
#pragma GCC visibility push(hidden)
_Noreturn void hb_left_out(const char *lib, const char *fn);
#pragma GCC visibility pop

/* A stand-in for fn, which lib calls and must never reach. Weak, so that a
 * build that links the real library gets the real function. Its real
 * prototype does not matter: a call ends in hb_left_out() before any
 * argument or result is used. */
#define HB_LEFT_OUT(lib, fn)                                                   \
	__attribute__((weak, visibility("hidden"))) void fn(void);            \
	void fn(void)                                                          \
	{                                                                      \
		hb_left_out(lib, #fn);                                         \
	}

#endif
