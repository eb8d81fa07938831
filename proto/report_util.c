/* SPDX-License-Identifier: MIT */
/* Names of the schema's enums for human output. */
#include "report_util.h"

const char *hb_phase_name(int phase)
{
	switch (phase) {
	case HOOKBOX__V1__PHASE__PHASE_RUNNING:
		return "Running";
	case HOOKBOX__V1__PHASE__PHASE_SUCCEEDED:
		return "Succeeded";
	case HOOKBOX__V1__PHASE__PHASE_FAILED:
		return "Failed";
	default:
		return "Unknown";
	}
}

const char *hb_outcome_name(int outcome)
{
	const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
		&hookbox__v1__outcome__descriptor, outcome);
	return v ? v->name : "OUTCOME_UNSPECIFIED";
}
