/* SPDX-License-Identifier: MIT */
/* hookbox-collector status: the reduction of a release from a collector. */
#include "commands.h"

#include "buf.h"
#include "logs.h"
#include "osutil.h"
#include "render.h"
#include "server.h"
#include "strutil.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The most a reduction may weigh: 10,000 reports of 20 checks fit. */
#define ANSWER_CAP (256u << 20)

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct hb_buf *b = arg;
	return hb_buf_append(b, p, size * n) < 0 ? 0 : size * n;
}

/* One GET. Returns the HTTP status (0 when there was none) with the body in
 * b, and err filled for transport errors. */
static long fetch(CURL *curl, const char *url, struct curl_slist *hdrs,
		  const char *ca_file, struct hb_buf *b, char *err, size_t errlen)
{
	char cerr[CURL_ERROR_SIZE] = "";
	long code = 0;
	hb_buf_release(b);
	hb_buf_init(b, ANSWER_CAP);
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (ca_file)
		curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file);
	CURLcode rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "GET %.400s: %s", url, cerr[0] ? cerr : curl_easy_strerror(rc));
		return 0;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	return code;
}

static bool final_phase(const char *p)
{
	return strcmp(p, "Succeeded") == 0 || strcmp(p, "Failed") == 0;
}

/* A curl handle and the request headers (the bearer token, JSON wanted) for
 * cli's collector, and in url the address of path under the release
 * (e.g. "" or "/logs"). Returns the handle, or NULL having said why, with
 * *status the exit status to give. */
static CURL *client_open(const struct hb_collector_cli *cli, const char *path,
			 struct curl_slist **hdrs, char *url, size_t urlsize, int *status)
{
	char err[512];
	CURL *curl = curl_easy_init();
	*hdrs = NULL;
	if (!curl) {
		fprintf(stderr, "hookbox-collector: curl_easy_init failed\n");
		*status = 3;
		return NULL;
	}
	if (cli->token_file) {
		char *tok = hb_read_token(cli->token_file, err, sizeof(err));
		if (!tok) {
			fprintf(stderr, "hookbox-collector: %s\n", err);
			curl_easy_cleanup(curl);
			*status = 2;
			return NULL;
		}
		char hdr[4200];
		snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", tok);
		free(tok);
		*hdrs = curl_slist_append(*hdrs, hdr);
	}
	*hdrs = curl_slist_append(*hdrs, "Accept: application/json");
	char *ens = curl_easy_escape(curl, cli->ns, 0);
	char *erel = curl_easy_escape(curl, cli->release, 0);
	size_t blen = strlen(cli->server);
	while (blen && cli->server[blen - 1] == '/')
		blen--;
	snprintf(url, urlsize, "%.*s/v1/releases/%s/%s%s", (int)blen, cli->server,
		 ens ? ens : "", erel ? erel : "", path);
	curl_free(ens);
	curl_free(erel);
	return curl;
}

/* A collector's refusal for a terminal: one line, and nothing in it a
 * terminal would act on. */
static void refusal(char *err, size_t errlen, long code, const struct hb_buf *b)
{
	char line[300];
	struct hb_buf body;
	hb_oneline(line, sizeof(line), hb_buf_str(b));
	hb_buf_init(&body, 8 * sizeof(line));
	hb_text_escape(&body, line);
	snprintf(err, errlen, "collector answered %ld: %s", code, hb_buf_str(&body));
	hb_buf_release(&body);
}

