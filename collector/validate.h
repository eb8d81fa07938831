/* SPDX-License-Identifier: MIT */
/* Turning untrusted bytes into a hookbox.v1.Report that is safe to store and
 * reduce. Pure: fed bytes, never touches a socket or a file.
 *
 *   Hookbox__V1__Report *r;
 *   if (hb_report_decode(buf, len, HB_FORMAT_PROTOBUF, &r, err, sizeof(err)) < 0)
 *           -> 400 with err as the reason
 *   protobuf_c_message_free_unpacked(&r->base, NULL);
 */
#ifndef HB_VALIDATE_H
#define HB_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "hookbox/v1/report.pb-c.h"

/* Limits on what one report may hold; anything beyond is refused rather
 * than stored, because one absurd report would slow every reduction of its
 * release. */
#define HB_MAX_CHECKS 10000
#define HB_MAX_REPEATED 10000 /* attempts, details, argv, events */
#define HB_MAX_STRING (64 * 1024)
#define HB_MAX_NAME 253       /* a Kubernetes object name */
#define HB_MAX_MS 1e12        /* a duration: about 31 years */

enum hb_format { HB_FORMAT_PROTOBUF, HB_FORMAT_JSON };

/* Decodes and validates. Returns 0 with *out set (the caller frees it with
 * protobuf_c_message_free_unpacked), or -EINVAL with err saying why
 * ("checks[3].message: longer than 65536 bytes"), or -ENOMEM. */
int hb_report_decode(const uint8_t *buf, size_t len, enum hb_format fmt,
		     Hookbox__V1__Report **out, char *err, size_t errlen);
/* The checks alone, for a report built in memory. Returns 0 or -EINVAL. */
int hb_report_validate(const Hookbox__V1__Report *r, char *err, size_t errlen);
/* Guesses the format of a report file: JSON when it starts with '{'. */
enum hb_format hb_format_sniff(const uint8_t *buf, size_t len);
/* A revision asked for (?revision=, --revision): decimal digits, 0 (the
 * newest) to HB_MAX_REVISION. Returns 0 or -EINVAL. */
int hb_revision_parse(const char *s, int64_t *out);
/* Whether s is a UUID in its 8-4-4-4-12 hex form. */
int hb_is_uuid(const char *s);
/* Lower-cases a UUID in place: ids that differ in letter case are one. */
void hb_uuid_normalize(char *s);

#endif
