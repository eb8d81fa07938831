/* SPDX-License-Identifier: MIT */
/* The kubernetes kind's pure parts: an object's name to its API path
 * (core/k8s.c), and the judgement of a rollout and of a condition
 * (kinds/k8s_judge.c), fed the status shapes the API returns. */
#include "hbtest.h"

#include "classify.h"
#include "k8s.h"
#include "k8s_judge.h"
#include "hookbox/v1/report.pb-c.h"

#include <cjson/cJSON.h>

static struct hb_k8s_ref parse_ok(const char *object)
{
	struct hb_k8s_ref r;
	char why[256] = "";
	if (hb_k8s_parse_object(object, &r, why, sizeof(why)) != 0)
		HB_FAIL_("\"%s\" refused: %s", object, why);
	return r;
}

static void parse_bad(const char *object, const char *needle)
{
	struct hb_k8s_ref r;
	char why[256] = "";
	if (hb_k8s_parse_object(object, &r, why, sizeof(why)) == 0)
		HB_FAIL_("\"%s\" accepted", object);
	ASSERT_CONTAINS(why, needle);
}

static const char *path_of(const char *object, const char *ns)
{
	static char path[600];
	struct hb_k8s_ref r = parse_ok(object);
	ASSERT_EQ_INT(hb_k8s_api_path(&r, ns, path, sizeof(path)), 0);
	return path;
}

HB_TEST(short_and_long_names)
{
	static const char *const deploy[] = { "deploy/web", "deployment/web",
					      "deployments/web" };
	for (size_t i = 0; i < 3; i++) {
		struct hb_k8s_ref r = parse_ok(deploy[i]);
		ASSERT_STREQ(r.group, "apps");
		ASSERT_STREQ(r.version, "v1");
		ASSERT_STREQ(r.resource, "deployments");
		ASSERT_STREQ(r.name, "web");
		ASSERT(r.namespaced);
		ASSERT_EQ_INT(r.rollout, HB_K8S_DEPLOYMENT);
	}
	ASSERT_EQ_INT(parse_ok("sts/db").rollout, HB_K8S_STATEFULSET);
	ASSERT_EQ_INT(parse_ok("ds/agent").rollout, HB_K8S_DAEMONSET);
	ASSERT_EQ_INT(parse_ok("job/migrate").rollout, HB_K8S_NO_ROLLOUT);
	ASSERT_STREQ(parse_ok("job/migrate").group, "batch");
	ASSERT_STREQ(parse_ok("svc/web").resource, "services");
	ASSERT_STREQ(parse_ok("secret/web-tls").resource, "secrets");
	ASSERT_STREQ(parse_ok("cm/web").resource, "configmaps");
	struct hb_k8s_ref crd = parse_ok("crd/certificates.cert-manager.io");
	ASSERT_STREQ(crd.group, "apiextensions.k8s.io");
	ASSERT_STREQ(crd.name, "certificates.cert-manager.io");
	ASSERT(!crd.namespaced);
	char res[128];
	hb_k8s_resource_name(&crd, res, sizeof(res));
	ASSERT_STREQ(res, "customresourcedefinitions.apiextensions.k8s.io");
	struct hb_k8s_ref cm = parse_ok("cm/x");
	hb_k8s_resource_name(&cm, res, sizeof(res));
	ASSERT_STREQ(res, "configmaps");
}

HB_TEST(group_version_resource)
{
	struct hb_k8s_ref r = parse_ok("cert-manager.io/v1/certificates/web-tls");
	ASSERT_STREQ(r.group, "cert-manager.io");
	ASSERT_STREQ(r.version, "v1");
	ASSERT_STREQ(r.resource, "certificates");
	ASSERT_STREQ(r.name, "web-tls");
	ASSERT(r.namespaced);
	ASSERT_EQ_INT(r.rollout, HB_K8S_NO_ROLLOUT);
	/* The built-in workloads written out keep their rollout rule. */
	ASSERT_EQ_INT(parse_ok("apps/v1/deployments/web").rollout,
		      HB_K8S_DEPLOYMENT);
	ASSERT_STREQ(parse_ok("policy/v1/poddisruptionbudgets/web").group,
		     "policy");
	/* The core group has none. */
	r = parse_ok("v1/endpoints/web");
	ASSERT_STREQ(r.group, "");
	ASSERT_STREQ(r.resource, "endpoints");
	ASSERT_STREQ(parse_ok("monitoring.coreos.com/v1beta1/x/y").version,
		     "v1beta1");
}

