/* SPDX-License-Identifier: MIT */
/* Hook logs after the pod is gone: the reduction of a release narrowed to
 * the hooks a reader asked for, rendered the way `helm test --logs` would
 * have shown them. Pure: no I/O, so that logs (from a collector), reduce
 * --logs (from files) and GET /v1/releases/{ns}/{release}/logs share it and
 * the tests call it directly.
 *
 *   if (!hb_logs_hook_valid(hook)) -> 400 / exit 2
 *   cJSON *red = hb_reduction_json(&reduction);
 *   if (hb_logs_select(red, revision, hook, err, sizeof(err)) == -ENOENT)
 *           -> 404 / exit 2, err says what there is instead
 *   hb_logs_render(&buf, red);     or print red as JSON
 *   exit hb_logs_exit_code(red);
 */
#ifndef HB_LOGS_H
#define HB_LOGS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Whether hook may select hooks: a Helm hook event ("test",
 * "pre-install", ...; every hook of that event) or a hook's own name (a
 * Kubernetes object name: lower-case letters, digits, '-' and '.', at most
 * 253 bytes). */
bool hb_logs_hook_valid(const char *hook);

/* Keeps in red's "hooks" those that hook selects (NULL: all). revision is
 * what the reader asked for (0: the newest). Returns 0; -ENOENT when
 * nothing is left, with err saying what there is (the revisions, the
 * hooks' names); -ENOMEM. */
int hb_logs_select(cJSON *red, int64_t revision, const char *hook, char *err,
		   size_t errlen);

/* The hooks of red in their order, each with its checks (outcome, class,
 * hint, target, time) and, for a wrapped command, its command line, exit
 * status or signal, duration and output tails. Every string from a report
 * goes through hb_text_escape: a pod's output cannot drive the reader's
 * terminal. Returns 0 or the buffer's negative errno. */
int hb_logs_render(struct hb_buf *out, const cJSON *red);

/* 0 when every hook shown Succeeded, 1 when one Failed, 3 otherwise
 * (Running, Unknown, none). */
int hb_logs_exit_code(const cJSON *red);

#endif
