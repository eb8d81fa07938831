/* SPDX-License-Identifier: MIT */
/* Sending a report to a hookbox-collector (kinds/deliver.h): libcurl, a
 * bounded time budget, exponential backoff with full jitter. Lives in the
 * HTTP module so that only runs with a collector load libcurl. */
#include "deliver.h"

#include "curl_notls.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* The first pause and the longest: 100 ms doubling up to 5 s. */
#define BACKOFF_BASE_MS 100
#define BACKOFF_CAP_MS 5000
/* What of an error answer is quoted ("collector answered 400: ..."). */
#define ANSWER_MAX 256

/* Looked up with dlsym(HB_DELIVER_SYMBOL); the prototype checks that the
 * definition matches hb_deliver_fn. */
int hb_deliver_report(const struct hb_deliver_opts *o, const uint8_t *report,
		      size_t len, char *err, size_t errlen);
static const hb_deliver_fn hb_deliver_check_ __attribute__((unused)) = hb_deliver_report;

struct answer {
	char text[ANSWER_MAX];
	size_t len;
};

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;
	size_t got = size * n;
	size_t room = sizeof(a->text) - 1 - a->len;
	size_t take = got < room ? got : room;
	memcpy(a->text + a->len, p, take);
	a->len += take;
	a->text[a->len] = '\0';
	return got; /* the rest is read and dropped */
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0)
		;
}

/* Full jitter (a random pause between 0 and the exponential bound), so that
 * the agents of a large release that lost the collector together do not
 * come back together. */
static int64_t backoff_ms(int attempt)
{
	int64_t bound = BACKOFF_BASE_MS;
	for (int i = 1; i < attempt && bound < BACKOFF_CAP_MS; i++)
		bound *= 2;
	if (bound > BACKOFF_CAP_MS)
		bound = BACKOFF_CAP_MS;
	uint32_t r = 0;
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (uint32_t)now_ms() * 2654435761u;
	return (int64_t)(r % (uint32_t)(bound + 1));
}

static void oneline(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20)
			*s = ' ';
}

int hb_deliver_report(const struct hb_deliver_opts *o, const uint8_t *report,
		      size_t len, char *err, size_t errlen)
{
	char url[2048], auth[4200], cerr[CURL_ERROR_SIZE];
	struct curl_slist *hdrs = NULL;
	int64_t deadline = now_ms() + (o->budget_ms > 0 ? o->budget_ms : 0);
	int rc = -1;
	size_t blen = strlen(o->url);
	while (blen && o->url[blen - 1] == '/')
		blen--;
	if (snprintf(url, sizeof(url), "%.*s/v1/reports", (int)blen, o->url) >= (int)sizeof(url)) {
		snprintf(err, errlen, "collector URL too long");
		return -1;
	}
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	hdrs = curl_slist_append(hdrs, "Content-Type: application/x-protobuf");
	hdrs = curl_slist_append(hdrs, "Expect:"); /* no 100-continue round trip */
	if (o->token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", o->token);
		hdrs = curl_slist_append(hdrs, auth);
		memset(auth, 0, sizeof(auth));
	}
	for (int attempt = 1;; attempt++) {
		struct answer a = { .len = 0 };
		int64_t left = deadline - now_ms();
		long code = 0;
		cerr[0] = '\0';
		curl_easy_reset(c);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)report);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, HB_CURL_PROTOCOLS);
		/* Every attempt gets at least a second, even at the end of the
		 * budget: a report is worth one more honest try. */
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(left > 1000 ? left : 1000));
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(left > 1000 ? left : 1000));
		/* As a check's: SSL_CERT_FILE when not told (http.c). */
		const char *ca = o->ca_file ? o->ca_file : getenv("SSL_CERT_FILE");
		if (ca && *ca)
			curl_easy_setopt(c, CURLOPT_CAINFO, ca);
		CURLcode cc = curl_easy_perform(c);
		bool retry;
		if (cc != CURLE_OK) {
			snprintf(err, errlen, "POST %s: %s", url, cerr[0] ? cerr : curl_easy_strerror(cc));
			/* A bad certificate or URL will not improve by waiting. */
			retry = cc != CURLE_UNSUPPORTED_PROTOCOL && cc != CURLE_URL_MALFORMAT &&
				cc != CURLE_PEER_FAILED_VERIFICATION &&
				cc != CURLE_SSL_CACERT_BADFILE;
		} else {
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
			if (code == 200) {
				rc = 0;
				break;
			}
			oneline(a.text);
			size_t n = strlen(a.text);
			while (n && a.text[n - 1] == ' ')
				a.text[--n] = '\0';
			snprintf(err, errlen, "collector answered %ld: %s", code,
				 n ? a.text : "(no reason given)");
			retry = code >= 500 || code == 429 || code < 200;
		}
		if (!retry)
			break;
		int64_t pause = backoff_ms(attempt);
		if (now_ms() + pause >= deadline)
			break;
		sleep_ms(pause);
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return rc;
}
