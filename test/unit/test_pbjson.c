/* SPDX-License-Identifier: MIT */
/* Unit tests for the protobuf <-> JSON mapping in proto/pbjson.c. */
#include "hbtest.h"
#include "hookbox/v1/report.pb-c.h"
#include "pbjson.h"

#include <math.h>
#include <stdint.h>

#if defined(__SANITIZE_ADDRESS__)
#define HB_HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HB_HAVE_LSAN 1
#endif
#endif
#ifdef HB_HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/* Each test runs in a child that leaves with _exit(), which skips
 * LeakSanitizer's exit-time check; so every test asks for one itself. */
static void leak_check(void)
{
#ifdef HB_HAVE_LSAN
	ASSERT_EQ_INT(__lsan_do_recoverable_leak_check(), 0);
#endif
}

/* JSON written with single quotes, so the tests stay readable. */
static char *jq(const char *s)
{
	static char buf[8192];
	size_t i;

	for (i = 0; s[i] && i < sizeof(buf) - 1; i++)
		buf[i] = s[i] == '\'' ? '"' : s[i];
	buf[i] = '\0';
	return buf;
}

static ProtobufCMessage *parse_desc(const ProtobufCMessageDescriptor *desc,
				    const char *json, char *err, size_t errlen)
{
	return hb_pbjson_parse(desc, json, strlen(json), err, errlen);
}

static ProtobufCMessage *parse(const char *json, char *err, size_t errlen)
{
	return parse_desc(&hookbox__v1__report__descriptor, json, err, errlen);
}

/* Asserts that json (single-quoted) fails with exactly the message want. */
static void expect_error(const ProtobufCMessageDescriptor *desc,
			 const char *json, const char *want)
{
	char err[256] = "";
	ProtobufCMessage *m = parse_desc(desc, jq(json), err, sizeof(err));
	ASSERT(m == NULL);
	ASSERT_STREQ(err, want);
}

static void expect_report_error(const char *json, const char *want)
{
	expect_error(&hookbox__v1__report__descriptor, json, want);
}

/* Parses, prints compactly, frees; returns the malloc'd text. */
static char *reprint(const ProtobufCMessageDescriptor *desc, const char *json)
{
	char err[256] = "";
	ProtobufCMessage *m = parse_desc(desc, json, err, sizeof(err));
	char *s;

	if (!m)
		HB_FAIL_("parse of %s failed: %s", json, err);
	s = hb_pbjson_print(m, false);
	ASSERT(s != NULL);
	protobuf_c_message_free_unpacked(m, NULL);
	return s;
}

static void expect_reprint(const ProtobufCMessageDescriptor *desc,
			   const char *json, const char *want)
{
	char *s = reprint(desc, jq(json));
	char *w = strdup(jq(want));
	ASSERT_STREQ(s, w);
	free(s);
	free(w);
}

/* JSON -> message -> protobuf bytes -> message -> JSON, which must give back
 * the canonical input. */
static void round_trip(const ProtobufCMessageDescriptor *desc, const char *json)
{
	char err[256] = "";
	ProtobufCMessage *m = parse_desc(desc, json, err, sizeof(err)), *m2;
	size_t n;
	uint8_t *bin;
	char *s;

	if (!m)
		HB_FAIL_("parse failed: %s", err);
	n = protobuf_c_message_get_packed_size(m);
	bin = malloc(n ? n : 1);
	ASSERT(bin != NULL);
	ASSERT_EQ_INT(protobuf_c_message_pack(m, bin), n);
	m2 = protobuf_c_message_unpack(desc, NULL, n, bin);
	ASSERT(m2 != NULL);
	s = hb_pbjson_print(m2, false);
	ASSERT_STREQ(s, json);
	free(s);
	/* The parsed message prints the same as the unpacked one. */
	s = hb_pbjson_print(m, false);
	ASSERT_STREQ(s, json);
	free(s);
	free(bin);
	protobuf_c_message_free_unpacked(m, NULL);
	protobuf_c_message_free_unpacked(m2, NULL);
}

