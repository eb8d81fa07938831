/* SPDX-License-Identifier: MIT */
/* What a kubernetes check judges of the object the API returned, pure
 * (cJSON in, a verdict and a message out), so that unit tests feed it the
 * objects' shapes directly: a workload's rollout, as kubectl rollout status
 * judges it, and a condition's status. */
#ifndef HB_K8S_JUDGE_H
#define HB_K8S_JUDGE_H

#include "k8s.h"

#include <cjson/cJSON.h>
#include <stddef.h>

#pragma GCC visibility push(hidden)

/* The verdicts: what is asked holds, does not hold yet (time may fix it),
 * or never will by waiting (a Deployment past its progress deadline). */
enum k8s_verdict {
	K8S_HOLDS = 1,
	K8S_NOT_YET = 0,
	K8S_FAILED = -1,
};

/* Whether obj's rollout (kind: which rule) is complete, by kubectl rollout
 * status's rules: observedGeneration caught up with generation, and the
 * updated, ready and available replicas (pods, for a DaemonSet) all there.
 * msg says what it waits for, or what is wrong, in kubectl's words. */
enum k8s_verdict k8s_rollout_judge(const cJSON *obj, enum hb_k8s_rollout kind,
				   char *msg, size_t len);

/* Whether obj's status.conditions has one of type TYPE with status STATUS,
 * cond being "TYPE" (status "True") or "TYPE=STATUS". msg says which it
 * found instead; for a Job whose Failed is True, that it failed and why. */
enum k8s_verdict k8s_condition_judge(const cJSON *obj, const char *cond,
				     char *msg, size_t len);

#pragma GCC visibility pop

#endif
