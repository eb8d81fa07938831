/* SPDX-License-Identifier: MIT */
/* Filling an attempt, and carrying it from the check child to the agent as a
 * hookbox.v1.Attempt protobuf. */
#include "driver.h"

#include "strutil.h"
#include "hookbox/v1/report.pb-c.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hb_attempt_init(struct hb_attempt *a)
{
	memset(a, 0, sizeof(*a));
}

void hb_attempt_pass(struct hb_attempt *a)
{
	a->outcome = HB_PASSED;
	a->failure_class = HB_CLASS_NONE;
}

void hb_attempt_fail(struct hb_attempt *a, enum hb_class cls, const char *fmt,
		     ...)
{
	/* Larger than the message: hb_oneline, not vsnprintf, does the cut,
	 * and never in the middle of a UTF-8 character. */
	char raw[2 * HB_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	a->outcome = cls == HB_CLASS_INTERNAL ? HB_ERROR : HB_FAILED;
	a->failure_class = cls;
	hb_oneline(a->message, sizeof(a->message), raw);
}

void hb_attempt_detail(struct hb_attempt *a, const char *key, const char *fmt,
		       ...)
{
	struct hb_detail *d = NULL;
	for (size_t i = 0; i < a->n_details; i++)
		if (strcmp(a->details[i].key, key) == 0)
			d = &a->details[i];
	if (!d) {
		if (a->n_details >= HB_MAX_DETAILS)
			return;
		d = &a->details[a->n_details++];
		hb_strlcpy(d->key, key, sizeof(d->key));
	}
	char raw[2 * sizeof(d->value)]; /* as in hb_attempt_fail */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	hb_oneline(d->value, sizeof(d->value), raw);
}

const char *hb_attempt_get_detail(const struct hb_attempt *a, const char *key)
{
	for (size_t i = 0; i < a->n_details; i++)
		if (strcmp(a->details[i].key, key) == 0)
			return a->details[i].value;
	return NULL;
}

const char *hb_attempt_hint(const struct hb_attempt *a)
{
	if (a->outcome == HB_PASSED)
		return "";
	/* A refusal the server itself answered (an SQLSTATE, a Redis error
	 * reply) is no closed port: the server is up and takes no session. */
	if (a->failure_class == HB_CLASS_CONNECTION_REFUSED &&
	    (hb_attempt_get_detail(a, "sqlstate") ||
	     hb_attempt_get_detail(a, "error")))
		return hb_not_ready_hint();
	const char *code = hb_attempt_get_detail(a, "status_code");
	if (a->failure_class == HB_CLASS_HTTP_STATUS && code) {
		char *end;
		long status = strtol(code, &end, 10);
		const char *hint = *end ? NULL : hb_http_status_hint(status);
		if (hint)
			return hint;
	}
	const char *grpc = hb_attempt_get_detail(a, "grpc_status");
	if (a->failure_class == HB_CLASS_GRPC_STATUS && grpc &&
	    hb_grpc_status_hint(grpc))
		return hb_grpc_status_hint(grpc);
	return hb_class_hint(a->failure_class);
}

/* Packing uses only stack storage: a filtered child may not be able to grow
 * its heap, and a message this small needs none. */
size_t hb_attempt_pack(const struct hb_attempt *a, uint8_t *buf, size_t size)
{
	Hookbox__V1__Attempt m = HOOKBOX__V1__ATTEMPT__INIT;
	Hookbox__V1__Timing t = HOOKBOX__V1__TIMING__INIT;
	Hookbox__V1__Detail d[HB_MAX_DETAILS];
	Hookbox__V1__Detail *dp[HB_MAX_DETAILS];

	m.number = a->number;
	m.outcome = (Hookbox__V1__Outcome)a->outcome;
	m.failure_class = (Hookbox__V1__FailureClass)a->failure_class;
	m.message = (char *)a->message;
	m.started_at = (char *)a->started_at;
	m.duration_ms = a->duration_ms;
	t.dns_ms = a->timing.dns_ms;
	t.connect_ms = a->timing.connect_ms;
	t.tls_ms = a->timing.tls_ms;
	t.first_byte_ms = a->timing.first_byte_ms;
	t.total_ms = a->timing.total_ms;
	t.auth_ms = a->timing.auth_ms;
	t.query_ms = a->timing.query_ms;
	m.timing = &t;
	for (size_t i = 0; i < a->n_details && i < HB_MAX_DETAILS; i++) {
		hookbox__v1__detail__init(&d[i]);
		d[i].key = (char *)a->details[i].key;
		d[i].value = (char *)a->details[i].value;
		dp[i] = &d[i];
	}
	m.n_details = a->n_details;
	m.details = dp;
	size_t need = hookbox__v1__attempt__get_packed_size(&m);
	if (need > size)
		return 0;
	return hookbox__v1__attempt__pack(&m, buf);
}

int hb_attempt_unpack(const uint8_t *buf, size_t len, struct hb_attempt *a)
{
	Hookbox__V1__Attempt *m = hookbox__v1__attempt__unpack(NULL, len, buf);
	if (!m)
		return -EINVAL;
	hb_attempt_init(a);
	a->number = m->number;
	a->outcome = m->outcome;
	a->failure_class = m->failure_class;
	if (!hb_class_defined(a->failure_class))
		a->failure_class = HB_CLASS_INTERNAL;
	if (a->outcome < HB_OUTCOME_UNSPECIFIED || a->outcome > HB_CANCELLED)
		a->outcome = HB_ERROR;
	hb_oneline(a->message, sizeof(a->message), m->message);
	hb_oneline(a->started_at, sizeof(a->started_at), m->started_at);
	a->duration_ms = m->duration_ms;
	if (m->timing) {
		a->timing.dns_ms = m->timing->dns_ms;
		a->timing.connect_ms = m->timing->connect_ms;
		a->timing.tls_ms = m->timing->tls_ms;
		a->timing.first_byte_ms = m->timing->first_byte_ms;
		a->timing.total_ms = m->timing->total_ms;
		a->timing.auth_ms = m->timing->auth_ms;
		a->timing.query_ms = m->timing->query_ms;
	}
	for (size_t i = 0; i < m->n_details && a->n_details < HB_MAX_DETAILS;
	     i++)
		hb_attempt_detail(a, m->details[i]->key, "%s",
				  m->details[i]->value);
	hookbox__v1__attempt__free_unpacked(m, NULL);
	return 0;
}
