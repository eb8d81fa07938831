/* SPDX-License-Identifier: MIT */
/* A load generator for hookbox-collector: N concurrent senders posting
 * realistic reports (20 checks by default) over keep-alive connections,
 * then reports/s and latency percentiles. Also writes single reports to
 * files (--emit) for the integration suite.
 *
 *   hookbox-ingest-load --url http://127.0.0.1:8080 --senders 32 --reports 20000
 *   hookbox-ingest-load --emit r.pb --phase failed --hook web-test --revision 2
 */
#include "hookbox/v1/report.pb-c.h"
#include "osutil.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct opts {
	const char *url;
	const char *token;
	const char *acked;  /* file: one line per report id that got a 200 */
	const char *emit;
	const char *ns, *release, *hook, *phase, *id;
	int senders, reports, checks;
	long long revision;
	bool distinct_hooks; /* each report a hook of its own */
};

static struct opts o = { .ns = "bench", .release = "load", .phase = "succeeded",
			 .senders = 8, .reports = 1000, .checks = 20, .revision = 1 };
static atomic_int next_report;
static atomic_int errors;
static int acked_fd = -1;

struct sender {
	pthread_t t;
	int idx;
	double *lat_ms;
	int n_lat;
};

static int phase_value(const char *p)
{
	if (strcmp(p, "running") == 0)
		return HOOKBOX__V1__PHASE__PHASE_RUNNING;
	if (strcmp(p, "failed") == 0)
		return HOOKBOX__V1__PHASE__PHASE_FAILED;
	if (strcmp(p, "unknown") == 0)
		return HOOKBOX__V1__PHASE__PHASE_UNKNOWN;
	return HOOKBOX__V1__PHASE__PHASE_SUCCEEDED;
}

/* Packs one report; the strings are only borrowed for the call. */
static uint8_t *make_report(const char *id, const char *hook, int phase, int nchecks,
			    size_t *len)
{
	Hookbox__V1__Report r = HOOKBOX__V1__REPORT__INIT;
	Hookbox__V1__PodMeta pod = HOOKBOX__V1__POD_META__INIT;
	Hookbox__V1__SandboxInfo sb = HOOKBOX__V1__SANDBOX_INFO__INIT;
	char *events[] = { "test" };
	char started[32], finished[32];
	hb_rfc3339_now(started, sizeof(started));
	hb_rfc3339_now(finished, sizeof(finished));
	pod.namespace_ = (char *)o.ns;
	pod.release = (char *)o.release;
	pod.revision = o.revision;
	pod.hook_name = (char *)hook;
	pod.pod_name = (char *)hook;
	pod.hook_events = events;
	pod.n_hook_events = 1;
	sb.mode = "enforce";
	sb.seccomp = sb.no_new_privs = sb.rlimits = true;
	sb.landlock_abi = 3;
	r.report_id = (char *)id;
	r.agent_version = "0.1.0";
	r.pod = &pod;
	r.started_at = started;
	r.finished_at = phase == HOOKBOX__V1__PHASE__PHASE_RUNNING ? "" : finished;
	r.phase = phase;
	r.sandbox = &sb;
	r.hostname = (char *)hook;
	Hookbox__V1__CheckResult *cs = calloc((size_t)nchecks, sizeof(*cs));
	Hookbox__V1__CheckResult **cp = calloc((size_t)nchecks, sizeof(*cp));
	Hookbox__V1__Attempt *at = calloc((size_t)nchecks, sizeof(*at));
	Hookbox__V1__Attempt **ap = calloc((size_t)nchecks, sizeof(*ap));
	Hookbox__V1__Timing *tm = calloc((size_t)nchecks, sizeof(*tm));
	Hookbox__V1__Detail *dt = calloc((size_t)nchecks, sizeof(*dt));
	Hookbox__V1__Detail **dp = calloc((size_t)nchecks, sizeof(*dp));
	char (*names)[32] = calloc((size_t)nchecks, 32);
	char (*targets)[80] = calloc((size_t)nchecks, 80);
	if (!cs || !cp || !at || !ap || !tm || !dt || !dp || !names || !targets) {
		fprintf(stderr, "ingest_load: out of memory\n");
		exit(1);
	}
	for (int i = 0; i < nchecks; i++) {
		bool fail = phase == HOOKBOX__V1__PHASE__PHASE_FAILED && i == 0;
		hookbox__v1__check_result__init(&cs[i]);
		hookbox__v1__attempt__init(&at[i]);
		hookbox__v1__timing__init(&tm[i]);
		hookbox__v1__detail__init(&dt[i]);
		snprintf(names[i], 32, "check-%02d", i);
		snprintf(targets[i], 80, "http://svc-%02d.%s.svc.cluster.local:8080/healthz", i, o.ns);
		tm[i].dns_ms = 0.8;
		tm[i].connect_ms = 1.2;
		tm[i].first_byte_ms = 4.5;
		tm[i].total_ms = 5.1;
		dt[i].key = "status";
		dt[i].value = fail ? "503" : "200";
		dp[i] = &dt[i];
		at[i].number = 1;
		at[i].outcome = fail ? HOOKBOX__V1__OUTCOME__FAILED : HOOKBOX__V1__OUTCOME__PASSED;
		at[i].started_at = started;
		at[i].duration_ms = 5.1;
		at[i].timing = &tm[i];
		at[i].details = &dp[i];
		at[i].n_details = 1;
		ap[i] = &at[i];
		cs[i].name = names[i];
		cs[i].kind = "http";
		cs[i].target = targets[i];
		cs[i].outcome = at[i].outcome;
		cs[i].duration_ms = 5.1;
		cs[i].attempts = &ap[i];
		cs[i].n_attempts = 1;
		cs[i].details = &dp[i];
		cs[i].n_details = 1;
		if (fail) {
			cs[i].failure_class = HOOKBOX__V1__FAILURE_CLASS__HTTP_STATUS;
			cs[i].message = "answered 503, want 200";
			cs[i].hint = "the service answers but is not ready: check its readiness probe and logs";
			at[i].failure_class = cs[i].failure_class;
			at[i].message = cs[i].message;
		}
		cp[i] = &cs[i];
	}
	r.checks = cp;
	r.n_checks = (size_t)nchecks;
	*len = protobuf_c_message_get_packed_size(&r.base);
	uint8_t *buf = malloc(*len ? *len : 1);
	if (!buf) {
		fprintf(stderr, "ingest_load: out of memory\n");
		exit(1);
	}
	protobuf_c_message_pack(&r.base, buf);
	free(cs), free(cp), free(at), free(ap), free(tm), free(dt), free(dp);
	free(names), free(targets);
	return buf;
}