static const char full_report[] =
	"{'reportId':'6f1c2f7e-1f2a-4c3b-9d8e-0a1b2c3d4e5f','agentVersion':'0.1.0',"
	"'pod':{'namespace':'prod','podName':'web-test-abc','release':'web',"
	"'revision':'9007199254740993','hookEvents':['test','pre-install'],"
	"'hookWeight':-5,'hookName':'web-test'},"
	"'startedAt':'2026-11-25T22:15:03.123Z','finishedAt':'2026-11-25T22:15:04.456Z',"
	"'phase':'PHASE_FAILED','checks':[{'name':'db','kind':'postgres',"
	"'target':'db:5432','outcome':'FAILED','failureClass':'CONNECT_TIMEOUT',"
	"'message':'timed out','hint':'check the Service \xe2\x80\x94 h\xc3\xa9 \xf0\x9f\x98\x80',"
	"'optional':true,'attempts':[{'number':1,'outcome':'FAILED',"
	"'failureClass':'CONNECT_TIMEOUT','message':'timed out after 2s',"
	"'startedAt':'2026-11-25T22:15:03.200Z','durationMs':2000.5,"
	"'timing':{'dnsMs':1.25,'connectMs':2.5,'tlsMs':3.75,'firstByteMs':4.125,"
	"'totalMs':2000.5,'authMs':0.5,'queryMs':0.0625},"
	"'details':[{'key':'addr','value':'10.0.0.7:5432'}]}],"
	"'durationMs':2001.25,'details':[{'key':'addr','value':'10.0.0.7:5432'}],"
	"'command':{'argv':['sh','-c','exit 3'],'exitCode':3,'signal':9,"
	"'stdoutTail':'out\\n','stderrTail':'err\\t\\\\x','durationMs':12.5}},"
	"{'name':'web','kind':'http','outcome':'PASSED'}],"
	"'sandbox':{'mode':'enforce','seccomp':true,'noNewPrivs':true,'rlimits':true,"
	"'landlockAbi':3,'landlockFs':true,'landlockNet':true},'hostname':'node-1'}";

HB_TEST(round_trip_full_report)
{
	char *json = strdup(jq(full_report));
	char err[256] = "";
	Hookbox__V1__Report *r;

	round_trip(&hookbox__v1__report__descriptor, json);
	/* And the values landed where the generated struct has them. */
	r = (Hookbox__V1__Report *)parse(json, err, sizeof(err));
	ASSERT(r != NULL);
	ASSERT_EQ_INT(r->pod->revision, 9007199254740993LL);
	ASSERT_EQ_INT(r->pod->hook_weight, -5);
	ASSERT_EQ_INT(r->pod->n_hook_events, 2);
	ASSERT_STREQ(r->pod->hook_events[1], "pre-install");
	ASSERT_EQ_INT(r->phase, HOOKBOX__V1__PHASE__PHASE_FAILED);
	ASSERT_EQ_INT(r->n_checks, 2);
	ASSERT_EQ_INT(r->checks[0]->outcome, HOOKBOX__V1__OUTCOME__FAILED);
	ASSERT_EQ_INT(r->checks[0]->optional, 1);
	ASSERT(r->checks[0]->attempts[0]->timing->query_ms == 0.0625);
	ASSERT_STREQ(r->checks[0]->command->stdout_tail, "out\n");
	ASSERT_STREQ(r->checks[0]->command->stderr_tail, "err\t\\x");
	ASSERT_EQ_INT(r->sandbox->landlock_abi, 3);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	free(json);
	leak_check();
}

HB_TEST(pretty_print)
{
	char *s = reprint(&hookbox__v1__report__descriptor, jq(full_report));
	char err[256] = "";
	ProtobufCMessage *m = parse(s, err, sizeof(err));
	char *p = hb_pbjson_print(m, true), *again;

	ASSERT(p != NULL);
	ASSERT_CONTAINS(p, "\n\t\"reportId\":");
	/* Pretty output parses back to the same message. */
	again = reprint(&hookbox__v1__report__descriptor, p);
	ASSERT_STREQ(again, s);
	free(again);
	free(p);
	free(s);
	protobuf_c_message_free_unpacked(m, NULL);
	leak_check();
}

HB_TEST(defaults_omitted)
{
	Hookbox__V1__Report r = HOOKBOX__V1__REPORT__INIT;
	char *s = hb_pbjson_print(&r.base, false);

	ASSERT_STREQ(s, "{}");
	free(s);
	/* Zero values are dropped; a present but empty submessage stays. */
	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'reportId':'','pod':{'revision':'0','hookWeight':0,"
		       "'hookEvents':[]},'phase':'PHASE_UNKNOWN','checks':[],"
		       "'sandbox':{'seccomp':false,'mode':'','landlockAbi':0}}",
		       "{'pod':{},'sandbox':{}}");
	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'checks':[{'attempts':[{'timing':{'dnsMs':0}}]}]}",
		       "{'checks':[{'attempts':[{'timing':{}}]}]}");
	leak_check();
}

