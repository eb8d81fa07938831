/* SPDX-License-Identifier: MIT */
/* Names and hints of the failure classes, from the one list in classify.h. */
#include "classify.h"

static const char *const names[] = {
#define XX(name, value, str, hint) [value] = str,
	HB_CLASS_MAP(XX)
#undef XX
};

static const char *const hints[] = {
#define XX(name, value, str, hint) [value] = hint,
	HB_CLASS_MAP(XX)
#undef XX
};

const char *hb_class_name(int cls)
{
	if (cls < 0 || cls >= HB_CLASS__COUNT)
		return "UNKNOWN";
	return names[cls];
}

const char *hb_class_hint(int cls)
{
	if (cls < 0 || cls >= HB_CLASS__COUNT)
		return "";
	return hints[cls];
}
