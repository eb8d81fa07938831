/* SPDX-License-Identifier: MIT */
/* hookbox-collector reduce: the reduction over report files, for pipelines
 * that collect pod logs or --report-file outputs instead of a collector;
 * with --logs, the hooks' logs (logs.h) from them. */
#include "commands.h"

#include "buf.h"
#include "logs.h"
#include "osutil.h"
#include "reduce.h"
#include "render.h"
#include "validate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_CAP (64u << 20)

int hb_cmd_reduce(const struct hb_collector_cli *cli)
{
	Hookbox__V1__Report **reports = calloc(cli->n_files, sizeof(*reports));
	size_t n = 0;
	int status = 2;
	struct hb_buf out;
	hb_buf_init(&out, HB_RENDER_CAP);
	if (!reports) {
		fprintf(stderr, "hookbox-collector: out of memory\n");
		return 2;
	}
	for (size_t i = 0; i < cli->n_files; i++) {
		const char *path = cli->files[i];
		char err[512];
		struct hb_buf b;
		int rc = strcmp(path, "-") == 0 ? hb_read_file("/dev/stdin", FILE_CAP, &b)
						: hb_read_file(path, FILE_CAP, &b);
		if (rc < 0) {
			fprintf(stderr, "hookbox-collector: reading \"%s\": %s\n", path,
				strerror(-rc));
			goto out;
		}
		const uint8_t *p = (const uint8_t *)hb_buf_str(&b);
		rc = hb_report_decode(p, b.len, hb_format_sniff(p, b.len), &reports[n], err,
				      sizeof(err));
		hb_buf_release(&b);
		if (rc < 0) {
			fprintf(stderr, "hookbox-collector: \"%s\": %s\n", path, err);
			goto out;
		}
		n++;
	}
	/* Without --namespace and --release the files must be of one release:
	 * mixing two would give a phase that belongs to neither. */
	if (!cli->ns || !cli->release) {
		for (size_t i = 1; i < n; i++) {
			const Hookbox__V1__PodMeta *a = reports[0]->pod, *b = reports[i]->pod;
			if ((!cli->ns && strcmp(a->namespace_, b->namespace_) != 0) ||
			    (!cli->release && strcmp(a->release, b->release) != 0)) {
				fprintf(stderr,
					"hookbox-collector: \"%s\" is of release %s/%s, \"%s\" of "
					"%s/%s; choose one with --namespace and --release\n",
					cli->files[0], a->namespace_, a->release, cli->files[i],
					b->namespace_, b->release);
				goto out;
			}
		}
	}
	struct hb_reduce_filter f = { cli->ns, cli->release, cli->revision };
	struct hb_reduction red;
	if (hb_reduce((const Hookbox__V1__Report *const *)reports, n, &f, &red) < 0) {
		fprintf(stderr, "hookbox-collector: reduce: out of memory\n");
		goto out;
	}
	cJSON *j = hb_reduction_json(&red);
	int phase = red.phase;
	hb_reduction_release(&red);
	if (j && cli->logs) {
		char err[512];
		int rc = hb_logs_select(j, cli->revision, cli->hook, err, sizeof(err));
		if (rc == 0) {
			status = hb_logs_print(j, cli->output);
		} else if (rc == -ENOENT) {
			/* It names the files' hooks: shown as text is. */
			hb_text_escape(&out, err);
			fprintf(stderr, "hookbox-collector: %s\n", hb_buf_str(&out));
		} else {
			fprintf(stderr, "hookbox-collector: out of memory\n");
		}
		cJSON_Delete(j);
		goto out;
	}
	if (!j || hb_render(&out, j, cli->output) < 0) {
		cJSON_Delete(j);
		fprintf(stderr, "hookbox-collector: rendering: out of memory\n");
		goto out;
	}
	cJSON_Delete(j);
	fwrite(hb_buf_str(&out), 1, out.len, stdout);
	fflush(stdout);
	status = phase == HOOKBOX__V1__PHASE__PHASE_SUCCEEDED ? 0
		 : phase == HOOKBOX__V1__PHASE__PHASE_FAILED  ? 1
							      : 3;
out:
	for (size_t i = 0; i < n; i++)
		protobuf_c_message_free_unpacked(&reports[i]->base, NULL);
	free(reports);
	hb_buf_release(&out);
	return status;
}