HB_TEST(int64_as_string)
{
	char err[256] = "";
	Hookbox__V1__Report *r;

	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'pod':{'revision':42}}", "{'pod':{'revision':'42'}}");
	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'pod':{'revision':'-42'}}", "{'pod':{'revision':'-42'}}");
	/* Exact at the edges: a double would turn these into 2^63. */
	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'pod':{'revision':9223372036854775807}}",
		       "{'pod':{'revision':'9223372036854775807'}}");
	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'pod':{'revision':-9223372036854775808}}",
		       "{'pod':{'revision':'-9223372036854775808'}}");
	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'pod':{'revision':'-9223372036854775808'}}",
		       "{'pod':{'revision':'-9223372036854775808'}}");
	/* Integral numbers in any notation are integers. */
	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'pod':{'revision':1e3,'hookWeight':'2.50E1'}}",
		       "{'pod':{'revision':'1000','hookWeight':25}}");
	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'pod':{'revision':-0.0,'hookWeight':10.000}}",
		       "{'pod':{'hookWeight':10}}");
	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'pod':{'revision':'100000000000000000000000000000000000000000000000000"
		       "00000000000000000000000000e-76','hookWeight':'0.00000000000000000000000000"
		       "000000000000000000000000000000000000000000000000000000000000000000000e5'}}",
		       "{'pod':{'revision':'1'}}");
	expect_report_error("{'pod':{'revision':9223372036854775808}}",
			    "pod.revision: value out of range for int64");
	expect_report_error("{'pod':{'revision':'-9223372036854775809'}}",
			    "pod.revision: value out of range for int64");
	expect_report_error("{'pod':{'revision':1e400}}",
			    "pod.revision: value out of range for int64");
	expect_report_error("{'pod':{'revision':1.5}}",
			    "pod.revision: expected an integer");
	expect_report_error("{'pod':{'revision':'1.5'}}",
			    "pod.revision: expected an integer");
	expect_report_error("{'pod':{'revision':1e-400}}",
			    "pod.revision: expected an integer");
	expect_report_error("{'pod':{'revision':' 1'}}",
			    "pod.revision: expected an integer");
	expect_report_error("{'pod':{'revision':'0x10'}}",
			    "pod.revision: expected an integer");
	expect_report_error("{'pod':{'hookWeight':2147483648}}",
			    "pod.hookWeight: value out of range for int32");
	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'pod':{'hookWeight':-2147483648}}",
		       "{'pod':{'hookWeight':-2147483648}}");
	r = (Hookbox__V1__Report *)parse(jq("{'pod':{'revision':'9007199254740993'}}"),
					 err, sizeof(err));
	ASSERT(r != NULL);
	ASSERT_EQ_INT(r->pod->revision, 9007199254740993LL);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	leak_check();
}

HB_TEST(enum_names)
{
	char err[256] = "";
	Hookbox__V1__Report *r;

	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'phase':2,'checks':[{'outcome':'ERROR','failureClass':16}]}",
		       "{'phase':'PHASE_SUCCEEDED','checks':[{'outcome':'ERROR',"
		       "'failureClass':'NETWORK_ERROR'}]}");
	/* A value a newer schema may name stays a number. */
	expect_reprint(&hookbox__v1__report__descriptor, "{'phase':99}",
		       "{'phase':99}");
	r = (Hookbox__V1__Report *)parse(jq("{'phase':'PHASE_RUNNING'}"), err,
					 sizeof(err));
	ASSERT(r != NULL);
	ASSERT_EQ_INT(r->phase, HOOKBOX__V1__PHASE__PHASE_RUNNING);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	leak_check();
}

HB_TEST(bad_enum)
{
	expect_report_error("{'checks':[{},{},{},{'outcome':'PASS'}]}",
			    "checks[3].outcome: unknown enum value \"PASS\"");
	expect_report_error("{'phase':'phase_running'}",
			    "phase: unknown enum value \"phase_running\"");
	expect_report_error("{'phase':true}",
			    "phase: expected an enum name or number");
	expect_report_error("{'phase':1.5}", "phase: expected an integer");
	expect_report_error("{'phase':4294967296}",
			    "phase: value out of range for enum");
	/* Hostile text is escaped in the message. */
	expect_report_error("{'phase':'a\\nb\\u001b'}",
			    "phase: unknown enum value \"a\\x0ab\\x1b\"");
	leak_check();
}

HB_TEST(unknown_field)
{
	expect_report_error("{'pod':{'bogus':1}}",
			    "pod: unknown field \"bogus\" in hookbox.v1.PodMeta");
	expect_report_error("{'reportID':'x'}",
			    "unknown field \"reportID\" in hookbox.v1.Report");
	expect_report_error("{'checks':[{'attempts':[{},{'timing':{'dns':1}}]}]}",
			    "checks[0].attempts[1].timing: unknown field \"dns\" "
			    "in hookbox.v1.Timing");
	leak_check();
}

