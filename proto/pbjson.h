/* SPDX-License-Identifier: MIT */
/* protobuf's canonical JSON mapping for protobuf-c messages, driven by the
 * generated descriptors (so it serves every message of the schema):
 * lowerCamelCase field names, enums by name, 64-bit integers as strings,
 * default values omitted, repeated fields as arrays.
 *
 *   char *s = hb_pbjson_print(&report->base, true);   caller frees s
 *   ProtobufCMessage *m = hb_pbjson_parse(&hookbox__v1__report__descriptor,
 *                                         buf, len, err, sizeof(err));
 *   protobuf_c_message_free_unpacked(m, NULL);
 *
 * The parser accepts the JSON name and the proto name of each field, enum
 * names or numbers, 64-bit integers as strings or numbers, and null as the
 * default; anything else (unknown fields, wrong types, out-of-range values,
 * invalid UTF-8) is an error naming the JSON path.
 */
#ifndef HB_PBJSON_H
#define HB_PBJSON_H

#include <cjson/cJSON.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>

/* Returns a new cJSON object the caller deletes, or NULL when out of memory. */
cJSON *hb_pbjson_encode(const ProtobufCMessage *msg);
/* Returns malloc'd JSON text, or NULL when out of memory. */
char *hb_pbjson_print(const ProtobufCMessage *msg, bool pretty);

/* Decodes a JSON document into a new message of type desc, allocated as
 * protobuf_c_message_unpack() allocates (free it with
 * protobuf_c_message_free_unpacked(m, NULL)). Returns NULL with err filled,
 * e.g. "checks[3].outcome: unknown enum value \"PASS\"". */
ProtobufCMessage *hb_pbjson_parse(const ProtobufCMessageDescriptor *desc,
				  const char *buf, size_t len, char *err,
				  size_t errlen);
ProtobufCMessage *hb_pbjson_decode(const ProtobufCMessageDescriptor *desc,
				   const cJSON *json, char *err, size_t errlen);
/* Writes the JSON name of a field ("duration_ms" -> "durationMs") into buf,
 * which holds at least strlen(name) + 1 bytes. */
void hb_pbjson_name(const char *name, char *buf);

/* Makes every string of msg and of the messages it holds well-formed UTF-8
 * in place, each ill-formed part replaced by U+FFFD (hb_utf8_repair): what
 * the printer does on output, for the binary form, which a peer that checks
 * proto3 strings (the collector, any protobuf library) would refuse whole.
 * Its strings must be heap-allocated, as the unpacker allocates them (a
 * repaired one is freed). Returns 0, or -ENOMEM (or -ELOOP for a message
 * nested past any schema's depth) with some strings left as they were. */
int hb_pbjson_repair_utf8(ProtobufCMessage *msg);

#endif
