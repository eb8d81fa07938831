/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the downward-API reader (agent/podinfo.c): a
 * labels or annotations file in, key="value" pairs out. */
#include "fuzz.h"
#include "podinfo.h"

#include <string.h>

struct seen {
	int calls;
	char key[512], value[4096]; /* the last pair */
};

static void on_pair(const char *key, const char *value, void *ud)
{
	struct seen *s = ud;
	size_t kl = strlen(key), vl = strlen(value);
	/* A key is the text before its line's first "=" (empty here only
	 * when it starts with a NUL byte); both fit the reader's buffers. */
	HB_FUZZ_CHECK(kl < sizeof(s->key) && vl < sizeof(s->value));
	HB_FUZZ_CHECK(!strchr(key, '\n') && !strchr(key, '='));
	memcpy(s->key, key, kl + 1);
	memcpy(s->value, value, vl + 1);
	s->calls++;
}

/* The file the kubelet would write for one pair: key="value", with
 * backslash, quote, newline and tab escaped as Go's %q does. */
static size_t quote_line(char *out, const char *key, const char *value)
{
	size_t j = strlen(key);
	memcpy(out, key, j);
	out[j++] = '=';
	out[j++] = '"';
	for (const char *v = value; *v; v++) {
		char c = *v;
		if (c == '\\' || c == '"' || c == '\n' || c == '\t') {
			out[j++] = '\\';
			c = c == '\n' ? 'n' : c == '\t' ? 't' : c;
		}
		out[j++] = c;
	}
	out[j++] = '"';
	return j;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen all = { 0 };
	int n = hb_podinfo_parse((const char *)data, size, on_pair, &all);
	size_t lines = size ? 1 : 0;
	for (size_t i = 0; i + 1 < size; i++)
		lines += data[i] == '\n';
	/* One pair at most a line, each one handed over. */
	HB_FUZZ_CHECK(n == all.calls && (size_t)n <= lines);

	/* The last pair, written back as the kubelet writes it, reads back
	 * the same (unless it was cut to fit the reader's buffer). */
	if (n > 0 && all.key[0] && strlen(all.value) + 1 < sizeof(all.value)) {
		char *line = malloc(strlen(all.key) + 2 * strlen(all.value) + 4);
		HB_FUZZ_CHECK(line);
		size_t len = quote_line(line, all.key, all.value);
		struct seen again = { 0 };
		if (len < 8192) {
			HB_FUZZ_CHECK(hb_podinfo_parse(line, len, on_pair, &again) == 1);
			HB_FUZZ_CHECK(strcmp(again.key, all.key) == 0);
			HB_FUZZ_CHECK(strcmp(again.value, all.value) == 0);
		}
		free(line);
	}
	return 0;
}