HB_TEST(wrong_type)
{
	expect_report_error("{'pod':{'revision':true}}",
			    "pod.revision: expected an integer");
	expect_report_error("{'checks':[{},{'optional':'yes'}]}",
			    "checks[1].optional: expected true or false");
	expect_report_error("{'checks':{}}", "checks: expected an array");
	expect_report_error("{'checks':[[]]}", "checks[0]: expected an object");
	expect_report_error("{'checks':[null]}",
			    "checks[0]: null is not allowed in a list");
	expect_report_error("{'pod':{'hookEvents':['a',1]}}",
			    "pod.hookEvents[1]: expected a string");
	expect_report_error("{'pod':[]}", "pod: expected an object");
	expect_report_error("{'hostname':5}", "hostname: expected a string");
	expect_report_error("{'checks':[{'durationMs':'abc'}]}",
			    "checks[0].durationMs: expected a number");
	expect_report_error("{'checks':[{'durationMs':true}]}",
			    "checks[0].durationMs: expected a number");
	expect_report_error("{'checks':[{'durationMs':1e999}]}",
			    "checks[0].durationMs: value out of range for double");
	expect_report_error("[]",
			    "expected a JSON object for hookbox.v1.Report");
	expect_report_error("'x'",
			    "expected a JSON object for hookbox.v1.Report");
	leak_check();
}

HB_TEST(doubles)
{
	/* NaN and the infinities travel as strings; numbers may be strings. */
	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'checks':[{'durationMs':'NaN','attempts':[{'durationMs':"
		       "'Infinity','timing':{'dnsMs':'-Infinity','tlsMs':'1.5',"
		       "'totalMs':1e-7,'authMs':0.1,'queryMs':123456789012}}]}]}",
		       "{'checks':[{'attempts':[{'durationMs':'Infinity','timing':"
		       "{'dnsMs':'-Infinity','tlsMs':1.5,'totalMs':1e-07,"
		       "'authMs':0.1,'queryMs':123456789012}}],'durationMs':'NaN'}]}");
	expect_report_error("{'checks':[{'durationMs':'nan'}]}",
			    "checks[0].durationMs: expected a number");
	/* Doubles that need 17 digits keep them (cJSON alone prints 0.3). */
	{
		char err[256] = "";
		char *json = strdup(jq("{'checks':[{'durationMs':0.30000000000000004},"
				       "{'durationMs':1.7976931348623157e+308},"
				       "{'durationMs':2.2250738585072014e-308}]}"));
		Hookbox__V1__Report *r =
			(Hookbox__V1__Report *)parse(json, err, sizeof(err));
		ASSERT(r != NULL);
		ASSERT(r->checks[0]->duration_ms == 0.1 + 0.2);
		protobuf_c_message_free_unpacked(&r->base, NULL);
		round_trip(&hookbox__v1__report__descriptor, json);
		free(json);
	}
	leak_check();
}

HB_TEST(invalid_utf8)
{
	static const char *bad[] = {
		"a\xff",		/* never valid */
		"\xc0\xaf",		/* overlong '/' */
		"\xe0\x80\xaf",		/* overlong, 3 bytes */
		"\xed\xa0\x80",		/* UTF-16 surrogate */
		"\xf4\x90\x80\x80",	/* above U+10FFFF */
		"\xe2\x82",		/* truncated */
		"\x80",			/* lone continuation */
	};
	char json[64], err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ProtobufCMessage *m;
		snprintf(json, sizeof(json), "{\"hostname\":\"%s\"}", bad[i]);
		m = parse(json, err, sizeof(err));
		ASSERT(m == NULL);
		ASSERT_STREQ(err, "hostname: invalid UTF-8 in string");
		snprintf(json, sizeof(json), "{\"pod\":{\"hookEvents\":[\"%s\"]}}",
			 bad[i]);
		m = parse(json, err, sizeof(err));
		ASSERT(m == NULL);
		ASSERT_STREQ(err, "pod.hookEvents[0]: invalid UTF-8 in string");
	}
	/* In a key it is simply not a field, and the message shows bytes. */
	expect_report_error("{'a\xff':1}",
			    "unknown field \"a\\xff\" in hookbox.v1.Report");
	/* Escapes, surrogate pairs included, decode to valid UTF-8. */
	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'hostname':'\\u00e9\\ud83d\\ude00\\u2014'}",
		       "{'hostname':'\xc3\xa9\xf0\x9f\x98\x80\xe2\x80\x94'}");
	expect_report_error("{'hostname':'\\ud83d'}",
			    "line 1, column 14: invalid JSON");
	/* A NUL would silently cut the C string short. */
	expect_report_error("{'hostname':'a\\u0000b'}",
			    "line 1, column 15: \\u0000 in string is not supported");
	expect_report_error("{'hostname':'a\tb'}",
			    "line 1, column 15: control character in string");
	leak_check();
}

