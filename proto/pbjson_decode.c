/* SPDX-License-Identifier: MIT */
/* protobuf's canonical JSON mapping, the decoding way: JSON text, checked
 * strictly as the collector takes it from anyone, into a protobuf-c
 * message. */
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

/* ---- lexical pre-scan of the text ---- */

/* Where each number token sits in the text. cJSON keeps only a double, which
 * cannot hold every int64 (9223372036854775807 would read as 2^63 and be
 * rejected, 9007199254740993 would silently become ...992), so the decoder
 * parses integers from the original digits. */
struct hb_numtok {
	size_t off, len;
};

struct hb_scan {
	struct hb_numtok *tok;
	size_t n, alloc;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 4, 5))) static int
scan_fail(struct hb_scan *sc, const char *text, size_t off, const char *fmt, ...)
{
	size_t line = 1, col = 1;
	char msg[160];
	va_list ap;

	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sc->err && sc->errlen)
		snprintf(sc->err, sc->errlen, "line %zu, column %zu: %s", line,
			 col, msg);
	return -EINVAL;
}

/* Checks RFC 8259's number grammar, which is stricter than cJSON's
 * (no leading zeros, digits on both sides of the point). */
static bool number_syntax_ok(const char *s, size_t n)
{
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i >= n || s[i] < '0' || s[i] > '9')
		return false;
	if (s[i] == '0')
		i++;
	else
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return false;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return false;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* Everything cJSON lets through that we must not: nesting deeper than the
 * cap (checked before cJSON recurses), control characters and "\u0000" in
 * strings (a NUL would silently cut a C string short), loose numbers.
 * Records where the numbers are. Grammar errors are left to cJSON. */
static int prescan(struct hb_scan *sc, const char *s, size_t len)
{
	int depth = 0;
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"') {
			size_t start = i++;
			for (;;) {
				if (i >= len)
					return scan_fail(sc, s, start,
							 "unterminated string");
				c = (unsigned char)s[i];
				if (c == '"')
					break;
				if (c < 0x20)
					return scan_fail(sc, s, i,
							 "control character in string");
				if (c != '\\') {
					i++;
					continue;
				}
				if (i + 1 >= len)
					return scan_fail(sc, s, start,
							 "unterminated string");
				c = (unsigned char)s[i + 1];
				if (c == 'u') {
					if (len - i < 6 || !is_hex(s[i + 2]) ||
					    !is_hex(s[i + 3]) || !is_hex(s[i + 4]) ||
					    !is_hex(s[i + 5]))
						return scan_fail(sc, s, i,
								 "invalid \\u escape in string");
					if (memcmp(s + i + 2, "0000", 4) == 0)
						return scan_fail(sc, s, i,
								 "\\u0000 in string is not supported");
					i += 6;
				} else if (c && strchr("\"\\/bfnrt", c)) {
					i += 2;
				} else {
					return scan_fail(sc, s, i,
							 "invalid escape in string");
				}
			}
			i++;
			continue;
		}
		if (c == '{' || c == '[') {
			if (++depth > HB_PBJSON_MAX_DEPTH)
				return scan_fail(sc, s, i,
						 "nested deeper than %d levels",
						 HB_PBJSON_MAX_DEPTH);
		} else if (c == '}' || c == ']') {
			depth--;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			size_t start = i;
			while (i < len && s[i] && strchr("0123456789+-.eE", s[i]))
				i++;
			if (!number_syntax_ok(s + start, i - start))
				return scan_fail(sc, s, start, "invalid number");
			if (sc->n == sc->alloc) {
				size_t na = sc->alloc ? sc->alloc * 2 : 16;
				struct hb_numtok *t = realloc(sc->tok, na * sizeof(*t));
				if (!t)
					return scan_fail(sc, s, start, "out of memory");
				sc->tok = t;
				sc->alloc = na;
			}
			sc->tok[sc->n].off = start;
			sc->tok[sc->n].len = i - start;
			sc->n++;
			continue;
		} else if (c == 0) {
			return scan_fail(sc, s, i, "NUL byte in JSON text");
		}
		i++;
	}
	return 0;
}

/* Hands each number node its text, in document order: cJSON keeps members
 * and elements in the order it read them, so the k-th number node is the
 * k-th number token. The text goes into valuestring, which cJSON_Delete
 * frees for every node type. */
