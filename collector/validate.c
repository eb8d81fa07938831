/* SPDX-License-Identifier: MIT */
/* Decoding and validating reports from the network and from files. */
#include "validate.h"

#include "pbjson.h"
#include "report_util.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
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

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
 * protobuf-c does not check proto3 strings, and the JSON and XML we render
 * must not carry broken text. */
static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		unsigned min;
		unsigned cp;
		if ((c & 0xE0) == 0xC0) {
			len = 2, min = 0x80, cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, min = 0x800, cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, min = 0x10000, cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

/* Walks every field through the generated descriptors, so that a field
 * added to the schema later is checked without anyone remembering to. */
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
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			count = *(const size_t *)((const char *)m + f->quantifier_offset);
			items = *(void *const *)base;
			size_t max = strcmp(f->name, "checks") == 0 ? HB_MAX_CHECKS
								  : HB_MAX_REPEATED;
			if (count > max)
				return invalid(err, errlen,
					       "%s%s%s: %zu entries, more than %zu",
					       path, *path ? "." : "", f->name,
					       count, max);
		}
		for (size_t k = 0; k < count; k++) {
			int n;
			if (f->label == PROTOBUF_C_LABEL_REPEATED)
				n = snprintf(path + pathlen, pathsize - pathlen,
					     "%s%s[%zu]", pathlen ? "." : "",
					     f->name, k);
			else
				n = snprintf(path + pathlen, pathsize - pathlen,
					     "%s%s", pathlen ? "." : "", f->name);
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
				else if (s && !utf8_valid((const unsigned char *)s, sl))
					rc = invalid(err, errlen,
						     "%s: not valid UTF-8", path);
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
	*out = r;
	return 0;
}