HB_TEST(invalid_utf8_repaired_on_output)
{
	Hookbox__V1__Report r = HOOKBOX__V1__REPORT__INIT;
	char host[] = "a\xff" "b\xc3";
	char err[256] = "";
	ProtobufCMessage *m;
	char *s;

	/* protobuf-c's unpacker does not check UTF-8; the printer must
	 * still produce JSON that the parser accepts. */
	r.hostname = host;
	s = hb_pbjson_print(&r.base, false);
	ASSERT_STREQ(s, "{\"hostname\":\"a\xef\xbf\xbd" "b\xef\xbf\xbd\"}");
	m = parse(s, err, sizeof(err));
	ASSERT(m != NULL);
	protobuf_c_message_free_unpacked(m, NULL);
	free(s);
	leak_check();
}

static char *nested(const char *head, const char *open, const char *close,
		    size_t depth, const char *tail)
{
	size_t lo = strlen(open), lc = strlen(close);
	char *s = malloc(strlen(head) + depth * (lo + lc) + strlen(tail) + 1), *p;

	ASSERT(s != NULL);
	p = stpcpy(s, head);
	for (size_t i = 0; i < depth; i++)
		p = stpcpy(p, open);
	for (size_t i = 0; i < depth; i++)
		p = stpcpy(p, close);
	stpcpy(p, tail);
	return s;
}

HB_TEST(deep_nesting_rejected)
{
	char err[256] = "";
	char *s;

	/* 33 levels: the object and 32 arrays. */
	s = nested("{\"x\":", "[", "]", 32, "}");
	ASSERT(parse(s, err, sizeof(err)) == NULL);
	ASSERT_STREQ(err, "line 1, column 37: nested deeper than 32 levels");
	free(s);
	/* Far deeper than cJSON's own limit, and quickly. */
	s = nested("{\"x\":", "[", "]", 1000000, "}");
	ASSERT(parse(s, err, sizeof(err)) == NULL);
	ASSERT_CONTAINS(err, "nested deeper than 32 levels");
	free(s);
	s = nested("", "{\"a\":", "}", 100000, "");
	ASSERT(parse(s, err, sizeof(err)) == NULL);
	ASSERT_CONTAINS(err, "nested deeper than 32 levels");
	free(s);
	/* 32 levels are fine as JSON; this one fails on the field name. */
	s = nested("{\"x\":", "[", "]", 31, "}");
	ASSERT(parse(s, err, sizeof(err)) == NULL);
	ASSERT_STREQ(err, "unknown field \"x\" in hookbox.v1.Report");
	free(s);
	leak_check();
}

HB_TEST(proto_names_accepted)
{
	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'report_id':'r','pod':{'pod_name':'p','hook_weight':-5,"
		       "'hook_events':['test']},'checks':[{'failure_class':"
		       "'TIMEOUT','attempts':[{'timing':{'first_byte_ms':1}}]}],"
		       "'sandbox':{'no_new_privs':true,'landlock_abi':1}}",
		       "{'reportId':'r','pod':{'podName':'p','hookEvents':['test'],"
		       "'hookWeight':-5},'checks':[{'failureClass':'TIMEOUT',"
		       "'attempts':[{'timing':{'firstByteMs':1}}]}],"
		       "'sandbox':{'noNewPrivs':true,'landlockAbi':1}}");
	/* Both names of one field is one field given twice. */
	expect_report_error("{'reportId':'a','report_id':'b'}",
			    "duplicate field \"report_id\"");
	expect_report_error("{'pod':{'release':'a','release':'a'}}",
			    "pod: duplicate field \"release\"");
	expect_report_error("{'checks':[],'checks':[{}]}",
			    "duplicate field \"checks\"");
	leak_check();
}

HB_TEST(null_accepted)
{
	expect_reprint(&hookbox__v1__report__descriptor,
		       "{'reportId':null,'pod':null,'checks':null,'phase':null,"
		       "'sandbox':{'seccomp':null,'landlockAbi':null}}",
		       "{'sandbox':{}}");
	expect_report_error("{'hostname':null,'hostname':'x'}",
			    "duplicate field \"hostname\"");
	leak_check();
}