static int attach_numbers(cJSON *node, const char *text,
			  const struct hb_scan *sc, size_t *next)
{
	for (; node; node = node->next) {
		if (cJSON_IsNumber(node)) {
			const struct hb_numtok *t;
			if (*next >= sc->n || node->valuestring)
				return -EPROTO;
			t = &sc->tok[(*next)++];
			node->valuestring = strndup(text + t->off, t->len);
			if (!node->valuestring)
				return -ENOMEM;
		}
		if (node->child) {
			int rc = attach_numbers(node->child, text, sc, next);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* ---- decoder ---- */

struct hb_dec {
	char *err;
	size_t errlen;
	char path[1024];
	size_t plen;
};

/* Errors read "<path>: <what>", e.g. "checks[3].outcome: expected ...". */
__attribute__((format(printf, 2, 3))) static int dec_fail(struct hb_dec *d,
							   const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!d->err || !d->errlen)
		return -EINVAL;
	if (d->plen) {
		/* A deep path gives way from the front: the end of it and the
		 * message are what the reader needs. */
		size_t mlen = strlen(msg), skip = 0;
		if (d->plen + mlen + 3 > d->errlen && d->errlen > mlen + 16)
			skip = d->plen - (d->errlen - mlen - 6);
		if (skip > d->plen)
			skip = 0;
		snprintf(d->err, d->errlen, "%s%s: %s", skip ? "..." : "",
			 d->path + skip, msg);
	} else
		snprintf(d->err, d->errlen, "%s", msg);
	return -EINVAL;
}

static int dec_oom(struct hb_dec *d)
{
	dec_fail(d, "out of memory");
	return -ENOMEM;
}

/* Appends to the path; a path too long to keep ends in "...". Returns the
 * length to restore. */
__attribute__((format(printf, 2, 3))) static size_t path_push(struct hb_dec *d,
							       const char *fmt, ...)
{
	size_t mark = d->plen, room = sizeof(d->path) - mark;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(d->path + mark, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		d->path[mark] = '\0';
	} else if ((size_t)n >= room) {
		memcpy(d->path + sizeof(d->path) - 4, "...", 4);
		d->plen = sizeof(d->path) - 1;
	} else {
		d->plen = mark + (size_t)n;
	}
	return mark;
}

static void path_pop(struct hb_dec *d, size_t mark)
{
	d->plen = mark;
	d->path[mark] = '\0';
}

/* Quotes text from the input for an error message: printable ASCII as is,
 * everything else as \xNN, so that a hostile key cannot forge log lines. */
static const char *quote(char *buf, size_t size, const char *s)
{
	size_t o = 0;

	buf[o++] = '"';
	for (; *s && o + 8 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	if (*s) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* Parses an integer from JSON number syntax (also used for integers given
 * as strings, as the mapping allows), exactly: "1e3" is 1000, "1.5" and
 * "abc" are -EDOM, magnitudes beyond 64 bits -ERANGE. */
static int parse_integer(const char *s, bool *neg, uint64_t *mag)
{
	const char *digits, *frac = NULL;
	size_t nint = 0, nfrac = 0, n = strlen(s);
	long exp = 0, nd;
	char buf[48];
	size_t len = 0;
	uint64_t v = 0;

	if (!number_syntax_ok(s, n))
		return -EDOM;
	*neg = *s == '-';
	digits = s + (*neg ? 1 : 0);
	while (digits[nint] >= '0' && digits[nint] <= '9')
		nint++;
	if (digits[nint] == '.') {
		frac = digits + nint + 1;
		while (frac[nfrac] >= '0' && frac[nfrac] <= '9')
			nfrac++;
	}
	{
		const char *e = frac ? frac + nfrac : digits + nint;
		if (*e == 'e' || *e == 'E') {
			bool eneg = false;
			e++;
			if (*e == '+' || *e == '-')
				eneg = *e++ == '-';
			/* Saturate: anything past 10^400 is out of range or
			 * fractional whatever the mantissa. */
			for (; *e; e++)
				if (exp < 100000)
					exp = exp * 10 + (*e - '0');
			if (eneg)
				exp = -exp;
		}
	}
	/* The significant digits, without leading or trailing zeros; each
	 * trailing zero dropped moves the exponent up. */
	size_t last = nint + nfrac;
	while (last && (last <= nint ? digits[last - 1] : frac[last - 1 - nint]) == '0')
		last--;
	for (size_t i = 0; i < last; i++) {
		char c = i < nint ? digits[i] : frac[i - nint];
		if (!len && c == '0')
			continue;
		if (len >= sizeof(buf) - 1)
			return -ERANGE;
		buf[len++] = c;
	}
	exp += (long)(nint + nfrac - last) - (long)nfrac;
	*mag = 0;
	if (!len)
		return 0;
	if (exp < 0)
		return -EDOM;
	nd = (long)len + exp;
	if (nd > 20)
		return -ERANGE;
	for (size_t i = 0; i < len; i++) {
		unsigned dgt = (unsigned)(buf[i] - '0');
		if (v > (UINT64_MAX - dgt) / 10)
			return -ERANGE;
		v = v * 10 + dgt;
	}
	for (long i = 0; i < exp; i++) {
		if (v > UINT64_MAX / 10)
			return -ERANGE;
		v *= 10;
	}
	*mag = v;
	return 0;
}

/* Reads an integer in [min, max] from a number or a string. */
static int dec_integer(struct hb_dec *d, const cJSON *v, ProtobufCType t,
		       int64_t min, uint64_t max, int64_t *out_s, uint64_t *out_u)
{
	bool neg = false;
	uint64_t mag = 0;
	int rc;

	if (cJSON_IsString(v) && v->valuestring) {
		rc = parse_integer(v->valuestring, &neg, &mag);
	} else if (cJSON_IsNumber(v) && v->valuestring) {
		rc = parse_integer(v->valuestring, &neg, &mag);
	} else if (cJSON_IsNumber(v)) {
		/* A tree built in memory: the double is all there is. */
		double x = v->valuedouble, a = x < 0 ? -x : x;
		if (!isfinite(x))
			rc = -EDOM;
		else if (x >= 18446744073709551616.0 || x < -9223372036854775808.0)
			rc = -ERANGE;
		else if (a < 4503599627370496.0 && a != (double)(uint64_t)a)
			rc = -EDOM; /* from 2^52 up every double is an integer */
		else {
			rc = 0;
			neg = x < 0;
			mag = (uint64_t)a;
		}
	} else {
		rc = -EDOM;
	}
	if (rc == -EDOM)
		return dec_fail(d, "expected an integer");
	if (rc == 0 && neg && mag) {
		/* -min as unsigned, without overflowing for INT64_MIN. */
		uint64_t lim = min < 0 ? (uint64_t)(-(min + 1)) + 1 : 0;
		if (mag > lim)
			rc = -ERANGE;
		else
			*out_s = lim == mag ? min : -(int64_t)mag;
	} else if (rc == 0) {
		if (mag > max)
			rc = -ERANGE;
		else {
			*out_u = mag;
			*out_s = mag > INT64_MAX ? 0 : (int64_t)mag;
		}
	}
	if (rc < 0)
		return dec_fail(d, "value out of range for %s", pbjson_type_name(t));
	return 0;
}

static int dec_double(struct hb_dec *d, const cJSON *v, ProtobufCType t,
		      double *out)
{
	double x;

	if (cJSON_IsNumber(v)) {
		/* cJSON's own strtod copes with the locale's decimal point. */
		x = v->valuedouble;
		if (!isfinite(x))
			return dec_fail(d, "value out of range for %s", pbjson_type_name(t));
	} else if (cJSON_IsString(v) && v->valuestring) {
		const char *s = v->valuestring;
		if (strcmp(s, "NaN") == 0)
			x = NAN;
		else if (strcmp(s, "Infinity") == 0)
			x = INFINITY;
		else if (strcmp(s, "-Infinity") == 0)
			x = -INFINITY;
		else if (number_syntax_ok(s, strlen(s))) {
			x = strtod(s, NULL);
			if (!isfinite(x))
				return dec_fail(d, "value out of range for %s",
						pbjson_type_name(t));
		} else
			return dec_fail(d, "expected a number");
	} else {
		return dec_fail(d, "expected a number");
	}
	if (t == PROTOBUF_C_TYPE_FLOAT && isfinite(x) && !isfinite((float)x))
		return dec_fail(d, "value out of range for float");
	*out = x;
	return 0;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Standard or URL-safe alphabet, padded or not, as protobuf accepts. */
static int dec_bytes(struct hb_dec *d, const cJSON *v, ProtobufCBinaryData *out)
{
	const char *s;
	size_t n, pad = 0, o = 0;
	uint8_t *buf;
	uint32_t acc = 0;
	unsigned bits = 0;

	if (!cJSON_IsString(v) || !v->valuestring)
		return dec_fail(d, "expected a base64 string");
	s = v->valuestring;
	n = strlen(s);
	while (n && s[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	if ((pad && (n + pad) % 4) || n % 4 == 1)
		return dec_fail(d, "invalid base64");
	out->len = 0;
	out->data = NULL;
	if (!n)
		return 0;
	buf = malloc(n / 4 * 3 + 3);
	if (!buf)
		return dec_oom(d);
	for (size_t i = 0; i < n; i++) {
		int x = b64_value((unsigned char)s[i]);
		if (x < 0) {
			free(buf);
			return dec_fail(d, "invalid base64");
		}
		acc = acc << 6 | (uint32_t)x;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (uint8_t)(acc >> bits);
		}
	}
	out->data = buf;
	out->len = o;
	return 0;
}

static int dec_enum(struct hb_dec *d, const cJSON *v,
		    const ProtobufCEnumDescriptor *ed, int32_t *out)
{
	char q[96];

	if (cJSON_IsString(v) && v->valuestring) {
		const ProtobufCEnumValue *ev =
			protobuf_c_enum_descriptor_get_value_by_name(ed, v->valuestring);
		if (!ev)
			return dec_fail(d, "unknown enum value %s",
					quote(q, sizeof(q), v->valuestring));
		*out = ev->value;
		return 0;
	}
	if (cJSON_IsNumber(v)) {
		int64_t sv = 0;
		uint64_t uv = 0;
		/* proto3 enums are open: any int32 is kept, named or not. */
		int rc = dec_integer(d, v, PROTOBUF_C_TYPE_ENUM, INT32_MIN,
				     INT32_MAX, &sv, &uv);
		if (rc < 0)
			return rc;
		*out = (int32_t)sv;
		return 0;
	}
	return dec_fail(d, "expected an enum name or number");
}

/* Decodes a scalar (not string, bytes or message) into p. */
static int dec_scalar(struct hb_dec *d, const ProtobufCFieldDescriptor *f,
		      const cJSON *v, void *p)
{
	int64_t sv = 0;
	uint64_t uv = 0;
	double x = 0;
	int rc;

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		rc = dec_integer(d, v, f->type, INT32_MIN, INT32_MAX, &sv, &uv);
		if (rc == 0)
			*(int32_t *)p = (int32_t)sv;
		return rc;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		rc = dec_integer(d, v, f->type, 0, UINT32_MAX, &sv, &uv);
		if (rc == 0)
			*(uint32_t *)p = (uint32_t)uv;
		return rc;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		rc = dec_integer(d, v, f->type, INT64_MIN, INT64_MAX, &sv, &uv);
		if (rc == 0)
			*(int64_t *)p = sv;
		return rc;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		rc = dec_integer(d, v, f->type, 0, UINT64_MAX, &sv, &uv);
		if (rc == 0)
			*(uint64_t *)p = uv;
		return rc;
	case PROTOBUF_C_TYPE_FLOAT:
		rc = dec_double(d, v, f->type, &x);
		if (rc == 0)
			*(float *)p = (float)x;
		return rc;
	case PROTOBUF_C_TYPE_DOUBLE:
		rc = dec_double(d, v, f->type, &x);
		if (rc == 0)
			*(double *)p = x;
		return rc;
	case PROTOBUF_C_TYPE_BOOL:
		if (!cJSON_IsBool(v))
			return dec_fail(d, "expected true or false");
		*(protobuf_c_boolean *)p = cJSON_IsTrue(v) ? 1 : 0;
		return 0;
	case PROTOBUF_C_TYPE_ENUM:
		return dec_enum(d, v, f->descriptor, (int32_t *)p);
	default:
		return dec_fail(d, "internal error: %s is not a scalar",
				pbjson_type_name(f->type));
	}
}

static int dec_string(struct hb_dec *d, const cJSON *v, char **out)
{
	*out = NULL;
	if (!cJSON_IsString(v) || !v->valuestring)
		return dec_fail(d, "expected a string");
	/* cJSON copies bytes as they come; JSON text must be UTF-8, and
	 * proto3 strings must be too. */
	if (!hb_utf8_valid(v->valuestring, strlen(v->valuestring)))
		return dec_fail(d, "invalid UTF-8 in string");
	*out = strdup(v->valuestring);
	return *out ? 0 : dec_oom(d);
}

static int repair_message(ProtobufCMessage *m, unsigned depth);

static int repair_value(const ProtobufCFieldDescriptor *f, void *p,
			unsigned depth)
{
	if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
		ProtobufCMessage *sub = *(ProtobufCMessage **)p;
		if (!sub)
			return 0;
		if (depth > HB_PBJSON_MAX_ENCODE_DEPTH)
			return -ELOOP;
		return repair_message(sub, depth + 1);
	}
	if (f->type != PROTOBUF_C_TYPE_STRING)
		return 0;
	char **s = p;
	if (!*s || hb_utf8_valid(*s, strlen(*s)))
		return 0;
	char *fixed = hb_utf8_repair(*s, strlen(*s));
	if (!fixed)
		return -ENOMEM;
	free(*s);
	*s = fixed;
	return 0;
}

static int repair_message(ProtobufCMessage *m, unsigned depth)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		char *member = MEMBER(char, m, f->offset);
		int rc = 0;
		if (!pbjson_field_present(f, m))
			continue;
		if (f->label != PROTOBUF_C_LABEL_REPEATED) {
			rc = repair_value(f, member, depth);
		} else {
			size_t n = *MEMBER(size_t, m, f->quantifier_offset);
			char *arr = *(char **)member;
			for (size_t k = 0; rc == 0 && k < n; k++)
				rc = repair_value(f, arr + k * pbjson_elt_size(f->type),
						  depth);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

int hb_pbjson_repair_utf8(ProtobufCMessage *msg)
{
	return repair_message(msg, 0);
}

/* Allocated as protobuf_c_message_unpack() allocates: malloc, then the
 * generated initialiser, so protobuf_c_message_free_unpacked() frees it. */
static ProtobufCMessage *new_message(const ProtobufCMessageDescriptor *desc)
{
	ProtobufCMessage *m;

	if (!desc->message_init)
		return NULL;
	m = malloc(desc->sizeof_message);
	if (m)
		desc->message_init(m);
	return m;
}

static int dec_fields(struct hb_dec *d, ProtobufCMessage *m, const cJSON *obj,
		      unsigned depth);

static int dec_submessage(struct hb_dec *d, const ProtobufCFieldDescriptor *f,
			  const cJSON *v, ProtobufCMessage **slot, unsigned depth,
			  uint32_t *oneof_case)
{
	if (!cJSON_IsObject(v))
		return dec_fail(d, "expected an object");
	*slot = new_message(f->descriptor);
	if (!*slot)
		return dec_oom(d);
	/* Linked into the parent before it is filled, so that freeing the
	 * parent on a later error frees it too. */
	if (oneof_case)
		*oneof_case = f->id;
	return dec_fields(d, *slot, v, depth + 1);
}

static void mark_present(const ProtobufCFieldDescriptor *f, ProtobufCMessage *m)
{
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		*MEMBER(uint32_t, m, f->quantifier_offset) = f->id;
	else if (f->label == PROTOBUF_C_LABEL_OPTIONAL &&
		 f->type != PROTOBUF_C_TYPE_STRING &&
		 f->type != PROTOBUF_C_TYPE_MESSAGE)
		*MEMBER(protobuf_c_boolean, m, f->quantifier_offset) = 1;
}

static int dec_single(struct hb_dec *d, ProtobufCMessage *m,
		      const ProtobufCFieldDescriptor *f, const cJSON *v,
		      unsigned depth)
{
	void *member = MEMBER(char, m, f->offset);
	bool oneof = f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF;
	int rc;

	if (oneof) {
		uint32_t cur = *MEMBER(uint32_t, m, f->quantifier_offset);
		if (cur && cur != f->id) {
			const ProtobufCFieldDescriptor *o =
				protobuf_c_message_descriptor_get_field(m->descriptor, cur);
			return dec_fail(d, "\"%s\" and \"%s\" are in the same oneof",
					o ? o->name : "?", f->name);
		}
	}
	switch (f->type) {
	case PROTOBUF_C_TYPE_MESSAGE:
		return dec_submessage(d, f, v, member, depth,
				      oneof ? MEMBER(uint32_t, m, f->quantifier_offset)
					    : NULL);
	case PROTOBUF_C_TYPE_STRING: {
		char *s;
		if (!cJSON_IsString(v) || !v->valuestring)
			return dec_fail(d, "expected a string");
		/* A plain proto3 "" keeps the shared default, which
		 * free_unpacked knows not to free. */
		if (!v->valuestring[0] && f->label == PROTOBUF_C_LABEL_NONE &&
		    !oneof)
			return 0;
		rc = dec_string(d, v, &s);
		if (rc < 0)
			return rc;
		*(char **)member = s;
		mark_present(f, m);
		return 0;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		ProtobufCBinaryData b;
		rc = dec_bytes(d, v, &b);
		if (rc < 0)
			return rc;
		*(ProtobufCBinaryData *)member = b;
		mark_present(f, m);
		return 0;
	}
	default:
		rc = dec_scalar(d, f, v, member);
		if (rc == 0)
			mark_present(f, m);
		return rc;
	}
}

static int dec_repeated(struct hb_dec *d, ProtobufCMessage *m,
			const ProtobufCFieldDescriptor *f, const cJSON *v,
			unsigned depth)
{
	size_t *count = MEMBER(size_t, m, f->quantifier_offset);
	size_t es = pbjson_elt_size(f->type), n = 0, i = 0;
	char *arr;
	int rc = 0;

	if (!cJSON_IsArray(v))
		return dec_fail(d, "expected an array");
	for (const cJSON *c = v->child; c; c = c->next)
		n++;
	if (!n)
		return 0;
	if (n > SIZE_MAX / es)
		return dec_oom(d);
	arr = calloc(n, es);
	if (!arr)
		return dec_oom(d);
	/* The count grows with each element filled, so free_unpacked()
	 * frees exactly what exists if an element fails. */
	*(void **)MEMBER(char, m, f->offset) = arr;
	*count = 0;
	for (const cJSON *c = v->child; c; c = c->next, i++) {
		void *p = arr + i * es;
		size_t mark = path_push(d, "[%zu]", i);

		if (cJSON_IsNull(c))
			rc = dec_fail(d, "null is not allowed in a list");
		else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
			if (!cJSON_IsObject(c)) {
				rc = dec_fail(d, "expected an object");
			} else if (!(*(ProtobufCMessage **)p = new_message(f->descriptor))) {
				rc = dec_oom(d);
			} else {
				(*count)++;
				rc = dec_fields(d, *(ProtobufCMessage **)p, c,
						depth + 1);
			}
		} else {
			if (f->type == PROTOBUF_C_TYPE_STRING)
				rc = dec_string(d, c, p);
			else if (f->type == PROTOBUF_C_TYPE_BYTES)
				rc = dec_bytes(d, c, p);
			else
				rc = dec_scalar(d, f, c, p);
			if (rc == 0)
				(*count)++;
		}
		path_pop(d, mark);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static const ProtobufCFieldDescriptor *
find_field(const ProtobufCMessageDescriptor *desc, const char *key)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(desc, key);

	if (f)
		return f;
	for (unsigned i = 0; i < desc->n_fields; i++)
		if (pbjson_json_name_eq(desc->fields[i].name, key))
			return &desc->fields[i];
	return NULL;
}

enum { HB_SEEN = 1, HB_SET = 2 };

static int dec_fields(struct hb_dec *d, ProtobufCMessage *m, const cJSON *obj,
		      unsigned depth)
{
	const ProtobufCMessageDescriptor *desc = m->descriptor;
	unsigned char *seen;
	char q[96];
	int rc = 0;

	if (depth > HB_PBJSON_MAX_DEPTH)
		return dec_fail(d, "nested deeper than %d levels",
				HB_PBJSON_MAX_DEPTH);
	seen = calloc(desc->n_fields ? desc->n_fields : 1, 1);
	if (!seen)
		return dec_oom(d);
	for (const cJSON *c = obj->child; c && rc == 0; c = c->next) {
		const ProtobufCFieldDescriptor *f;
		size_t idx, mark;

		if (!c->string) {
			rc = dec_fail(d, "member without a name");
			break;
		}
		f = find_field(desc, c->string);
		if (!f) {
			rc = dec_fail(d, "unknown field %s in %s",
				      quote(q, sizeof(q), c->string), desc->name);
			break;
		}
		idx = (size_t)(f - desc->fields);
		/* A second value (perhaps under the other name) would leak
		 * or silently replace the first. */
		if (seen[idx]) {
			rc = dec_fail(d, "duplicate field %s",
				      quote(q, sizeof(q), c->string));
			break;
		}
		seen[idx] = HB_SEEN;
		if (cJSON_IsNull(c))
			continue;
		mark = path_push(d, "%s%s", d->plen ? "." : "", c->string);
		if (f->label == PROTOBUF_C_LABEL_REPEATED)
			rc = dec_repeated(d, m, f, c, depth);
		else
			rc = dec_single(d, m, f, c, depth);
		path_pop(d, mark);
		seen[idx] |= HB_SET;
	}
	for (unsigned i = 0; rc == 0 && i < desc->n_fields; i++)
		if (desc->fields[i].label == PROTOBUF_C_LABEL_REQUIRED &&
		    !(seen[i] & HB_SET))
			rc = dec_fail(d, "missing required field \"%s\"",
				      desc->fields[i].name);
	free(seen);
	return rc;
}

ProtobufCMessage *hb_pbjson_decode(const ProtobufCMessageDescriptor *desc,
				   const cJSON *json, char *err, size_t errlen)
{
	struct hb_dec d = { .err = err, .errlen = errlen };
	ProtobufCMessage *m;

	if (err && errlen)
		err[0] = '\0';
	if (!desc || !json) {
		dec_fail(&d, "no %s", desc ? "document" : "message type");
		return NULL;
	}
	if (!cJSON_IsObject(json)) {
		dec_fail(&d, "expected a JSON object for %s", desc->name);
		return NULL;
	}
	m = new_message(desc);
	if (!m) {
		dec_oom(&d);
		return NULL;
	}
	if (dec_fields(&d, m, json, 1) < 0) {
		protobuf_c_message_free_unpacked(m, NULL);
		return NULL;
	}
	return m;
}

ProtobufCMessage *hb_pbjson_parse(const ProtobufCMessageDescriptor *desc,
				  const char *buf, size_t len, char *err,
				  size_t errlen)
{
	struct hb_scan sc = { .err = err, .errlen = errlen };
	ProtobufCMessage *m = NULL;
	const char *end = NULL;
	cJSON *root = NULL;
	char *text = NULL;
	size_t next = 0;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!buf || !desc) {
		if (err && errlen)
			snprintf(err, errlen, "no %s", desc ? "document" : "message type");
		return NULL;
	}
	if (prescan(&sc, buf, len) < 0)
		goto out;
	/* cJSON has had out-of-bounds reads on unterminated input; give it a
	 * terminated copy. */
	text = malloc(len + 1);
	if (!text) {
		scan_fail(&sc, buf, 0, "out of memory");
		goto out;
	}
	memcpy(text, buf, len);
	text[len] = '\0';
	root = cJSON_ParseWithLengthOpts(text, len + 1, &end, false);
	if (!root) {
		size_t off = end && end >= text && end <= text + len
				     ? (size_t)(end - text)
				     : 0;
		scan_fail(&sc, text, off, "invalid JSON");
		goto out;
	}
	while (end < text + len && (*end == ' ' || *end == '\t' ||
				    *end == '\n' || *end == '\r'))
		end++;
	if (end != text + len) {
		scan_fail(&sc, text, (size_t)(end - text),
			  "unexpected text after the JSON value");
		goto out;
	}
	rc = attach_numbers(root, text, &sc, &next);
	if (rc == 0 && next != sc.n)
		rc = -EPROTO;
	if (rc < 0) {
		scan_fail(&sc, text, 0, "%s",
			  rc == -ENOMEM ? "out of memory"
					: "internal error: numbers out of step");
		goto out;
	}
	m = hb_pbjson_decode(desc, root, err, errlen);
out:
	cJSON_Delete(root);
	free(text);
	free(sc.tok);
	return m;
}