HB_TEST(bad_objects_say_why)
{
	parse_bad("web", "expected RESOURCE/NAME");
	parse_bad("a/b/c/d/e", "expected RESOURCE/NAME");
	parse_bad("deploy/", "not an object's name");
	parse_bad("deploy/Web", "not an object's name");
	parse_bad("deploy/web_1", "not an object's name");
	parse_bad("deploy/-web", "not an object's name");
	parse_bad("deploy/a..b", "not an object's name");
	parse_bad("deploi/web", "unknown resource \"deploi\"");
	parse_bad("cert-manager.io/1/certificates/x", "not an API version");
	parse_bad("cert-manager.io/v1gamma1/certificates/x",
		  "not an API version");
	parse_bad("Cert.io/v1/certificates/x", "not an API group");
	parse_bad("cert-manager.io/v1/Certificates/x", "not a resource");
	parse_bad("/v1/pods/x", "not an API group");
}

HB_TEST(api_paths)
{
	ASSERT_STREQ(path_of("deploy/web", "shop"),
		     "/apis/apps/v1/namespaces/shop/deployments/web");
	ASSERT_STREQ(path_of("job/migrate", "shop"),
		     "/apis/batch/v1/namespaces/shop/jobs/migrate");
	ASSERT_STREQ(path_of("svc/web", "shop"),
		     "/api/v1/namespaces/shop/services/web");
	ASSERT_STREQ(path_of("crd/certificates.cert-manager.io", NULL),
		     "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
		     "certificates.cert-manager.io");
	ASSERT_STREQ(path_of("cert-manager.io/v1/clusterissuers/le", ""),
		     "/apis/cert-manager.io/v1/clusterissuers/le");
	struct hb_k8s_ref r = parse_ok("deploy/web");
	char small[20];
	ASSERT_EQ_INT(hb_k8s_api_path(&r, "shop", small, sizeof(small)), -1);
}

HB_TEST(namespaces_and_conditions)
{
	ASSERT(hb_k8s_valid_namespace("shop"));
	ASSERT(hb_k8s_valid_namespace("kube-system"));
	ASSERT(!hb_k8s_valid_namespace(""));
	ASSERT(!hb_k8s_valid_namespace("Shop"));
	ASSERT(!hb_k8s_valid_namespace("a.b"));
	ASSERT(!hb_k8s_valid_namespace("../etc"));
	char type[64], status[16], why[128];
	ASSERT_EQ_INT(hb_k8s_condition_split("Complete", type, sizeof(type),
					     status, sizeof(status), why,
					     sizeof(why)), 0);
	ASSERT_STREQ(type, "Complete");
	ASSERT_STREQ(status, "True");
	ASSERT_EQ_INT(hb_k8s_condition_split("Ready=False", type, sizeof(type),
					     status, sizeof(status), why,
					     sizeof(why)), 0);
	ASSERT_STREQ(type, "Ready");
	ASSERT_STREQ(status, "False");
	ASSERT_EQ_INT(hb_k8s_condition_split("=True", type, sizeof(type),
					     status, sizeof(status), why,
					     sizeof(why)), -1);
	ASSERT_EQ_INT(hb_k8s_condition_split("Ready=", type, sizeof(type),
					     status, sizeof(status), why,
					     sizeof(why)), -1);
	ASSERT_EQ_INT(hb_k8s_condition_split("Ready=a=b", type, sizeof(type),
					     status, sizeof(status), why,
					     sizeof(why)), -1);
	ASSERT_EQ_INT(hb_k8s_condition_split("Is Ready", type, sizeof(type),
					     status, sizeof(status), why,
					     sizeof(why)), -1);
	ASSERT_CONTAINS(why, "without spaces");
}