HB_TEST(syntax_errors)
{
	expect_report_error("", "line 1, column 1: invalid JSON");
	expect_report_error("{'reportId':}", "line 1, column 13: invalid JSON");
	expect_report_error("{}\n x", "line 2, column 2: unexpected text after "
				      "the JSON value");
	expect_report_error("{'pod':{'hookWeight':01}}",
			    "line 1, column 22: invalid number");
	expect_report_error("{'pod':{'hookWeight':1.}}",
			    "line 1, column 22: invalid number");
	expect_report_error("{'pod':{'hookWeight':-}}",
			    "line 1, column 22: invalid number");
	expect_report_error("{'hostname':'abc", "line 1, column 13: "
						    "unterminated string");
	expect_report_error("{'hostname':'\\x'}",
			    "line 1, column 14: invalid escape in string");
	expect_reprint(&hookbox__v1__report__descriptor,
		       " \r\n\t{'hostname':'h'} \n\n", "{'hostname':'h'}");
	leak_check();
}

HB_TEST(nul_byte_in_input)
{
	char err[256] = "";
	static const char text[] = "{\"hostname\":\"a\0b\"}";

	ASSERT(hb_pbjson_parse(&hookbox__v1__report__descriptor, text,
			       sizeof(text) - 1, err, sizeof(err)) == NULL);
	ASSERT_STREQ(err, "line 1, column 15: control character in string");
	/* The length is honoured: no terminator needed, none read past. */
	{
		char *p = malloc(2);
		ASSERT(p != NULL);
		memcpy(p, "{}", 2);
		ProtobufCMessage *m = hb_pbjson_parse(&hookbox__v1__report__descriptor,
						      p, 2, err, sizeof(err));
		ASSERT(m != NULL);
		protobuf_c_message_free_unpacked(m, NULL);
		free(p);
	}
	leak_check();
}

HB_TEST(decode_tree)
{
	cJSON *j = cJSON_CreateObject(), *pod = cJSON_AddObjectToObject(j, "pod");
	char err[256] = "";
	Hookbox__V1__Report *r;

	/* A tree built in memory has no number text: doubles are used. */
	cJSON_AddNumberToObject(pod, "revision", 42);
	cJSON_AddNumberToObject(pod, "hookWeight", -3);
	r = (Hookbox__V1__Report *)hb_pbjson_decode(&hookbox__v1__report__descriptor,
						    j, err, sizeof(err));
	ASSERT(r != NULL);
	ASSERT_EQ_INT(r->pod->revision, 42);
	ASSERT_EQ_INT(r->pod->hook_weight, -3);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	cJSON_ReplaceItemInObject(pod, "revision", cJSON_CreateNumber(1.5));
	ASSERT(hb_pbjson_decode(&hookbox__v1__report__descriptor, j, err,
				sizeof(err)) == NULL);
	ASSERT_STREQ(err, "pod.revision: expected an integer");
	cJSON_ReplaceItemInObject(pod, "revision", cJSON_CreateNumber(-9223372036854775808.0));
	r = (Hookbox__V1__Report *)hb_pbjson_decode(&hookbox__v1__report__descriptor,
						    j, err, sizeof(err));
	ASSERT(r != NULL);
	ASSERT_EQ_INT(r->pod->revision, INT64_MIN);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	cJSON_ReplaceItemInObject(pod, "revision", cJSON_CreateNumber(9223372036854775808.0));
	ASSERT(hb_pbjson_decode(&hookbox__v1__report__descriptor, j, err,
				sizeof(err)) == NULL);
	ASSERT_STREQ(err, "pod.revision: value out of range for int64");
	cJSON_Delete(j);
	/* encode is the inverse. */
	{
		char *s = strdup(jq("{'reportId':'x','pod':{'revision':'7'}}"));
		ProtobufCMessage *m = parse(s, err, sizeof(err));
		cJSON *e = hb_pbjson_encode(m);
		ASSERT(e != NULL);
		ASSERT_STREQ(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "pod"),
						 "revision")->valuestring, "7");
		cJSON_Delete(e);
		protobuf_c_message_free_unpacked(m, NULL);
		free(s);
	}
	leak_check();
}

/* A proto2 message written out as protoc-c 1.4.1 generates it, so that the
 * field kinds report.proto does not use (bytes, float, uint64, sint32,
 * optional with has_, oneof, required, defaults) are covered too:
 *
 *   message Kitchen {
 *     optional bytes blob = 1;   optional int32 opt_num = 2;
 *     oneof choice { string pick_str = 3; int64 pick_num = 4;
 *                    Kitchen pick_msg = 5; }
 *     optional float ratio = 6;  optional uint64 big = 7;
 *     optional sint32 s32 = 8;   repeated bytes blobs = 9;
 *     repeated float fs = 10;    optional string opt_str = 11 [default = "dflt"];
 *     required uint32 req = 12;
 *   }
 */
