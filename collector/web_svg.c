/* SPDX-License-Identifier: MIT */
/* A check's time over a release's last revisions, drawn by the server as a
 * small inline SVG: no script, no external image, nothing the CSP has to
 * let in. */
#include "web.h"

#include "render.h"

#include <string.h>

#define CHART_W 120
#define CHART_H 28
#define CHART_PAD 3

struct point {
	double revision, ms;
	bool failed;
};

int hb_web_render_latency(struct hb_buf *b, const cJSON *history, double revision,
			  const char *hook, const char *check)
{
	struct point p[HB_WEB_CHART_REVISIONS];
	size_t n = 0;
	const cJSON *r, *c;
	/* history is newest first: collect backwards in time, then draw
	 * oldest left. */
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(history, "revisions")) {
		if (n == HB_WEB_CHART_REVISIONS)
			break;
		if (hb_json_num(r, "revision") > revision)
			continue;
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(r, "checks")) {
			if (strcmp(hb_json_str(c, "name"), check) != 0 || strcmp(hb_json_str(c, "hook"), hook) != 0)
				continue;
			const char *o = hb_json_str(c, "outcome");
			p[n].revision = hb_json_num(r, "revision");
			p[n].ms = hb_json_num(c, "durationMs");
			p[n].failed = strcmp(o, "PASSED") != 0 && strcmp(o, "SKIPPED") != 0;
			n++;
			break;
		}
	}
	if (n < 2)
		return 0;
	double max = 0;
	for (size_t i = 0; i < n; i++)
		if (p[i].ms > max)
			max = p[i].ms;
	if (max <= 0)
		max = 1;
	int rc = hb_buf_printf(b, "<svg class=\"latency\" width=\"%d\" height=\"%d\" "
			       "viewBox=\"0 0 %d %d\" role=\"img\"><title>time over revisions "
			       "%.0f to %.0f, at most %.0f ms</title><polyline points=\"",
			       CHART_W, CHART_H, CHART_W, CHART_H, p[n - 1].revision,
			       p[0].revision, max);
	double step = (double)(CHART_W - 2 * CHART_PAD) / (double)(n - 1);
	double span = CHART_H - 2 * CHART_PAD;
	for (size_t k = 0; rc == 0 && k < n; k++) {
		size_t i = n - 1 - k;
		rc = hb_buf_printf(b, "%s%.1f,%.1f", k ? " " : "", CHART_PAD + step * (double)k,
				   CHART_PAD + span - span * p[i].ms / max);
	}
	if (rc == 0)
		rc = hb_buf_appends(b, "\"/>");
	/* A dot on each failed run, so that "failed the same way last
	 * revision" shows at a glance. */
	for (size_t k = 0; rc == 0 && k < n; k++) {
		size_t i = n - 1 - k;
		if (p[i].failed)
			rc = hb_buf_printf(b, "<circle class=\"fail\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"/>",
					   CHART_PAD + step * (double)k,
					   CHART_PAD + span - span * p[i].ms / max);
	}
	return rc == 0 ? hb_buf_appends(b, "</svg>") : rc;
}
