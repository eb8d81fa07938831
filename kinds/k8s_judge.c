/* SPDX-License-Identifier: MIT */
/* A kubernetes object's rollout and conditions, judged (k8s_judge.h); pure.
 * The rollout rules are kubectl rollout status's (its polymorphichelpers'
 * status viewers), so that a chart moving from kubectl to hookbox waits for
 * the same thing. */
#include "k8s_judge.h"

#include <stdio.h>
#include <string.h>

/* The integer at a dotted path of obj ("status.observedGeneration"), or
 * def when absent: the API leaves out counts that are 0. */
static long long num_at(const cJSON *obj, const char *path, long long def)
{
	char part[64];
	const cJSON *o = obj;
	while (*path && o) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof(part))
			return def;
		memcpy(part, path, n);
		part[n] = '\0';
		o = cJSON_GetObjectItemCaseSensitive(o, part);
		path += n + (path[n] == '.');
	}
	return cJSON_IsNumber(o) ? (long long)o->valuedouble : def;
}

static const char *str_at(const cJSON *obj, const char *a, const char *b,
			  const char *c)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(obj, a);
	if (b)
		o = cJSON_GetObjectItemCaseSensitive(o, b);
	if (c)
		o = cJSON_GetObjectItemCaseSensitive(o, c);
	return cJSON_IsString(o) ? o->valuestring : NULL;
}

static const cJSON *condition(const cJSON *obj, const char *type)
{
	const cJSON *conds = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "status"), "conditions");
	const cJSON *it;
	cJSON_ArrayForEach(it, conds)
	{
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "type");
		if (cJSON_IsString(t) && strcmp(t->valuestring, type) == 0)
			return it;
	}
	return NULL;
}

static const char *cond_field(const cJSON *c, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* Whether the controller has seen o's latest spec (what is the
 * workload's name in kubectl's messages: "deployment"); a statefulset
 * that was never observed (0) has not, whatever its generation. */
static bool observed(const cJSON *o, const char *what, const char *name,
		     bool zero_unseen, char *msg, size_t len)
{
	long long gen = num_at(o, "metadata.generation", 0);
	long long seen = num_at(o, "status.observedGeneration", 0);
	if (gen <= seen && !(zero_unseen && seen == 0))
		return true;
	snprintf(msg, len, "waiting for %s \"%s\" spec update to be observed "
		 "(generation %lld, observed %lld)", what, name, gen, seen);
	return false;
}

static enum k8s_verdict rolled_out(const char *what, const char *name,
				   char *msg, size_t len)
{
	snprintf(msg, len, "%s \"%s\" successfully rolled out", what, name);
	return K8S_HOLDS;
}

static enum k8s_verdict deployment(const cJSON *d, const char *name, char *msg,
				   size_t len)
{
	if (!observed(d, "deployment", name, false, msg, len))
		return K8S_NOT_YET;
	const cJSON *p = condition(d, "Progressing");
	if (p && strcmp(cond_field(p, "reason"), "ProgressDeadlineExceeded") == 0) {
		snprintf(msg, len, "deployment \"%s\" exceeded its progress "
			 "deadline: %.200s", name, cond_field(p, "message"));
		return K8S_FAILED;
	}
	long long want = num_at(d, "spec.replicas", -1);
	long long replicas = num_at(d, "status.replicas", 0);
	long long updated = num_at(d, "status.updatedReplicas", 0);
	long long available = num_at(d, "status.availableReplicas", 0);
	if (want >= 0 && updated < want)
		snprintf(msg, len, "waiting for deployment \"%s\" rollout to "
			 "finish: %lld out of %lld new replicas have been "
			 "updated", name, updated, want);
	else if (replicas > updated)
		snprintf(msg, len, "waiting for deployment \"%s\" rollout to "
			 "finish: %lld old replicas are pending termination",
			 name, replicas - updated);
	else if (available < updated)
		snprintf(msg, len, "waiting for deployment \"%s\" rollout to "
			 "finish: %lld of %lld updated replicas are available",
			 name, available, updated);
	else
		return rolled_out("deployment", name, msg, len);
	return K8S_NOT_YET;
}

/* The API defaults updateStrategy.type to RollingUpdate; kubectl has no
 * rollout status for OnDelete. */
static bool rolling(const cJSON *o)
{
	const char *t = str_at(o, "spec", "updateStrategy", "type");
	return !t || strcmp(t, "RollingUpdate") == 0;
}

static enum k8s_verdict daemonset(const cJSON *d, const char *name, char *msg,
				  size_t len)
{
	if (!rolling(d)) {
		snprintf(msg, len, "daemon set \"%s\": rollout status is only "
			 "available for the RollingUpdate strategy", name);
		return K8S_FAILED;
	}
	if (!observed(d, "daemon set", name, false, msg, len))
		return K8S_NOT_YET;
	long long desired = num_at(d, "status.desiredNumberScheduled", 0);
	long long updated = num_at(d, "status.updatedNumberScheduled", 0);
	long long available = num_at(d, "status.numberAvailable", 0);
	if (updated < desired)
		snprintf(msg, len, "waiting for daemon set \"%s\" rollout to "
			 "finish: %lld out of %lld new pods have been updated",
			 name, updated, desired);
	else if (available < desired)
		snprintf(msg, len, "waiting for daemon set \"%s\" rollout to "
			 "finish: %lld of %lld updated pods are available",
			 name, available, desired);
	else
		return rolled_out("daemon set", name, msg, len);
	return K8S_NOT_YET;
}