static size_t discard(char *p, size_t s, size_t n, void *a)
{
	return s * n;
}

static void *sender_main(void *arg)
{
	struct sender *s = arg;
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char hook[64], auth[512];
	snprintf(hook, sizeof(hook), "load-test-%d", s->idx);
	h = curl_slist_append(h, "Content-Type: application/x-protobuf");
	h = curl_slist_append(h, "Expect:");
	if (o.token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", o.token);
		h = curl_slist_append(h, auth);
	}
	char url[1024];
	snprintf(url, sizeof(url), "%s/v1/reports", o.url);
	s->lat_ms = calloc((size_t)o.reports + 1, sizeof(double));
	if (o.hook)
		snprintf(hook, sizeof(hook), "%s", o.hook);
	int k;
	while ((k = atomic_fetch_add(&next_report, 1)) < o.reports) {
		char id[40];
		size_t len;
		hb_uuid4(id, sizeof(id));
		/* A pod name per report: a revision with as many hooks. */
		if (o.distinct_hooks)
			snprintf(hook, sizeof(hook), "%s-%06d", o.hook ? o.hook : "load-test", k);
		uint8_t *body = make_report(id, hook, phase_value(o.phase), o.checks, &len);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		int64_t t0 = hb_mono_ns();
		CURLcode rc = curl_easy_perform(c);
		double ms = (double)(hb_mono_ns() - t0) / 1e6;
		long code = 0;
		if (rc == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (code == 200) {
			s->lat_ms[s->n_lat++] = ms;
			if (acked_fd >= 0) {
				char line[48];
				int n = snprintf(line, sizeof(line), "%s\n", id);
				/* O_APPEND and one write per line: lines from
				 * concurrent senders never interleave. */
				hb_write_all(acked_fd, line, (size_t)n);
			}
		} else {
			atomic_fetch_add(&errors, 1);
			usleep(20000); /* the collector is down: do not spin */
		}
		free(body);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static const char usage[] =
	"usage: hookbox-ingest-load --url URL [--senders N] [--reports N] [--checks N]\n"
	"           [--token T] [--acked FILE] [--namespace NS] [--release R]\n"
	"           [--revision N] [--phase succeeded|failed|running]\n"
	"           [--hook NAME] [--distinct-hooks]\n"
	"       hookbox-ingest-load --emit FILE [--id UUID] [--hook NAME] [--phase P]\n"
	"           [--namespace NS] [--release R] [--revision N] [--checks N]\n";

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (strcmp(a, name) == 0 && v && ++i)
		if (OPT("--url"))
			o.url = v;
		else if (OPT("--senders"))
			o.senders = atoi(v);
		else if (OPT("--reports"))
			o.reports = atoi(v);
		else if (OPT("--checks"))
			o.checks = atoi(v);
		else if (OPT("--token"))
			o.token = v;
		else if (OPT("--acked"))
			o.acked = v;
		else if (OPT("--emit"))
			o.emit = v;
		else if (OPT("--namespace"))
			o.ns = v;
		else if (OPT("--release"))
			o.release = v;
		else if (OPT("--revision"))
			o.revision = atoll(v);
		else if (OPT("--phase"))
			o.phase = v;
		else if (OPT("--hook"))
			o.hook = v;
		else if (OPT("--id"))
			o.id = v;
		else if (strcmp(a, "--distinct-hooks") == 0)
			o.distinct_hooks = true;
		else {
			fputs(usage, stderr);
			return 2;
		}
#undef OPT
	}
	if (o.checks < 0 || o.senders < 1 || o.reports < 0) {
		fputs(usage, stderr);
		return 2;
	}
	if (o.emit) {
		char id[40];
		size_t len;
		if (o.id)
			snprintf(id, sizeof(id), "%s", o.id);
		else
			hb_uuid4(id, sizeof(id));
		uint8_t *b = make_report(id, o.hook ? o.hook : "test-hook", phase_value(o.phase),
					 o.checks, &len);
		int rc = hb_write_file_atomic(o.emit, b, len);
		free(b);
		if (rc < 0) {
			fprintf(stderr, "ingest_load: writing \"%s\": %s\n", o.emit, strerror(-rc));
			return 1;
		}
		printf("%s\n", id);
		return 0;
	}
	if (!o.url) {
		fputs(usage, stderr);
		return 2;
	}
	if (o.acked) {
		acked_fd = open(o.acked, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (acked_fd < 0) {
			fprintf(stderr, "ingest_load: open \"%s\": %s\n", o.acked, strerror(errno));
			return 1;
		}
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct sender *s = calloc((size_t)o.senders, sizeof(*s));
	int64_t t0 = hb_mono_ns();
	for (int i = 0; i < o.senders; i++) {
		s[i].idx = i;
		pthread_create(&s[i].t, NULL, sender_main, &s[i]);
	}
	int total = 0;
	for (int i = 0; i < o.senders; i++) {
		pthread_join(s[i].t, NULL);
		total += s[i].n_lat;
	}
	double secs = (double)(hb_mono_ns() - t0) / 1e9;
	double *all = calloc((size_t)total + 1, sizeof(double));
	int k = 0;
	for (int i = 0; i < o.senders; i++) {
		memcpy(all + k, s[i].lat_ms, (size_t)s[i].n_lat * sizeof(double));
		k += s[i].n_lat;
		free(s[i].lat_ms);
	}
	qsort(all, (size_t)total, sizeof(double), cmp_double);
	double p50 = total ? all[(size_t)(total * 0.50)] : 0;
	double p99 = total ? all[(size_t)(total * 0.99) < (size_t)total ? (size_t)(total * 0.99)
								     : (size_t)total - 1]
			   : 0;
	printf("senders=%d ok=%d errors=%d seconds=%.2f reports_per_s=%.0f p50_ms=%.2f "
	       "p99_ms=%.2f\n",
	       o.senders, total, atomic_load(&errors), secs, total / secs, p50, p99);
	free(all);
	free(s);
	if (acked_fd >= 0)
		close(acked_fd);
	curl_global_cleanup();
	return 0;
}
