/* SPDX-License-Identifier: MIT */
/* Reading pod, release and hook metadata for the report. */
#include "podinfo.h"

#include "buf.h"
#include "osutil.h"
#include "report_util.h"
#include "strutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hb_podinfo_parse(const char *buf, size_t len,
		     void (*fn)(const char *key, const char *value, void *ud),
		     void *ud)
{
	int count = 0;
	size_t i = 0;
	while (i < len) {
		size_t eol = i;
		while (eol < len && buf[eol] != '\n')
			eol++;
		const char *line = buf + i;
		size_t n = eol - i;
		const char *eq = memchr(line, '=', n);
		if (eq && eq > line && n < 8192) {
			char key[512], value[4096];
			size_t kl = (size_t)(eq - line);
			if (kl < sizeof(key)) {
				memcpy(key, line, kl);
				key[kl] = '\0';
				const char *v = eq + 1;
				size_t vl = n - kl - 1, j = 0;
				bool quoted = vl >= 2 && v[0] == '"' && v[vl - 1] == '"';
				if (quoted) {
					v++;
					vl -= 2;
				}
				for (size_t k = 0; k < vl && j + 1 < sizeof(value); k++) {
					char c = v[k];
					if (quoted && c == '\\' && k + 1 < vl) {
						c = v[++k];
						if (c == 'n')
							c = '\n';
						else if (c == 't')
							c = '\t';
					}
					value[j++] = c;
				}
				value[j] = '\0';
				fn(key, value, ud);
				count++;
			}
		}
		i = eol + 1;
	}
	return count;
}

static void on_label(const char *key, const char *value, void *ud)
{
	struct hb_podinfo *pi = ud;
	if (strcmp(key, "app.kubernetes.io/instance") == 0)
		hb_strlcpy(pi->release, value, sizeof(pi->release));
	else if (strcmp(key, "job-name") == 0 ||
		 strcmp(key, "batch.kubernetes.io/job-name") == 0)
		hb_strlcpy(pi->hook_name, value, sizeof(pi->hook_name));
}

static void on_annotation(const char *key, const char *value, void *ud)
{
	struct hb_podinfo *pi = ud;
	if (strcmp(key, "helm.sh/hook") == 0) {
		/* "pre-install, pre-upgrade" -> "pre-install,pre-upgrade" */
		size_t j = 0;
		for (size_t i = 0; value[i] && j + 1 < sizeof(pi->hook_events); i++)
			if (value[i] != ' ')
				pi->hook_events[j++] = value[i];
		pi->hook_events[j] = '\0';
	} else if (strcmp(key, "helm.sh/hook-weight") == 0) {
		pi->hook_weight = atoi(value);
	}
}

static void load_file(const char *dir, const char *name,
		      void (*fn)(const char *, const char *, void *), void *ud)
{
	char path[4096];
	struct hb_buf b;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return;
	/* A regular file, as the downward API writes (behind a symbolic
	 * link): a FIFO here must not hold up the run. Optional metadata,
	 * so what is wrong is said and the run goes on; absent is normal
	 * outside Kubernetes. */
	int rc = hb_read_regular(path, 256 * 1024, &b);
	if (rc < 0) {
		char why[64];
		if (rc != -ENOENT)
			fprintf(stderr, "hookbox: --podinfo: ignoring \"%s\": %s\n",
				path, hb_read_error(rc, 256 * 1024, why, sizeof(why)));
		return;
	}
	hb_podinfo_parse(b.data, b.len, fn, ud);
	hb_buf_release(&b);
}

/* HOOKBOX_REVISION, from the chart's {{ .Release.Revision }}. The
 * collector refuses a report whose revision Helm could not have made
 * (see HB_MAX_REVISION), which would lose the report: anything but 1 to
 * HB_MAX_REVISION is reported as 0, "not known", and said so. */
static long long revision_of(const char *v)
{
	long long n = 0;
	const char *p = v;
	for (; *p >= '0' && *p <= '9' && n <= HB_MAX_REVISION; p++)
		n = n * 10 + (*p - '0');
	if (*p || n < 1 || n > HB_MAX_REVISION) {
		fprintf(stderr,
			"hookbox: HOOKBOX_REVISION \"%.40s\": not a Helm revision (want 1 "
			"to %d); the report says revision 0\n", v, HB_MAX_REVISION);
		return 0;
	}
	return n;
}

void hb_podinfo_load(struct hb_podinfo *pi, const char *dir, hb_getenv_fn env)
{
	memset(pi, 0, sizeof(*pi));
	if (dir) {
		load_file(dir, "labels", on_label, pi);
		load_file(dir, "annotations", on_annotation, pi);
	}
	const char *v;
	if ((v = env("POD_NAMESPACE")) && *v)
		hb_strlcpy(pi->ns, v, sizeof(pi->ns));
	if ((v = env("POD_NAME")) && *v)
		hb_strlcpy(pi->pod_name, v, sizeof(pi->pod_name));
	if ((v = env("HOOKBOX_RELEASE")) && *v)
		hb_strlcpy(pi->release, v, sizeof(pi->release));
	if ((v = env("HOOKBOX_REVISION")) && *v)
		pi->revision = revision_of(v);
	if ((v = env("HOOKBOX_HOOK")) && *v)
		hb_strlcpy(pi->hook_events, v, sizeof(pi->hook_events));
	if (!pi->hook_name[0])
		hb_strlcpy(pi->hook_name, pi->pod_name, sizeof(pi->hook_name));
}