/* Parses json written with single quotes for double ones. */
static cJSON *parse_quoted(const char *json)
{
	char text[4096];
	size_t i = 0;
	for (; json[i] && i + 1 < sizeof(text); i++)
		text[i] = json[i] == '\'' ? '"' : json[i];
	text[i] = '\0';
	cJSON *o = cJSON_Parse(text);
	if (!o)
		HB_FAIL_("bad test JSON: %s", text);
	return o;
}

/* Judges the object in json by rule kind. */
static enum k8s_verdict rollout(const char *json, enum hb_k8s_rollout kind,
				char *msg, size_t len)
{
	cJSON *o = parse_quoted(json);
	enum k8s_verdict v = k8s_rollout_judge(o, kind, msg, len);
	cJSON_Delete(o);
	return v;
}

static enum k8s_verdict cond(const char *json, const char *c, char *msg,
			     size_t len)
{
	cJSON *o = parse_quoted(json);
	enum k8s_verdict v = k8s_condition_judge(o, c, msg, len);
	cJSON_Delete(o);
	return v;
}

HB_TEST(deployment_rollout)
{
	char msg[512];
	/* helm upgrade changed the template; the controller has not seen it. */
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'web','generation':3},"
			      "'spec':{'replicas':3},'status':{'observedGeneration':2,"
			      "'replicas':3,'updatedReplicas':3,'availableReplicas':3}}",
			      HB_K8S_DEPLOYMENT, msg, sizeof(msg)),
		      K8S_NOT_YET);
	ASSERT_CONTAINS(msg, "spec update to be observed");
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'web','generation':3},"
			      "'spec':{'replicas':3},'status':{'observedGeneration':3,"
			      "'replicas':4,'updatedReplicas':2,'availableReplicas':3}}",
			      HB_K8S_DEPLOYMENT, msg, sizeof(msg)),
		      K8S_NOT_YET);
	ASSERT_CONTAINS(msg, "2 out of 3 new replicas have been updated");
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'web','generation':3},"
			      "'spec':{'replicas':3},'status':{'observedGeneration':3,"
			      "'replicas':4,'updatedReplicas':3,'availableReplicas':3}}",
			      HB_K8S_DEPLOYMENT, msg, sizeof(msg)),
		      K8S_NOT_YET);
	ASSERT_CONTAINS(msg, "1 old replicas are pending termination");
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'web','generation':3},"
			      "'spec':{'replicas':3},'status':{'observedGeneration':3,"
			      "'replicas':3,'updatedReplicas':3,'availableReplicas':2}}",
			      HB_K8S_DEPLOYMENT, msg, sizeof(msg)),
		      K8S_NOT_YET);
	ASSERT_CONTAINS(msg, "2 of 3 updated replicas are available");
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'web','generation':3},"
			      "'spec':{'replicas':3},'status':{'observedGeneration':3,"
			      "'replicas':3,'updatedReplicas':3,'availableReplicas':3}}",
			      HB_K8S_DEPLOYMENT, msg, sizeof(msg)),
		      K8S_HOLDS);
	ASSERT_STREQ(msg, "deployment \"web\" successfully rolled out");
	/* Scaled to zero: nothing to wait for (the API leaves the 0s out). */
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'web','generation':4},"
			      "'spec':{'replicas':0},'status':{'observedGeneration':4}}",
			      HB_K8S_DEPLOYMENT, msg, sizeof(msg)),
		      K8S_HOLDS);
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'web','generation':3},"
			      "'spec':{'replicas':3},'status':{'observedGeneration':3,"
			      "'replicas':4,'updatedReplicas':1,'conditions':["
			      "{'type':'Progressing','status':'False','reason':"
			      "'ProgressDeadlineExceeded','message':'ReplicaSet "
			      "\\'web-7c9d6b5f8d\\' has timed out progressing.'}]}}",
			      HB_K8S_DEPLOYMENT, msg, sizeof(msg)),
		      K8S_FAILED);
	ASSERT_CONTAINS(msg, "exceeded its progress deadline");
}

