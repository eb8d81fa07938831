/* SPDX-License-Identifier: MIT */
/* Decoding and validating reports from the network and from files. */
#include "validate.h"

#include "pbjson.h"
#include "report_util.h"
#include "route.h"
#include "strutil.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int invalid(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int invalid(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int hb_is_uuid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	if (!s || strlen(s) != sizeof(shape) - 1)
		return 0;
	for (size_t i = 0; shape[i]; i++) {
		if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

void hb_uuid_normalize(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Strict UTF-8 (hb_utf8_next): protobuf-c does not check proto3 strings,
 * and the JSON and XML we render must not carry broken text. */
static bool utf8_valid(const char *s, size_t n)
{
	uint32_t cp;
	for (size_t i = 0, k; i < n; i += k) {
		k = hb_utf8_next(s + i, n - i, &cp);
		if (!k)
			return false;
	}
	return true;
}

/* RFC 3339 in UTC, as the schema says timestamps are written
 * ("2026-11-25T22:15:03.123Z", the fraction optional). A report's start
 * becomes JUnit's timestamp attribute and the reduction compares starts as
 * text, so a string of another shape, or another zone, is refused rather
 * than stored. */
static bool timestamp_valid(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	int v[6] = { 0 }, k = 0;
	for (size_t i = 0; shape[i]; i++) {
		if (shape[i] == 'd') {
			if (s[i] < '0' || s[i] > '9')
				return false;
			v[k] = v[k] * 10 + (s[i] - '0');
		} else if (s[i] != shape[i]) {
			return false;
		} else {
			k++;
		}
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 ||
	    v[5] > 60)
		return false;
	s += sizeof(shape) - 1;
	if (*s == '.') {
		size_t n = strspn(++s, "0123456789");
		if (n == 0 || n > 9)
			return false;
		s += n;
	}
	return strcmp(s, "Z") == 0;
}

static bool is_timestamp_field(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && strcmp(name + n - 3, "_at") == 0;
}

/* Every double of the schema is a duration in milliseconds: NaN, the
 * infinities and negative values have no JUnit time (an xs:decimal of at
 * least 0) and no meaning, and a bound keeps sums finite. */
static int check_ms(double v, const char *path, char *err, size_t errlen)
{
	if (!isfinite(v))
		return invalid(err, errlen, "%s: not a finite number", path);
	if (v < 0)
		return invalid(err, errlen, "%s: negative (%g)", path, v);
	if (v > HB_MAX_MS)
		return invalid(err, errlen, "%s: %g ms is more than %g", path, v,
			       (double)HB_MAX_MS);
	return 0;
}

/* Walks every field through the generated descriptors, so that a field
 * added to the schema later is checked without anyone remembering to.
 * Paths use the JSON names ("checks[2].durationMs"), as the JSON parser's
 * errors do. */
static int walk(const ProtobufCMessage *m, char *path, size_t pathlen,
		size_t pathsize, int depth, char *err, size_t errlen)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	if (depth > 8)
		return invalid(err, errlen, "%s: nested too deeply", path);
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *base = (const char *)m + f->offset;
		size_t count = 1;
		const void *items = base;
		char name[64];
		if (strlen(f->name) >= sizeof(name))
			return invalid(err, errlen, "%s: field name too long", path);
		hb_pbjson_name(f->name, name);
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			count = *(const size_t *)((const char *)m + f->quantifier_offset);
			items = *(void *const *)base;
			size_t max = strcmp(f->name, "checks") == 0 ? HB_MAX_CHECKS
								  : HB_MAX_REPEATED;
			if (count > max)
				return invalid(err, errlen,
					       "%s%s%s: %zu entries, more than %zu",
					       path, *path ? "." : "", name,
					       count, max);
		}
		for (size_t k = 0; k < count; k++) {
			int n;
			if (f->label == PROTOBUF_C_LABEL_REPEATED)
				n = snprintf(path + pathlen, pathsize - pathlen,
					     "%s%s[%zu]", pathlen ? "." : "",
					     name, k);
			else
				n = snprintf(path + pathlen, pathsize - pathlen,
					     "%s%s", pathlen ? "." : "", name);
			size_t plen = pathlen + (n > 0 ? (size_t)n : 0);
			if (plen >= pathsize)
				plen = pathsize - 1;
			int rc = 0;
			if (f->type == PROTOBUF_C_TYPE_STRING) {
				const char *s = f->label == PROTOBUF_C_LABEL_REPEATED
							? ((char *const *)items)[k]
							: *(char *const *)base;
				size_t sl = s ? strlen(s) : 0;
				if (sl > HB_MAX_STRING)
					rc = invalid(err, errlen,
						     "%s: longer than %d bytes",
						     path, HB_MAX_STRING);
				else if (s && !utf8_valid(s, sl))
					rc = invalid(err, errlen,
						     "%s: not valid UTF-8", path);
				else if (sl && is_timestamp_field(f->name) &&
					 !timestamp_valid(s))
					rc = invalid(err, errlen,
						     "%s: not an RFC 3339 time in UTC "
						     "(want 2026-11-25T22:15:03.123Z)",
						     path);
			} else if (f->type == PROTOBUF_C_TYPE_DOUBLE) {
				double v = f->label == PROTOBUF_C_LABEL_REPEATED
						   ? ((const double *)items)[k]
						   : *(const double *)base;
				rc = check_ms(v, path, err, errlen);
			} else if (f->type == PROTOBUF_C_TYPE_FLOAT) {
				float v = f->label == PROTOBUF_C_LABEL_REPEATED
						  ? ((const float *)items)[k]
						  : *(const float *)base;
				rc = check_ms(v, path, err, errlen);
			} else if (f->type == PROTOBUF_C_TYPE_ENUM) {
				int v = f->label == PROTOBUF_C_LABEL_REPEATED
						? ((const int *)items)[k]
						: *(const int *)base;
				if (!protobuf_c_enum_descriptor_get_value(
					    f->descriptor, v))
					rc = invalid(err, errlen,
						     "%s: unknown enum value %d",
						     path, v);
			} else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
				const ProtobufCMessage *sub =
					f->label == PROTOBUF_C_LABEL_REPEATED
						? ((ProtobufCMessage *const *)items)[k]
						: *(ProtobufCMessage *const *)base;
				if (sub)
					rc = walk(sub, path, plen, pathsize,
						  depth + 1, err, errlen);
			}
			path[pathlen] = '\0';
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Hook and pod names are shown in text, JUnit and JSON: no control
 * characters (C0, DEL, C1), whatever else a name holds. */
static bool printable_name(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return false;
	}
	return true;
}