struct kitchen {
	ProtobufCMessage base;
	protobuf_c_boolean has_blob;
	ProtobufCBinaryData blob;
	protobuf_c_boolean has_opt_num;
	int32_t opt_num;
	protobuf_c_boolean has_ratio;
	float ratio;
	protobuf_c_boolean has_big;
	uint64_t big;
	protobuf_c_boolean has_s32;
	int32_t s32;
	size_t n_blobs;
	ProtobufCBinaryData *blobs;
	size_t n_fs;
	float *fs;
	char *opt_str;
	uint32_t req;
	uint32_t choice_case;
	union {
		char *pick_str;
		int64_t pick_num;
		struct kitchen *pick_msg;
	};
};

extern const ProtobufCMessageDescriptor kitchen_descriptor;
static char kitchen_opt_str_default[] = "dflt";

static void kitchen_init(ProtobufCMessage *m)
{
	static const struct kitchen init = {
		.base = PROTOBUF_C_MESSAGE_INIT(&kitchen_descriptor),
		.opt_str = kitchen_opt_str_default,
	};
	*(struct kitchen *)m = init;
}

#define KFIELD(name, id, label, type, q, member, desc, def, flags)             \
	{ name, id, PROTOBUF_C_LABEL_##label, PROTOBUF_C_TYPE_##type, q,          \
	  offsetof(struct kitchen, member), desc, def, flags, 0, NULL, NULL }
#define KQ(member) offsetof(struct kitchen, member)
#define KONEOF PROTOBUF_C_FIELD_FLAG_ONEOF

static const ProtobufCFieldDescriptor kitchen_fields[] = {
	KFIELD("blob", 1, OPTIONAL, BYTES, KQ(has_blob), blob, NULL, NULL, 0),
	KFIELD("opt_num", 2, OPTIONAL, INT32, KQ(has_opt_num), opt_num, NULL, NULL, 0),
	KFIELD("pick_str", 3, OPTIONAL, STRING, KQ(choice_case), pick_str, NULL, NULL, KONEOF),
	KFIELD("pick_num", 4, OPTIONAL, INT64, KQ(choice_case), pick_num, NULL, NULL, KONEOF),
	KFIELD("pick_msg", 5, OPTIONAL, MESSAGE, KQ(choice_case), pick_msg,
	       &kitchen_descriptor, NULL, KONEOF),
	KFIELD("ratio", 6, OPTIONAL, FLOAT, KQ(has_ratio), ratio, NULL, NULL, 0),
	KFIELD("big", 7, OPTIONAL, UINT64, KQ(has_big), big, NULL, NULL, 0),
	KFIELD("s32", 8, OPTIONAL, SINT32, KQ(has_s32), s32, NULL, NULL, 0),
	KFIELD("blobs", 9, REPEATED, BYTES, KQ(n_blobs), blobs, NULL, NULL, 0),
	KFIELD("fs", 10, REPEATED, FLOAT, KQ(n_fs), fs, NULL, NULL, 0),
	KFIELD("opt_str", 11, OPTIONAL, STRING, 0, opt_str, NULL,
	       kitchen_opt_str_default, 0),
	KFIELD("req", 12, REQUIRED, UINT32, 0, req, NULL, NULL, 0),
};
static const unsigned kitchen_by_name[] = { 6, 0, 8, 9, 1, 10, 4, 3, 2, 5, 11, 7 };
static const ProtobufCIntRange kitchen_ranges[] = { { 1, 0 }, { 0, 12 } };

const ProtobufCMessageDescriptor kitchen_descriptor = {
	PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC, "hbtest.Kitchen", "Kitchen",
	"Kitchen", "hbtest", sizeof(struct kitchen), 12, kitchen_fields,
	kitchen_by_name, 1, kitchen_ranges, kitchen_init, NULL, NULL, NULL,
};

HB_TEST(kitchen_round_trip)
{
	char *json;

	/* Presence (has_, oneof, required) prints even zero values. */
	json = strdup(jq("{'blob':'aGVsbG8=','optNum':0,'pickStr':'','ratio':0.1,"
			 "'big':'18446744073709551615','s32':-7,"
			 "'blobs':['','AQID','/+8='],"
			 "'fs':[1.5,'NaN','Infinity','-Infinity',3.4028235e+38,1e-45],"
			 "'optStr':'','req':0}"));
	round_trip(&kitchen_descriptor, json);
	free(json);
	json = strdup(jq("{'pickMsg':{'pickNum':'-9223372036854775808','req':2},"
			 "'req':4294967295}"));
	round_trip(&kitchen_descriptor, json);
	free(json);
	json = strdup(jq("{'pickMsg':{'req':2},'req':1}"));
	round_trip(&kitchen_descriptor, json);
	free(json);
	/* URL-safe and unpadded base64 are accepted; output is standard. */
	expect_reprint(&kitchen_descriptor,
		       "{'blob':'_-8','blobs':['AQ','AQI'],'req':1}",
		       "{'blob':'/+8=','blobs':['AQ==','AQI='],'req':1}");
	/* Absent optionals stay absent, and the default string is not
	 * freed (ASan would say so). */
	expect_reprint(&kitchen_descriptor, "{'req':1,'optStr':null,'blob':''}",
		       "{'blob':'','req':1}");
	leak_check();
}