int hb_cmd_status(const struct hb_collector_cli *cli)
{
	char err[512] = "", url[2048];
	struct curl_slist *hdrs = NULL;
	struct hb_buf b;
	cJSON *red = NULL;
	int status = 3;
	CURL *curl = client_open(cli, "", &hdrs, url, sizeof(url), &status);
	if (!curl)
		return status;
	hb_buf_init(&b, ANSWER_CAP);
	size_t n = strlen(url);
	if (cli->revision > 0)
		snprintf(url + n, sizeof(url) - n, "?revision=%lld", (long long)cli->revision);

	int64_t deadline = hb_mono_ms() + cli->wait_ms;
	for (;;) {
		long code = fetch(curl, url, hdrs, cli->ca_file, &b, err, sizeof(err));
		if (code == 200) {
			cJSON_Delete(red);
			red = cJSON_ParseWithLength(hb_buf_str(&b), b.len);
			if (!red) {
				snprintf(err, sizeof(err), "GET %.400s: answer is not JSON", url);
			} else {
				err[0] = '\0';
				const cJSON *ph = cJSON_GetObjectItemCaseSensitive(red, "phase");
				if (cJSON_IsString(ph) && final_phase(ph->valuestring))
					break;
			}
		} else if (code) {
			refusal(err, sizeof(err), code, &b);
			/* A refused request will not get better by waiting. */
			if (code >= 400 && code < 500 && code != 429) {
				status = 2;
				goto out;
			}
		}
		int64_t left = deadline - hb_mono_ms();
		if (left <= 0)
			break;
		int64_t nap = left < 1000 ? left : 1000;
		struct timespec ts = { nap / 1000, (nap % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (red) {
		const cJSON *ph = cJSON_GetObjectItemCaseSensitive(red, "phase");
		hb_buf_release(&b);
		hb_buf_init(&b, HB_RENDER_CAP);
		if (hb_render(&b, red, cli->output) < 0) {
			snprintf(err, sizeof(err), "rendering: out of memory");
			status = 3;
		} else {
			fwrite(b.data ? b.data : "", 1, b.len, stdout);
			status = hb_phase_exit_code(cJSON_IsString(ph) ? ph->valuestring : "");
			err[0] = '\0';
		}
	}
out:
	if (err[0])
		fprintf(stderr, "hookbox-collector: %s\n", err);
	fflush(stdout);
	cJSON_Delete(red);
	hb_buf_release(&b);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(curl);
	return status;
}

int hb_logs_print(const cJSON *red, enum hb_render_fmt fmt)
{
	struct hb_buf out;
	int rc;
	hb_buf_init(&out, HB_RENDER_CAP);
	if (fmt == HB_RENDER_JSON)
		rc = hb_render(&out, red, HB_RENDER_JSON);
	else
		rc = hb_logs_render(&out, red);
	if (rc < 0) {
		hb_buf_release(&out);
		fprintf(stderr, "hookbox-collector: rendering: out of memory\n");
		return 3;
	}
	fwrite(hb_buf_str(&out), 1, out.len, stdout);
	fflush(stdout);
	hb_buf_release(&out);
	return hb_logs_exit_code(red);
}

int hb_cmd_logs(const struct hb_collector_cli *cli)
{
	char err[512] = "", url[2048];
	struct curl_slist *hdrs = NULL;
	struct hb_buf b;
	int status = 3;
	CURL *curl = client_open(cli, "/logs", &hdrs, url, sizeof(url), &status);
	if (!curl)
		return status;
	/* JSON, rendered here: the text is made for this terminal. */
	size_t n = strlen(url);
	n += (size_t)snprintf(url + n, sizeof(url) - n, "?format=json");
	if (cli->revision > 0 && n < sizeof(url))
		n += (size_t)snprintf(url + n, sizeof(url) - n, "&revision=%lld",
				      (long long)cli->revision);
	char *ehook = cli->hook ? curl_easy_escape(curl, cli->hook, 0) : NULL;
	if (ehook && n < sizeof(url))
		snprintf(url + n, sizeof(url) - n, "&hook=%s", ehook);
	curl_free(ehook);
	hb_buf_init(&b, ANSWER_CAP);
	long code = fetch(curl, url, hdrs, cli->ca_file, &b, err, sizeof(err));
	if (code == 200) {
		cJSON *red = cJSON_ParseWithLength(hb_buf_str(&b), b.len);
		if (red)
			status = hb_logs_print(red, cli->output);
		else
			snprintf(err, sizeof(err), "GET %.400s: answer is not JSON", url);
		cJSON_Delete(red);
	} else if (code) {
		refusal(err, sizeof(err), code, &b);
		status = code >= 400 && code < 500 && code != 429 ? 2 : 3;
	}
	if (err[0])
		fprintf(stderr, "hookbox-collector: %s\n", err);
	hb_buf_release(&b);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(curl);
	return status;
}
