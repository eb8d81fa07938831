/* SPDX-License-Identifier: MIT */
/* Unit tests of the database kinds' "ready", expect.column and expect.row:
 * what the spec parser keeps, what it refuses at which JSON path, and the
 * one-liner flags that write them. */
#include "spec_test.h"

#include "cli.h"

#define PG "\"kind\": \"postgres\", \"url\": \"postgresql://db/app\""
#define MY "\"kind\": \"mysql\", \"url\": \"mysql://db/app\""
#define RD "\"kind\": \"redis\", \"url\": \"redis://db\""

HB_TEST(ready_parses)
{
	struct hb_spec_error err;
	struct hb_spec *s = parse("{\"checks\": [{" PG ", \"ready\": true},"
				  "{" MY ", \"ready\": true, \"user\": \"x\"},"
				  "{" RD ", \"ready\": false, \"command\": \"PING\"}]}",
				  &err);
	ASSERT(s);
	ASSERT(s->checks[0].ready);
	ASSERT(s->checks[1].ready);
	ASSERT(!s->checks[2].ready);
	hb_spec_free(s);
}

HB_TEST(column_and_row_parse)
{
	struct hb_spec_error err;
	struct hb_spec *s = parse(
		"{\"checks\": [{" MY ", \"query\": \"SHOW GLOBAL STATUS LIKE "
		"'wsrep_ready'\", \"expect\": {\"column\": \"Value\", "
		"\"value\": \"ON\"}},"
		"{" PG ", \"query\": \"q\", \"expect\": {\"column\": 2, "
		"\"row\": 3, \"pattern\": \"^a\"}},"
		"{" MY ", \"query\": \"q\", \"expect\": {\"column\": \"1\", "
		"\"value\": \"1\"}},"
		"{" RD ", \"command\": \"LRANGE q 0 -1\", \"expect\": {\"row\": 1, "
		"\"value\": \"b\"}}]}",
		&err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	ASSERT_STREQ(s->checks[0].expect.column, "Value");
	ASSERT_EQ_INT(s->checks[0].expect.column_index, 0);
	ASSERT_EQ_INT(s->checks[0].expect.row, 0);
	ASSERT(!s->checks[1].expect.column);
	ASSERT_EQ_INT(s->checks[1].expect.column_index, 2);
	ASSERT_EQ_INT(s->checks[1].expect.row, 3);
	/* A string of digits is a name: MySQL calls SELECT 1's column "1". */
	ASSERT_STREQ(s->checks[2].expect.column, "1");
	ASSERT_EQ_INT(s->checks[3].expect.row, 1);
	hb_spec_free(s);
}

static const struct {
	const char *json;
	const char *msg;
} errors[] = {
	{ "{\"checks\": [{" PG ", \"ready\": true, \"query\": \"SELECT 1\"}]}",
	  "spec.json: checks[0].query: a ready check runs no query or command "
	  "and expects nothing: it passes when the server accepts connections "
	  "(drop \"ready\" to log in and run it)" },
	{ "{\"checks\": [{" MY ", \"query_file\": \"/q\", \"ready\": true}]}",
	  "spec.json: checks[0].query_file: a ready check runs no query" },
	{ "{\"checks\": [{" RD ", \"ready\": true, \"command\": \"PING\"}]}",
	  "spec.json: checks[0].command: a ready check runs no query" },
	{ "{\"checks\": [{" PG ", \"expect\": {\"rows\": 1}, \"ready\": true}]}",
	  "spec.json: checks[0].expect: a ready check runs no query or command "
	  "and expects nothing: it passes when the server accepts connections "
	  "(drop \"ready\" to log in and compare its answer)" },
	{ "{\"checks\": [{" PG ", \"ready\": \"yes\"}]}",
	  "spec.json: checks[0].ready: expected true or false" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"ready\": true}]}",
	  "spec.json: checks[0].ready: not valid for kind \"http\" (only for "
	  "postgres, mysql and redis)" },
	{ "{\"checks\": [{" MY ", \"query\": \"q\", \"expect\": {\"column\": \"\", "
	  "\"value\": \"ON\"}}]}",
	  "spec.json: checks[0].expect.column: expected a column name (or a "
	  "0-based index), not an empty string" },
	{ "{\"checks\": [{" MY ", \"query\": \"q\", \"expect\": {\"column\": -1, "
	  "\"value\": \"ON\"}}]}",
	  "spec.json: checks[0].expect.column: expected an integer from 0 to 4095" },
	{ "{\"checks\": [{" MY ", \"query\": \"q\", \"expect\": {\"column\": 1.5, "
	  "\"value\": \"ON\"}}]}",
	  "spec.json: checks[0].expect.column: expected an integer from 0 to 4095" },
	{ "{\"checks\": [{" MY ", \"query\": \"q\", \"expect\": {\"column\": "
	  "[\"Value\"], \"value\": \"ON\"}}]}",
	  "spec.json: checks[0].expect.column: expected a column name or a "
	  "0-based index" },
	{ "{\"checks\": [{" PG ", \"query\": \"q\", \"expect\": {\"column\": "
	  "\"a\\tb\", \"value\": \"ON\"}}]}",
	  "spec.json: checks[0].expect.column: a column name cannot contain "
	  "control characters" },
	{ "{\"checks\": [{" RD ", \"expect\": {\"column\": \"Value\"}}]}",
	  "spec.json: checks[0].expect.column: not valid for kind \"redis\" (only "
	  "for postgres and mysql)" },
	{ "{\"checks\": [{" PG ", \"query\": \"q\", \"expect\": {\"row\": -1, "
	  "\"value\": \"x\"}}]}",
	  "spec.json: checks[0].expect.row: expected an integer of at least 0" },
	{ "{\"checks\": [{" PG ", \"query\": \"q\", \"expect\": {\"row\": \"2\", "
	  "\"value\": \"x\"}}]}",
	  "spec.json: checks[0].expect.row: expected an integer of at least 0" },
	{ "{\"checks\": [{" PG ", \"query\": \"q\", \"expect\": {\"column\": "
	  "\"Value\", \"rows\": 1}}]}",
	  "spec.json: checks[0].expect.column: selects the value that \"value\" "
	  "or \"pattern\" compares: give one of them" },
	{ "{\"checks\": [{" RD ", \"command\": \"q\", \"expect\": {\"row\": 2}}]}",
	  "spec.json: checks[0].expect.row: selects the value that \"value\" "
	  "or \"pattern\" compares: give one of them" },
	{ "{\"checks\": [{" PG ", \"query\": \"q\", \"expect\": {\"column\": 1, "
	  "\"column\": 2, \"value\": \"x\"}}]}",
	  "spec.json: checks[0].expect.column: duplicate key" },
};

HB_TEST(bad_values_name_their_path)
{
	for (size_t i = 0; i < HB_ARRAY_SIZE(errors); i++) {
		struct hb_spec_error err;
		const char *msg = parse_error(errors[i].json, &err);
		if (strncmp(msg, errors[i].msg, strlen(errors[i].msg)) != 0)
			HB_FAIL_("%s\n  got:      %s\n  expected: %s", errors[i].json,
				 msg, errors[i].msg);
	}
}

/* hookbox ARGS... as a one-liner: the spec it makes, as compact JSON. */
static char *one_liner(char **argv, int argc, char *err, size_t errlen)
{
	struct hb_cli cli;
	err[0] = '\0';
	if (hb_cli_parse(argc, argv, &cli, err, errlen) < 0)
		return NULL;
	char *text = cJSON_PrintUnformatted(cli.spec_json);
	hb_cli_release(&cli);
	return text;
}

HB_TEST(flags)
{
	char err[256];
	char *a1[] = { "hookbox", "mysql", "mysql://db", "--query", "q",
		       "--expect-column", "Value", "--expect-value", "ON", NULL };
	char *t = one_liner(a1, 9, err, sizeof(err));
	ASSERT(t);
	ASSERT_CONTAINS(t, "\"expect\":{\"column\":\"Value\",\"value\":\"ON\"}");
	free(t);
	char *a2[] = { "hookbox", "postgres", "postgresql://db", "--query", "q",
		       "--expect-column=1", "--expect-row", "2",
		       "--expect-value", "x", NULL };
	t = one_liner(a2, 10, err, sizeof(err));
	ASSERT(t);
	ASSERT_CONTAINS(t, "\"column\":1,\"row\":2");
	free(t);
	char *a3[] = { "hookbox", "redis", "redis://db", "--ready", NULL };
	t = one_liner(a3, 4, err, sizeof(err));
	ASSERT(t);
	ASSERT_CONTAINS(t, "\"ready\":true");
	free(t);
	char *a4[] = { "hookbox", "redis", "redis://db", "--expect-column", "1",
		       NULL };
	ASSERT(!one_liner(a4, 5, err, sizeof(err)));
	ASSERT_STREQ(err, "--expect-column is not an option of \"hookbox redis\"");
	char *a6[] = { "hookbox", "mysql", "mysql://db", "--expect-column=-1",
		       NULL };
	ASSERT(!one_liner(a6, 4, err, sizeof(err)));
	ASSERT_STREQ(err, "--expect-column: expected a column name or a 0-based "
			  "index, got \"-1\"");
	char *a5[] = { "hookbox", "http", "http://a", "--ready", NULL };
	ASSERT(!one_liner(a5, 4, err, sizeof(err)));
	ASSERT_STREQ(err, "--ready is not an option of \"hookbox http\"");
}

HB_TEST_MAIN(ready_parses, column_and_row_parse, bad_values_name_their_path,
	     flags)