HB_TEST(kitchen_errors)
{
	const ProtobufCMessageDescriptor *k = &kitchen_descriptor;

	expect_error(k, "{}", "missing required field \"req\"");
	expect_error(k, "{'req':null}", "missing required field \"req\"");
	expect_error(k, "{'req':1,'pickMsg':{'pickMsg':{}}}",
		     "pickMsg.pickMsg: missing required field \"req\"");
	expect_error(k, "{'req':1,'pickStr':'a','pickNum':'2'}",
		     "pickNum: \"pick_str\" and \"pick_num\" are in the same oneof");
	expect_error(k, "{'req':1,'pickMsg':{'req':1},'pick_str':'a'}",
		     "pick_str: \"pick_msg\" and \"pick_str\" are in the same oneof");
	expect_error(k, "{'req':1,'blob':'a'}", "blob: invalid base64");
	expect_error(k, "{'req':1,'blob':'ab$='}", "blob: invalid base64");
	expect_error(k, "{'req':1,'blobs':['AQ==',5]}",
		     "blobs[1]: expected a base64 string");
	expect_error(k, "{'req':1,'ratio':1e39}",
		     "ratio: value out of range for float");
	expect_error(k, "{'req':1,'fs':[1,'1e39']}",
		     "fs[1]: value out of range for float");
	expect_error(k, "{'req':1,'big':'-1'}", "big: value out of range for uint64");
	expect_error(k, "{'req':1,'big':18446744073709551616}",
		     "big: value out of range for uint64");
	expect_error(k, "{'req':-1}", "req: value out of range for uint32");
	expect_error(k, "{'req':1,'s32':-2147483649}",
		     "s32: value out of range for sint32");
	leak_check();
}

HB_TEST(kitchen_message_depth)
{
	char err[256] = "";
	char *s;
	cJSON *j;

	/* A recursive schema: the decoder caps message depth even for a
	 * tree that did not come through the text parser. */
	s = nested("", "{\"req\":1,\"pickMsg\":", "}", 40, "");
	s[strlen(s) - 40] = '\0';
	{
		/* Close the innermost: {"req":1,"pickMsg":...{"req":1}...} */
		char *t = malloc(strlen(s) + 40 + 16);
		ASSERT(t != NULL);
		strcpy(t, s);
		t[strlen(t) - strlen(",\"pickMsg\":")] = '\0';
		strcat(t, "}");
		for (int i = 0; i < 39; i++)
			strcat(t, "}");
		free(s);
		s = t;
	}
	j = cJSON_Parse(s);
	ASSERT(j != NULL);
	ASSERT(hb_pbjson_decode(&kitchen_descriptor, j, err, sizeof(err)) == NULL);
	ASSERT_CONTAINS(err, "...");
	ASSERT_CONTAINS(err, ".pickMsg.pickMsg: nested deeper than 32 levels");
	ASSERT(strlen(err) == sizeof(err) - 1);
	ASSERT(parse_desc(&kitchen_descriptor, s, err, sizeof(err)) == NULL);
	ASSERT_CONTAINS(err, "line 1, column ");
	ASSERT_CONTAINS(err, ": nested deeper than 32 levels");
	cJSON_Delete(j);
	free(s);
	leak_check();
}

HB_TEST(error_buffer_small_or_absent)
{
	char err[8];

	ASSERT(parse(jq("{'pod':{'bogus':1}}"), err, sizeof(err)) == NULL);
	ASSERT_STREQ(err, "pod: un");
	ASSERT(parse(jq("{'pod':{'bogus':1}}"), NULL, 0) == NULL);
	ASSERT(parse("{", NULL, 0) == NULL);
	leak_check();
}

HB_TEST_MAIN(round_trip_full_report, pretty_print, defaults_omitted,
	     int64_as_string, enum_names, bad_enum, unknown_field, wrong_type,
	     doubles, invalid_utf8, invalid_utf8_repaired_on_output,
	     deep_nesting_rejected, proto_names_accepted, null_accepted,
	     syntax_errors, nul_byte_in_input, decode_tree, kitchen_round_trip,
	     kitchen_errors, kitchen_message_depth, error_buffer_small_or_absent)