static enum k8s_verdict statefulset(const cJSON *s, const char *name,
				    char *msg, size_t len)
{
	if (!rolling(s)) {
		snprintf(msg, len, "statefulset \"%s\": rollout status is only "
			 "available for the RollingUpdate strategy", name);
		return K8S_FAILED;
	}
	if (!observed(s, "statefulset", name, true, msg, len))
		return K8S_NOT_YET;
	long long want = num_at(s, "spec.replicas", -1);
	long long ready = num_at(s, "status.readyReplicas", 0);
	long long updated = num_at(s, "status.updatedReplicas", 0);
	if (want >= 0 && ready < want) {
		snprintf(msg, len, "waiting for statefulset \"%s\": %lld pods "
			 "to be ready", name, want - ready);
		return K8S_NOT_YET;
	}
	const cJSON *ru = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(s, "spec"),
			"updateStrategy"),
		"rollingUpdate");
	if (cJSON_IsObject(ru)) {
		long long part = num_at(ru, "partition", -1);
		if (want >= 0 && part >= 0 && updated < want - part) {
			snprintf(msg, len, "waiting for statefulset \"%s\" "
				 "partitioned roll out to finish: %lld out of "
				 "%lld new pods have been updated",
				 name, updated, want - part);
			return K8S_NOT_YET;
		}
		snprintf(msg, len, "statefulset \"%s\" partitioned roll out "
			 "complete: %lld new pods have been updated", name,
			 updated);
		return K8S_HOLDS;
	}
	const char *update = str_at(s, "status", "updateRevision", NULL);
	const char *current = str_at(s, "status", "currentRevision", NULL);
	if (!update || !current || strcmp(update, current) != 0) {
		snprintf(msg, len, "waiting for statefulset \"%s\" rolling "
			 "update to complete %lld pods at revision %.100s", name,
			 updated, update ? update : "?");
		return K8S_NOT_YET;
	}
	snprintf(msg, len, "statefulset \"%s\" rolling update complete %lld "
		 "pods at revision %.100s", name,
		 num_at(s, "status.currentReplicas", 0), current);
	return K8S_HOLDS;
}

enum k8s_verdict k8s_rollout_judge(const cJSON *obj, enum hb_k8s_rollout kind,
				   char *msg, size_t len)
{
	const char *name = str_at(obj, "metadata", "name", NULL);
	if (!name)
		name = "?";
	switch (kind) {
	case HB_K8S_DEPLOYMENT:
		return deployment(obj, name, msg, len);
	case HB_K8S_STATEFULSET:
		return statefulset(obj, name, msg, len);
	case HB_K8S_DAEMONSET:
		return daemonset(obj, name, msg, len);
	case HB_K8S_NO_ROLLOUT:
		break;
	}
	snprintf(msg, len, "no rollout status for this resource");
	return K8S_FAILED;
}

/* Appends "TYPE=STATUS (REASON: MESSAGE)" of condition c. */
static void describe(char *dst, size_t size, const cJSON *c)
{
	const char *reason = cond_field(c, "reason");
	const char *text = cond_field(c, "message");
	size_t used = strlen(dst);
	if (used >= size)
		return;
	snprintf(dst + used, size - used, "%s=%s%s%.40s%s%.160s%s",
		 cond_field(c, "type"), cond_field(c, "status"),
		 *reason || *text ? " (" : "", reason,
		 *reason && *text ? ": " : "", text,
		 *reason || *text ? ")" : "");
}

enum k8s_verdict k8s_condition_judge(const cJSON *obj, const char *cond,
				     char *msg, size_t len)
{
	char type[128], want[64], why[128];
	if (hb_k8s_condition_split(cond, type, sizeof(type), want,
				   sizeof(want), why, sizeof(why)) < 0) {
		snprintf(msg, len, "condition \"%.100s\": %s", cond, why);
		return K8S_FAILED;
	}
	const cJSON *c = condition(obj, type);
	if (c && strcmp(cond_field(c, "status"), want) == 0) {
		snprintf(msg, len, "condition ");
		describe(msg, len, c);
		return K8S_HOLDS;
	}
	if (c) {
		snprintf(msg, len, "condition %s is not %s: ", type, want);
		describe(msg, len, c);
	} else {
		snprintf(msg, len, "no condition %s=%s yet", type, want);
	}
	/* A Job that failed never completes: say so, whatever was asked
	 * (kubectl wait would wait out its timeout). */
	const cJSON *failed = condition(obj, "Failed");
	const char *kind = str_at(obj, "kind", NULL, NULL);
	if (failed && c != failed && kind && strcmp(kind, "Job") == 0 &&
	    strcmp(cond_field(failed, "status"), "True") == 0) {
		size_t used = strlen(msg);
		if (used < len)
			snprintf(msg + used, len - used, "; the Job failed: ");
		describe(msg, len, failed);
		return K8S_FAILED;
	}
	if (!c) {
		/* What it has, so that a misspelt type shows. */
		const cJSON *conds = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(obj, "status"),
			"conditions");
		const cJSON *it;
		size_t n = 0;
		cJSON_ArrayForEach(it, conds)
		{
			size_t used = strlen(msg);
			if (used < len)
				snprintf(msg + used, len - used, "%s%s",
					 n++ ? ", " : " (it has ",
					 cond_field(it, "type"));
			used = strlen(msg);
			if (used < len)
				snprintf(msg + used, len - used, "=%s",
					 cond_field(it, "status"));
		}
		size_t used = strlen(msg);
		if (used < len)
			snprintf(msg + used, len - used, "%s",
				 n ? ")" : " (it has no conditions)");
	}
	return K8S_NOT_YET;
}
