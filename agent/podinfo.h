/* SPDX-License-Identifier: MIT */
/* Who is running: the pod, its Helm release and hook, from the downward-API
 * files (labels, annotations) and the environment. */
#ifndef HB_PODINFO_H
#define HB_PODINFO_H

#include <stddef.h>

#include "spec.h"

struct hb_podinfo {
	char ns[254];
	char pod_name[254];
	char release[254];
	long long revision;
	char hook_events[256]; /* comma-separated: "test", "pre-install,pre-upgrade" */
	int hook_weight;
	char hook_name[254];   /* the Job for a Job's pod, else the pod */
};

/* Calls fn for each key="value" line of a downward-API file (values
 * unquoted and unescaped). Pure: no I/O. Returns the number of pairs. */
int hb_podinfo_parse(const char *buf, size_t len,
		     void (*fn)(const char *key, const char *value, void *ud),
		     void *ud);
/* Fills pi from dir/labels, dir/annotations (missing files are fine) and
 * POD_NAME, POD_NAMESPACE, HOOKBOX_RELEASE, HOOKBOX_REVISION,
 * HOOKBOX_HOOK (which win over the files). */
void hb_podinfo_load(struct hb_podinfo *pi, const char *dir, hb_getenv_fn env);

#endif