int hb_report_validate(const Hookbox__V1__Report *r, char *err, size_t errlen)
{
	char path[256] = "";
	if (!r->report_id || !*r->report_id)
		return invalid(err, errlen, "reportId: missing");
	if (!hb_is_uuid(r->report_id))
		return invalid(err, errlen, "reportId: not a UUID");
	int rc = walk(&r->base, path, 0, sizeof(path), 0, err, errlen);
	if (rc < 0)
		return rc;
	/* The reduction keys hooks by release and name: a report without
	 * them could never be found again. */
	if (!r->pod)
		return invalid(err, errlen, "pod: missing (namespace and release are required)");
	if (!*r->pod->namespace_)
		return invalid(err, errlen, "pod.namespace: missing");
	if (!*r->pod->release)
		return invalid(err, errlen, "pod.release: missing");
	if (!*r->pod->hook_name && !*r->pod->pod_name)
		return invalid(err, errlen, "pod: neither hookName nor podName is set");
	if (strlen(r->pod->namespace_) > HB_MAX_NAME ||
	    strlen(r->pod->release) > HB_MAX_NAME ||
	    strlen(r->pod->hook_name) > HB_MAX_NAME ||
	    strlen(r->pod->pod_name) > HB_MAX_NAME)
		return invalid(err, errlen, "pod: a name is longer than %d bytes",
			       HB_MAX_NAME);
	/* The names GET /v1/releases accepts: a report under any other name
	 * could never be read back, and the names end up in JSON, metrics
	 * labels and text. */
	if (!hb_valid_namespace(r->pod->namespace_))
		return invalid(err, errlen,
			       "pod.namespace: not a Kubernetes namespace name "
			       "(lower-case letters, digits and '-', at most %d)",
			       HB_NAMESPACE_MAX);
	if (!hb_valid_release(r->pod->release))
		return invalid(err, errlen,
			       "pod.release: not a Helm release name (lower-case "
			       "letters, digits, '-' and '.', at most %d)",
			       HB_RELEASE_MAX);
	if (!printable_name(r->pod->hook_name) || !printable_name(r->pod->pod_name))
		return invalid(err, errlen, "pod: hookName or podName holds a control character");
	if (r->pod->revision < 0 || r->pod->revision > HB_MAX_REVISION)
		return invalid(err, errlen,
			       "pod.revision: %" PRId64 " is out of range (Helm's revisions "
			       "are 1 to %d)", r->pod->revision, HB_MAX_REVISION);
	return 0;
}

int hb_revision_parse(const char *s, int64_t *out)
{
	int64_t v = 0;
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (*s - '0');
		if (v > HB_MAX_REVISION)
			return -EINVAL;
	}
	*out = v;
	return 0;
}

enum hb_format hb_format_sniff(const uint8_t *buf, size_t len)
{
	size_t i = 0;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
			   buf[i] == '\r'))
		i++;
	return i < len && buf[i] == '{' ? HB_FORMAT_JSON : HB_FORMAT_PROTOBUF;
}

int hb_report_decode(const uint8_t *buf, size_t len, enum hb_format fmt,
		     Hookbox__V1__Report **out, char *err, size_t errlen)
{
	ProtobufCMessage *m;
	char perr[200] = "";
	*out = NULL;
	if (len == 0)
		return invalid(err, errlen, "empty body");
	if (fmt == HB_FORMAT_JSON) {
		m = hb_pbjson_parse(&hookbox__v1__report__descriptor,
				    (const char *)buf, len, perr, sizeof(perr));
		if (!m)
			return invalid(err, errlen, "not a hookbox.v1.Report in JSON: %s",
				       perr[0] ? perr : "parse error");
	} else {
		m = protobuf_c_message_unpack(&hookbox__v1__report__descriptor,
					      NULL, len, buf);
		if (!m)
			return invalid(err, errlen,
				       "not a hookbox.v1.Report protobuf (truncated or malformed)");
	}
	Hookbox__V1__Report *r = (Hookbox__V1__Report *)m;
	int rc = hb_report_validate(r, err, errlen);
	if (rc < 0) {
		protobuf_c_message_free_unpacked(m, NULL);
		return rc;
	}
	/* One report whatever case its id is spelled in: stored, replaced
	 * and looked up in lower case. */
	hb_uuid_normalize(r->report_id);
	*out = r;
	return 0;
}
