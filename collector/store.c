/* SPDX-License-Identifier: MIT */
/* The store front: backend choice by URL scheme and the group-commit writer. */
#include "store.h"

#include "strutil.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pending {
	struct hb_store_item *item;
	struct pending *next;
	int rc;
	bool done;
	char err[256];
};

struct hb_store {
	const struct hb_store_backend *be;
	void *db;
	pthread_t writer;
	bool writer_started;
	pthread_mutex_t mu;
	pthread_cond_t work; /* the writer waits for requests */
	pthread_cond_t done; /* requests wait for their commit */
	struct pending *head, **tail;
	bool stopping;
};

static void *writer_main(void *arg)
{
	struct hb_store *s = arg;
	struct pending *batch[HB_STORE_BATCH];
	struct hb_store_item *items[HB_STORE_BATCH];
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->head && !s->stopping)
			pthread_cond_wait(&s->work, &s->mu);
		if (!s->head && s->stopping)
			break;
		size_t n = 0;
		while (s->head && n < HB_STORE_BATCH) {
			batch[n] = s->head;
			items[n] = s->head->item;
			n++;
			s->head = s->head->next;
		}
		if (!s->head)
			s->tail = &s->head;
		pthread_mutex_unlock(&s->mu);

		char err[256] = "";
		int rc = s->be->put_batch(s->db, items, n, err, sizeof(err));

		pthread_mutex_lock(&s->mu);
		for (size_t i = 0; i < n; i++) {
			batch[i]->rc = rc;
			if (rc < 0)
				hb_strlcpy(batch[i]->err, err, sizeof(batch[i]->err));
			batch[i]->done = true;
		}
		pthread_cond_broadcast(&s->done);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct hb_store *hb_store_new(const char *url, char *err, size_t errlen)
{
	static const struct hb_store_backend *const backends[] = { &hb_store_sqlite,
								   &hb_store_pg };
	const struct hb_store_backend *be = NULL;
	const char *target = url;
	for (size_t i = 0; i < HB_ARRAY_SIZE(backends); i++) {
		if (hb_str_prefix(url, backends[i]->scheme)) {
			be = backends[i];
			break;
		}
	}
	if (hb_str_prefix(url, "postgresql://"))
		be = &hb_store_pg;
	if (!be) {
		snprintf(err, errlen,
			 "store \"%s\": unknown kind (want sqlite:PATH or postgres://...)",
			 url);
		return NULL;
	}
	if (be == &hb_store_sqlite)
		target = url + strlen(be->scheme);
	struct hb_store *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "store: out of memory");
		return NULL;
	}
	s->be = be;
	s->tail = &s->head;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_cond_init(&s->done, NULL);
	s->db = be->open(target, err, errlen);
	if (!s->db) {
		hb_store_free(s);
		return NULL;
	}
	int rc = pthread_create(&s->writer, NULL, writer_main, s);
	if (rc != 0) {
		snprintf(err, errlen, "pthread_create(store writer): %s", strerror(rc));
		hb_store_free(s);
		return NULL;
	}
	s->writer_started = true;
	return s;
}

void hb_store_free(struct hb_store *s)
{
	if (!s)
		return;
	if (s->writer_started) {
		pthread_mutex_lock(&s->mu);
		s->stopping = true;
		pthread_cond_signal(&s->work);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->writer, NULL);
	}
	if (s->db)
		s->be->close(s->db);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->work);
	pthread_cond_destroy(&s->done);
	free(s);
}

int hb_store_put(struct hb_store *s, struct hb_store_item *it, char *err,
		 size_t errlen)
{
	struct pending p = { .item = it };
	pthread_mutex_lock(&s->mu);
	if (s->stopping) {
		pthread_mutex_unlock(&s->mu);
		snprintf(err, errlen, "store: shutting down");
		return -ESHUTDOWN;
	}
	*s->tail = &p;
	s->tail = &p.next;
	pthread_cond_signal(&s->work);
	while (!p.done)
		pthread_cond_wait(&s->done, &s->mu);
	pthread_mutex_unlock(&s->mu);
	if (p.rc < 0)
		hb_strlcpy(err, p.err, errlen);
	return p.rc;
}

int hb_store_get(struct hb_store *s, const char *report_id, struct hb_buf *out,
		 char *err, size_t errlen)
{
	return s->be->get(s->db, report_id, out, err, errlen);
}

int hb_store_latest(struct hb_store *s, const char *ns, const char *release,
		    int64_t revision, size_t max, struct hb_store_listing *listing,
		    hb_store_row_fn fn, void *arg, char *err, size_t errlen)
{
	memset(listing, 0, sizeof(*listing));
	return s->be->latest(s->db, ns, release, revision, max ? max : 1, listing, fn, arg,
			     err, errlen);
}

int hb_store_releases(struct hb_store *s, const char *ns, size_t limit, bool *more,
		      hb_store_release_fn fn, void *arg, char *err, size_t errlen)
{
	*more = false;
	return s->be->releases(s->db, ns, limit, more, fn, arg, err, errlen);
}
