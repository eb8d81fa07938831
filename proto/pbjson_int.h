/* SPDX-License-Identifier: MIT */
/* What pbjson.c (the encoder) and pbjson_decode.c share. */
#ifndef HB_PBJSON_INT_H
#define HB_PBJSON_INT_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>

/* The collector parses JSON posted by anyone who can reach it: the deepest
 * legitimate report nests 7 levels, so 32 leaves room for schema growth
 * while keeping cJSON's recursive parser and our own recursion shallow. */
#define HB_PBJSON_MAX_DEPTH 32
/* Messages built in memory can be arbitrarily deep (or, by mistake, cyclic);
 * the encoder stops instead of overflowing the stack. */
#define HB_PBJSON_MAX_ENCODE_DEPTH 100

#define MEMBER(type, msg, off) ((type *)((char *)(msg) + (off)))
#define CMEMBER(type, msg, off) ((const type *)((const char *)(msg) + (off)))

/* The size of one element of a repeated field, as protobuf-c lays it out. */
size_t pbjson_elt_size(ProtobufCType t);
/* The field type's name, for messages. */
const char *pbjson_type_name(ProtobufCType t);
/* Whether key is the JSON name of the field called name (protoc's
 * ToJsonName). */
bool pbjson_json_name_eq(const char *name, const char *key);
/* Whether a field goes into the output: the same decision protobuf-c's
 * packer makes, so that JSON and binary carry the same fields. */
bool pbjson_field_present(const ProtobufCFieldDescriptor *f,
			  const ProtobufCMessage *m);

#endif