HB_TEST(statefulset_rollout)
{
	char msg[512];
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'db','generation':1},"
			      "'spec':{'replicas':3,'updateStrategy':{'type':'RollingUpdate'}},"
			      "'status':{}}",
			      HB_K8S_STATEFULSET, msg, sizeof(msg)),
		      K8S_NOT_YET);
	ASSERT_CONTAINS(msg, "spec update to be observed");
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'db','generation':2},"
			      "'spec':{'replicas':3,'updateStrategy':{'type':'RollingUpdate'}},"
			      "'status':{'observedGeneration':2,'readyReplicas':1}}",
			      HB_K8S_STATEFULSET, msg, sizeof(msg)),
		      K8S_NOT_YET);
	ASSERT_CONTAINS(msg, "2 pods to be ready");
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'db','generation':2},"
			      "'spec':{'replicas':3,'updateStrategy':{'type':'RollingUpdate'}},"
			      "'status':{'observedGeneration':2,'readyReplicas':3,"
			      "'updatedReplicas':1,'currentReplicas':2,"
			      "'currentRevision':'db-6d4b9c','updateRevision':'db-7f8a1e'}}",
			      HB_K8S_STATEFULSET, msg, sizeof(msg)),
		      K8S_NOT_YET);
	ASSERT_CONTAINS(msg, "at revision db-7f8a1e");
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'db','generation':2},"
			      "'spec':{'replicas':3,'updateStrategy':{'type':'RollingUpdate'}},"
			      "'status':{'observedGeneration':2,'readyReplicas':3,"
			      "'updatedReplicas':3,'currentReplicas':3,"
			      "'currentRevision':'db-7f8a1e','updateRevision':'db-7f8a1e'}}",
			      HB_K8S_STATEFULSET, msg, sizeof(msg)),
		      K8S_HOLDS);
	ASSERT_CONTAINS(msg, "rolling update complete 3 pods");
	/* A partition: only the pods at or above it are updated. */
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'db','generation':2},"
			      "'spec':{'replicas':3,'updateStrategy':{'type':'RollingUpdate',"
			      "'rollingUpdate':{'partition':2}}},"
			      "'status':{'observedGeneration':2,'readyReplicas':3,"
			      "'updatedReplicas':0}}",
			      HB_K8S_STATEFULSET, msg, sizeof(msg)),
		      K8S_NOT_YET);
	ASSERT_CONTAINS(msg, "0 out of 1 new pods have been updated");
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'db','generation':2},"
			      "'spec':{'replicas':3,'updateStrategy':{'type':'RollingUpdate',"
			      "'rollingUpdate':{'partition':2}}},"
			      "'status':{'observedGeneration':2,'readyReplicas':3,"
			      "'updatedReplicas':1}}",
			      HB_K8S_STATEFULSET, msg, sizeof(msg)),
		      K8S_HOLDS);
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'db','generation':2},"
			      "'spec':{'replicas':3,'updateStrategy':{'type':'OnDelete'}},"
			      "'status':{'observedGeneration':2}}",
			      HB_K8S_STATEFULSET, msg, sizeof(msg)),
		      K8S_FAILED);
	ASSERT_CONTAINS(msg, "only available for the RollingUpdate strategy");
}

HB_TEST(daemonset_rollout)
{
	char msg[512];
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'agent','generation':5},"
			      "'spec':{'updateStrategy':{'type':'RollingUpdate'}},"
			      "'status':{'observedGeneration':5,'desiredNumberScheduled':4,"
			      "'updatedNumberScheduled':2,'numberAvailable':4}}",
			      HB_K8S_DAEMONSET, msg, sizeof(msg)),
		      K8S_NOT_YET);
	ASSERT_CONTAINS(msg, "2 out of 4 new pods have been updated");
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'agent','generation':5},"
			      "'spec':{'updateStrategy':{'type':'RollingUpdate'}},"
			      "'status':{'observedGeneration':5,'desiredNumberScheduled':4,"
			      "'updatedNumberScheduled':4,'numberAvailable':3}}",
			      HB_K8S_DAEMONSET, msg, sizeof(msg)),
		      K8S_NOT_YET);
	ASSERT_CONTAINS(msg, "3 of 4 updated pods are available");
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'agent','generation':5},"
			      "'spec':{'updateStrategy':{'type':'RollingUpdate'}},"
			      "'status':{'observedGeneration':5,'desiredNumberScheduled':4,"
			      "'updatedNumberScheduled':4,'numberAvailable':4}}",
			      HB_K8S_DAEMONSET, msg, sizeof(msg)),
		      K8S_HOLDS);
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'agent','generation':5},"
			      "'spec':{'updateStrategy':{'type':'OnDelete'}},'status':{}}",
			      HB_K8S_DAEMONSET, msg, sizeof(msg)),
		      K8S_FAILED);
	ASSERT_EQ_INT(rollout("{'metadata':{'name':'x'}}", HB_K8S_NO_ROLLOUT,
			      msg, sizeof(msg)),
		      K8S_FAILED);
}

