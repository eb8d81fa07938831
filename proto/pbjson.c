/* SPDX-License-Identifier: MIT */
/* protobuf's canonical JSON mapping for any protobuf-c message: what both
 * ways share, and the encoder (the decoder: pbjson_decode.c). */
#include "pbjson.h"
#include "pbjson_int.h"

#include "strutil.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The size of one element of a repeated field, as protobuf-c lays it out. */
size_t pbjson_elt_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		return 4;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return 8;
	case PROTOBUF_C_TYPE_FLOAT:
		return sizeof(float);
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(ProtobufCMessage *);
	}
	return 0;
}

const char *pbjson_type_name(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32: return "int32";
	case PROTOBUF_C_TYPE_SINT32: return "sint32";
	case PROTOBUF_C_TYPE_SFIXED32: return "sfixed32";
	case PROTOBUF_C_TYPE_UINT32: return "uint32";
	case PROTOBUF_C_TYPE_FIXED32: return "fixed32";
	case PROTOBUF_C_TYPE_INT64: return "int64";
	case PROTOBUF_C_TYPE_SINT64: return "sint64";
	case PROTOBUF_C_TYPE_SFIXED64: return "sfixed64";
	case PROTOBUF_C_TYPE_UINT64: return "uint64";
	case PROTOBUF_C_TYPE_FIXED64: return "fixed64";
	case PROTOBUF_C_TYPE_FLOAT: return "float";
	case PROTOBUF_C_TYPE_DOUBLE: return "double";
	case PROTOBUF_C_TYPE_BOOL: return "bool";
	case PROTOBUF_C_TYPE_ENUM: return "enum";
	case PROTOBUF_C_TYPE_STRING: return "string";
	case PROTOBUF_C_TYPE_BYTES: return "bytes";
	case PROTOBUF_C_TYPE_MESSAGE: return "message";
	}
	return "unknown";
}

/* protoc's ToJsonName: drop each '_' and upper-case the letter after it. */
bool pbjson_json_name_eq(const char *name, const char *key)
{
	bool up = false;

	for (; *name; name++) {
		char c = *name;
		if (c == '_') {
			up = true;
			continue;
		}
		if (up && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		up = false;
		if (*key++ != c)
			return false;
	}
	return *key == '\0';
}

void hb_pbjson_name(const char *name, char *buf)
{
	bool up = false;

	for (; *name; name++) {
		char c = *name;
		if (c == '_') {
			up = true;
			continue;
		}
		if (up && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		up = false;
		*buf++ = c;
	}
	*buf = '\0';
}

/* ---- encoder ---- */

static bool is_zeroish(const ProtobufCFieldDescriptor *f, const void *member)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_BOOL:
		return *(const protobuf_c_boolean *)member == 0;
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		return *(const uint32_t *)member == 0;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return *(const uint64_t *)member == 0;
	case PROTOBUF_C_TYPE_FLOAT:
		return *(const float *)member == 0;
	case PROTOBUF_C_TYPE_DOUBLE:
		return *(const double *)member == 0;
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(const char *const *)member;
		return !s || !*s;
	}
	case PROTOBUF_C_TYPE_BYTES:
		return ((const ProtobufCBinaryData *)member)->len == 0;
	case PROTOBUF_C_TYPE_MESSAGE:
		return *(const void *const *)member == NULL;
	}
	return true;
}

/* Whether a field goes into the output: the same decision protobuf-c's
 * packer makes, so that JSON and binary carry the same fields. */
bool pbjson_field_present(const ProtobufCFieldDescriptor *f,
			  const ProtobufCMessage *m)
{
	const void *member = CMEMBER(char, m, f->offset);
	bool ptr_type = f->type == PROTOBUF_C_TYPE_STRING ||
			f->type == PROTOBUF_C_TYPE_MESSAGE;

	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		return *CMEMBER(size_t, m, f->quantifier_offset) > 0;
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		if (*CMEMBER(uint32_t, m, f->quantifier_offset) != f->id)
			return false;
		return !ptr_type || *(const void *const *)member != NULL;
	}
	switch (f->label) {
	case PROTOBUF_C_LABEL_REQUIRED:
		return !ptr_type || *(const void *const *)member != NULL;
	case PROTOBUF_C_LABEL_OPTIONAL:
		if (ptr_type) {
			const void *p = *(const void *const *)member;
			return p && p != f->default_value;
		}
		return *CMEMBER(protobuf_c_boolean, m, f->quantifier_offset);
	default:
		return !is_zeroish(f, member);
	}
}

static const char b64_std[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static cJSON *encode_bytes(const ProtobufCBinaryData *b)
{
	size_t n = b->len;
	char *out, *o;
	cJSON *j;

	if (n > (SIZE_MAX - 1) / 4 * 3 - 3)
		return NULL;
	out = malloc((n + 2) / 3 * 4 + 1);
	if (!out)
		return NULL;
	o = out;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)b->data[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)b->data[i + 1] << 8;
		if (i + 2 < n)
			v |= b->data[i + 2];
		*o++ = b64_std[v >> 18 & 63];
		*o++ = b64_std[v >> 12 & 63];
		*o++ = i + 1 < n ? b64_std[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? b64_std[v & 63] : '=';
	}
	*o = '\0';
	j = cJSON_CreateString(out);
	free(out);
	return j;
}

/* NaN and the infinities have no JSON number form; the mapping spells
 * them as strings. */
static cJSON *encode_special(double v)
{
	if (isnan(v))
		return cJSON_CreateString("NaN");
	return cJSON_CreateString(v > 0 ? "Infinity" : "-Infinity");
}

/* A float widened to double prints as 0.10000000149011612; the mapping
 * wants the shortest decimal that reads back as the same float. cJSON
 * prints doubles with 15 significant digits when that round-trips, so
 * handing it the double nearest that decimal makes it print the decimal. */
