/* SPDX-License-Identifier: MIT */
/* Check drivers and what an attempt reports: the contract between the sandbox
 * and each check kind.
 *
 * Each check kind is a row in core/kinds.c and one file in kinds/ exporting
 * one const struct hb_driver named hb_driver_<kind>, holding the kind's
 * operations only. The sandbox, in a forked child:
 *   1. calls driver->prepare(check, &state) before any filter is loaded, so
 *      it may open files, load plugins and warm up libraries;
 *   2. applies rlimits, Landlock (driver->read_paths, the check's port) and
 *      the kind's seccomp filter (base set plus driver->syscalls);
 *   3. calls driver->resolve(check, state, attempt), which looks up the
 *      names the check connects to, and then stacks the hand-off filter
 *      (HB_POLICY_HANDOFF), which takes the resolver's sockets away;
 *   4. calls driver->run(check, state, deadline, attempt), which hands
 *      the addresses to its client library and fills the attempt, every
 *      wait ending by the attempt's one deadline;
 *   5. sends the attempt to the parent as a protobuf and _exits.
 * driver->init runs once in the agent itself, before any fork, for what
 * every child can share (libcurl's global state, say).
 */
#ifndef HB_DRIVER_H
#define HB_DRIVER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"

struct hb_check;

#define HB_MAX_DETAILS 16
#define HB_MSG_MAX 512

struct hb_detail {
	char key[32];
	char value[256];
};

struct hb_timing {
	double dns_ms, connect_ms, tls_ms, first_byte_ms, total_ms, auth_ms,
		query_ms;
};

/* One attempt of one check: filled by the driver in the child, carried to
 * the parent over the result pipe. Fixed size: a child never allocates for it. */
struct hb_attempt {
	int number;        /* 1-based, set by the pool */
	int outcome;       /* enum hb_outcome */
	int failure_class; /* enum hb_class */
	char message[HB_MSG_MAX];
	char started_at[32];
	double duration_ms;
	struct hb_timing timing;
	size_t n_details;
	struct hb_detail details[HB_MAX_DETAILS];
};

enum hb_outcome {
	HB_OUTCOME_UNSPECIFIED = 0,
	HB_PASSED = 1,
	HB_FAILED = 2,
	HB_ERROR = 3,
	HB_SKIPPED = 4,
	HB_CANCELLED = 5,
};

void hb_attempt_init(struct hb_attempt *a);
void hb_attempt_pass(struct hb_attempt *a);
/* Marks the attempt failed with class and a one-line message (printf). */
void hb_attempt_fail(struct hb_attempt *a, enum hb_class cls, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));
/* Adds or replaces a detail; silently drops it past HB_MAX_DETAILS. */
void hb_attempt_detail(struct hb_attempt *a, const char *key, const char *fmt,
		       ...) __attribute__((format(printf, 3, 4)));
const char *hb_attempt_get_detail(const struct hb_attempt *a, const char *key);
/* The hint a report gives for a failed attempt: its class's, or for an
 * http answer with an unexpected status (HTTP_STATUS and a "status_code"
 * detail) the status's own (hb_http_status_hint). "" when it passed. */
const char *hb_attempt_hint(const struct hb_attempt *a);

/* Serialises a into buf as a hookbox.v1.Attempt; returns the length, or 0
 * when it does not fit. Allocates nothing (safe in a filtered child). */
size_t hb_attempt_pack(const struct hb_attempt *a, uint8_t *buf, size_t size);
/* Decodes len bytes into a (strings truncated to fit). Returns 0 or -EINVAL. */
int hb_attempt_unpack(const uint8_t *buf, size_t len, struct hb_attempt *a);

enum hb_driver_flags {
	HB_DRIVER_RESOLVES = 1u << 0, /* calls getaddrinfo: NSS files, DNS */
	HB_DRIVER_THREADS = 1u << 1,  /* may start threads (libcurl's resolver) */
	HB_DRIVER_TLS = 1u << 2,      /* may read CA bundles */
	HB_DRIVER_ANY_PORT = 1u << 3, /* no Landlock TCP port restriction */
	/* Resolves in driver->resolve, then gives up the resolver's sockets
	 * (the hand-off filter, HB_POLICY_HANDOFF) before run connects. */
	HB_DRIVER_HANDOFF = 1u << 4,
};

/* What driver->resolve returns besides a negative errno (a filled). */
enum hb_resolved {
	/* The addresses are in the driver's state: the sandbox takes the
	 * resolver's sockets away, and run connects to those addresses. */
	HB_RESOLVED = 0,
	/* The check cannot be handed its addresses (its library must resolve
	 * again, or it connects over a UNIX socket): it keeps the resolver's
	 * sockets to the end, as a dns check does. */
	HB_RESOLVE_KEEP = 1,
};

/* When an attempt must end: the check's timeout, cut short by what is left
 * of its --wait (the scheduler's clamp), counted from the child's start. */
struct hb_deadline {
	int64_t at_ns; /* CLOCK_MONOTONIC */
	int64_t ms;    /* the time given, as messages name it ("within 2s") */
};

struct hb_driver {
	const char *name;
	unsigned flags; /* enum hb_driver_flags */
	/* Once, in the agent, before the first fork. tls says whether any
	 * check of the kind in this run may use TLS (see uses_tls), or the
	 * report goes to an https collector: when none does, a library may
	 * skip loading its TLS configuration. May be NULL. Returns 0 or a
	 * negative errno; message says what failed. */
	int (*init)(bool tls, char *errbuf, size_t errlen);
	/* Whether check c may use TLS, for a kind whose row cannot tell
	 * without the module (struct hb_kind's uses_tls). NULL: the row's,
	 * or any check may. */
	bool (*uses_tls)(const struct hb_check *c);
	/* In the child, before the filter. May be NULL. */
	int (*prepare)(const struct hb_check *c, void **state,
		       struct hb_attempt *a);
	/* In the child, under the kind's filter (HB_DRIVER_HANDOFF kinds
	 * only): resolves the names the check connects to, keeping the
	 * addresses in state for run, as untrusted DNS answers are parsed
	 * only inside the sandbox. Returns an enum hb_resolved, or a negative
	 * errno with a filled (the attempt ends there). */
	int (*resolve)(const struct hb_check *c, void *state,
		       struct hb_attempt *a);
	/* In the child, under the filter (and the hand-off filter once
	 * resolve said HB_RESOLVED). Every wait of the driver (connect,
	 * TLS, query) ends by dl->at_ns, so that its own timeout message
	 * comes before the agent's kill, HB_CHILD_GRACE_MS later; the
	 * check's timeout_ms is not the attempt's. Must fill a. */
	void (*run)(const struct hb_check *c, void *state,
		    const struct hb_deadline *dl, struct hb_attempt *a);
	/* The TCP port the check connects to, for Landlock; 0: any port. */
	int (*port)(const struct hb_check *c);
	/* Another port it may connect to (https's 443, for an http check
	 * that follows redirects to its own host); 0: none. May be NULL. */
	int (*extra_port)(const struct hb_check *c);
	/* Extra files the check reads (CA file, client certificate), for
	 * Landlock; fills up to max paths, returns how many. May be NULL. */
	size_t (*read_paths)(const struct hb_check *c, const char **paths,
			     size_t max);
	/* System calls allowed on top of the base profile, ending with -1. */
	const int *syscalls;
};

/* Helpers for drivers (host:port and URLs: common/addr.h). */
/* Milliseconds between two CLOCK_MONOTONIC readings in ns. */
static inline double hb_ms_between(int64_t from_ns, int64_t to_ns)
{
	return (double)(to_ns - from_ns) / 1e6;
}

#endif