#define JOB_FAILED                                                              \
	"{'kind':'Job','metadata':{'name':'migrate'},'status':{'failed':4,"    \
	"'conditions':[{'type':'FailureTarget','status':'True','reason':"      \
	"'BackoffLimitExceeded','message':'Job has reached the specified "     \
	"backoff limit'},{'type':'Failed','status':'True','reason':"           \
	"'BackoffLimitExceeded','message':'Job has reached the specified "     \
	"backoff limit'}]}}"

HB_TEST(conditions)
{
	char msg[512];
	const char *crd = "{'kind':'CustomResourceDefinition','status':{'conditions':["
			  "{'type':'NamesAccepted','status':'True','reason':'NoConflicts'},"
			  "{'type':'Established','status':'True','reason':"
			  "'InitialNamesAccepted','message':'the initial names have been "
			  "accepted'}]}}";
	ASSERT_EQ_INT(cond(crd, "Established", msg, sizeof(msg)), K8S_HOLDS);
	ASSERT_CONTAINS(msg, "Established=True (InitialNamesAccepted");
	ASSERT_EQ_INT(cond(crd, "Established=False", msg, sizeof(msg)),
		      K8S_NOT_YET);
	ASSERT_CONTAINS(msg, "condition Established is not False");
	/* A misspelt type: what the object has. */
	ASSERT_EQ_INT(cond(crd, "Establised", msg, sizeof(msg)), K8S_NOT_YET);
	ASSERT_CONTAINS(msg, "no condition Establised=True yet (it has "
			     "NamesAccepted=True, Established=True)");
	ASSERT_EQ_INT(cond("{'status':{}}", "Ready", msg, sizeof(msg)),
		      K8S_NOT_YET);
	ASSERT_CONTAINS(msg, "(it has no conditions)");
	/* A Job that failed never completes, and says why. */
	ASSERT_EQ_INT(cond(JOB_FAILED, "Complete", msg, sizeof(msg)), K8S_FAILED);
	ASSERT_CONTAINS(msg, "no condition Complete=True yet; the Job failed: "
			     "Failed=True (BackoffLimitExceeded: Job has reached "
			     "the specified backoff limit)");
	ASSERT_EQ_INT(cond(JOB_FAILED, "Failed", msg, sizeof(msg)), K8S_HOLDS);
}

/* The kind's classes, and every other, have the same number and name in
 * classify.h and in report.proto, which the collector and the JSON read. */
HB_TEST(classes_match_the_proto)
{
	ASSERT_STREQ(hb_class_name(HB_CLASS_FORBIDDEN), "FORBIDDEN");
	ASSERT_EQ_INT(HB_CLASS_FORBIDDEN, 18);
	ASSERT_EQ_INT(HB_CLASS_NOT_FOUND, 19);
	ASSERT(hb_class_not_retried(HB_CLASS_FORBIDDEN, false) != NULL);
	ASSERT(hb_class_not_retried(HB_CLASS_NOT_FOUND, false) == NULL);
	for (int c = 1; c < HB_CLASS__COUNT; c++) {
		const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
			&hookbox__v1__failure_class__descriptor, c);
		if (!v)
			HB_FAIL_("class %d (%s) is not in report.proto", c,
				 hb_class_name(c));
		ASSERT_STREQ(v->name, hb_class_name(c));
	}
}

HB_TEST_MAIN(classes_match_the_proto, short_and_long_names, group_version_resource, bad_objects_say_why,
	     api_paths, namespaces_and_conditions, deployment_rollout,
	     statefulset_rollout, daemonset_rollout, conditions)