static double float_shortest(float f)
{
	char buf[32];

	for (int prec = 1; prec <= 9; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, (double)f);
		if (strtof(buf, NULL) == f)
			return strtod(buf, NULL);
	}
	return (double)f;
}

static cJSON *encode_message(const ProtobufCMessage *m, unsigned depth,
			     bool exact);

/* cJSON prints a double with 15 digits whenever those read back within an
 * epsilon, so 0.30000000000000004 comes out as 0.3. For text output the
 * few doubles that need 16 or 17 digits become raw nodes holding the
 * shortest exact form, and everything reads back bit for bit. */
static cJSON *encode_double(double v, bool exact)
{
	char buf[40];

	if (!exact)
		return cJSON_CreateNumber(v);
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) == v)
		return cJSON_CreateNumber(v);
	snprintf(buf, sizeof(buf), "%.16g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	/* Whatever the locale's decimal point, JSON's is '.'. */
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
	return cJSON_CreateRaw(buf);
}

static cJSON *encode_value(const ProtobufCFieldDescriptor *f, const void *p,
			   unsigned depth, bool exact)
{
	char num[32];

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return cJSON_CreateNumber(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return cJSON_CreateNumber(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		/* Strings, because JavaScript's numbers lose 64-bit values. */
		snprintf(num, sizeof(num), "%" PRId64, *(const int64_t *)p);
		return cJSON_CreateString(num);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		snprintf(num, sizeof(num), "%" PRIu64, *(const uint64_t *)p);
		return cJSON_CreateString(num);
	case PROTOBUF_C_TYPE_FLOAT: {
		float v = *(const float *)p;
		if (!isfinite(v))
			return encode_special(v);
		return cJSON_CreateNumber(float_shortest(v));
	}
	case PROTOBUF_C_TYPE_DOUBLE: {
		double v = *(const double *)p;
		if (!isfinite(v))
			return encode_special(v);
		return encode_double(v, exact);
	}
	case PROTOBUF_C_TYPE_BOOL:
		return cJSON_CreateBool(*(const protobuf_c_boolean *)p != 0);
	case PROTOBUF_C_TYPE_ENUM: {
		int32_t v = *(const int32_t *)p;
		const ProtobufCEnumValue *ev =
			protobuf_c_enum_descriptor_get_value(f->descriptor, v);
		/* A number the schema does not name (a newer peer's value)
		 * stays a number, as the mapping says. */
		return ev ? cJSON_CreateString(ev->name) : cJSON_CreateNumber(v);
	}
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(const char *const *)p;
		char *fixed;
		cJSON *j;
		if (!s)
			s = "";
		/* protobuf-c's unpacker does not check strings, and JSON
		 * text that is not UTF-8 would be rejected by the parser at
		 * the other end, so the encoder repairs rather than fails. */
		if (hb_utf8_valid(s, strlen(s)))
			return cJSON_CreateString(s);
		fixed = hb_utf8_repair(s, strlen(s));
		if (!fixed)
			return NULL;
		j = cJSON_CreateString(fixed);
		free(fixed);
		return j;
	}
	case PROTOBUF_C_TYPE_BYTES:
		return encode_bytes(p);
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)p;
		if (!sub)
			return cJSON_CreateObject();
		return encode_message(sub, depth + 1, exact);
	}
	}
	return NULL;
}

static cJSON *encode_field(const ProtobufCFieldDescriptor *f,
			   const ProtobufCMessage *m, unsigned depth, bool exact)
{
	const void *member = CMEMBER(char, m, f->offset);
	size_t n, es;
	const char *arr;
	cJSON *a;

	if (f->label != PROTOBUF_C_LABEL_REPEATED)
		return encode_value(f, member, depth, exact);
	n = *CMEMBER(size_t, m, f->quantifier_offset);
	arr = *(const char *const *)member;
	es = pbjson_elt_size(f->type);
	a = cJSON_CreateArray();
	for (size_t i = 0; a && i < n; i++) {
		cJSON *v = encode_value(f, arr + i * es, depth, exact);
		if (!v || !cJSON_AddItemToArray(a, v)) {
			cJSON_Delete(v);
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

static cJSON *encode_message(const ProtobufCMessage *m, unsigned depth,
			     bool exact)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	cJSON *o;

	if (depth > HB_PBJSON_MAX_ENCODE_DEPTH)
		return NULL;
	o = cJSON_CreateObject();
	if (!o)
		return NULL;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		char stack[128], *name = stack;
		size_t len = strlen(f->name);
		cJSON *v;
		bool ok;

		if (!pbjson_field_present(f, m))
			continue;
		if (len >= sizeof(stack) && !(name = malloc(len + 1)))
			goto fail;
		hb_pbjson_name(f->name, name);
		v = encode_field(f, m, depth, exact);
		/* cJSON copies the key, and on failure leaves v to us. */
		ok = v && cJSON_AddItemToObject(o, name, v);
		if (name != stack)
			free(name);
		if (!ok) {
			cJSON_Delete(v);
			goto fail;
		}
	}
	return o;
fail:
	cJSON_Delete(o);
	return NULL;
}

cJSON *hb_pbjson_encode(const ProtobufCMessage *msg)
{
	if (!msg || !msg->descriptor)
		return NULL;
	return encode_message(msg, 1, false);
}

char *hb_pbjson_print(const ProtobufCMessage *msg, bool pretty)
{
	cJSON *j;
	char *s;

	if (!msg || !msg->descriptor)
		return NULL;
	j = encode_message(msg, 1, true);
	if (!j)
		return NULL;
	s = pretty ? cJSON_Print(j) : cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return s;
}
