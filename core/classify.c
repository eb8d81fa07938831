/* SPDX-License-Identifier: MIT */
/* Names and hints of the failure classes, from the one list in classify.h. */
#include "classify.h"

#include <stddef.h>
#include <string.h>

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

bool hb_class_defined(int cls)
{
	return cls >= 0 && cls < HB_CLASS__COUNT && names[cls];
}

const char *hb_class_name(int cls)
{
	if (!hb_class_defined(cls))
		return "UNKNOWN";
	return names[cls];
}

const char *hb_class_hint(int cls)
{
	if (!hb_class_defined(cls))
		return "";
	return hints[cls];
}

int hb_class_by_name(const char *name)
{
	for (int i = 1; i < HB_CLASS__COUNT; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* A wait is for what comes up late: a Service, a port, a server's
 * readiness. These answers come from a server that is up, and say that
 * the check itself (or its Secret, or the chart) is wrong: a ten-minute
 * wait would burn ten minutes to report them. */
const char *hb_class_not_retried(int cls, bool tls_verify)
{
	switch (cls) {
	case HB_CLASS_AUTH_FAILED:
		return "the server is up and refused the credentials";
	case HB_CLASS_DATABASE_NOT_FOUND:
		return "the server is up and has no such database";
	case HB_CLASS_QUERY_ERROR:
		return "the server is up and rejected the query";
	case HB_CLASS_FORBIDDEN:
		/* A Role the same release creates exists before its test
		 * pod runs; a hook that waits for one says retry_on. */
		return "the API server is up and RBAC refuses the "
		       "ServiceAccount";
	case HB_CLASS_TLS_ERROR:
		return tls_verify ? "the server's certificate failed verification"
				  : NULL;
	case HB_CLASS_SANDBOX_VIOLATION:
		return "the check made a call its sandbox forbids, and would "
		       "make it again";
	case HB_CLASS_CRASHED:
		return "the check's process crashed, and would crash again";
	default:
		return NULL;
	}
}

/* By status: what the usual Kubernetes cause of each answer is. The texts
 * are fixed here, never taken from the answer, so that a server cannot
 * write the hint a user follows. */
const char *hb_http_status_hint(long status)
{
	if (status >= 300 && status <= 399)
		return "the server redirects (the message says where): follow "
		       "it with follow_redirects (--follow-redirects; \"any\" "
		       "for another host or port), or expect the 3xx in "
		       "expect.status";
	switch (status) {
	case 401:
		return "the server wants credentials, or refused the ones sent: "
		       "check user and password_file (or bearer_token_file) "
		       "and the Secret they are mounted from";
	case 403:
		return "the server knows the caller but refuses it: check the "
		       "credentials' Secret and the user's roles; for the "
		       "Kubernetes API, the ServiceAccount's RBAC (Role and "
		       "RoleBinding)";
	case 404:
		return "nothing is served at that path: check the URL's path "
		       "(a prefix the chart sets, a trailing slash) and, through "
		       "an Ingress, its rules";
	case 503:
		return "no ready backend answered: the Service has no ready "
		       "endpoints (kubectl get endpoints), or the application "
		       "is still starting or overloaded";
	default:
		break;
	}
	if (status >= 500 && status <= 599)
		return "the application failed on the request: see its logs "
		       "(kubectl logs) for the error";
	return NULL;
}

/* By the status a gRPC server answered Health/Check with: the usual
 * cause of each, fixed here as hb_http_status_hint's are. */
const char *hb_grpc_status_hint(const char *status)
{
	static const struct {
		const char *status, *hint;
	} hints_by_status[] = {
		{ "UNIMPLEMENTED",
		  "the server has no health service: register "
		  "grpc.health.v1.Health in it (grpc-go's health.NewServer, "
		  "grpcio-health-checking, grpc-java's HealthStatusManager), "
		  "or check the port that serves it" },
		{ "UNAVAILABLE",
		  "the server, or a proxy or mesh sidecar before it, is not "
		  "ready or has no backend: --wait waits a start-up out, else "
		  "see their logs" },
		{ "UNAUTHENTICATED",
		  "the server wants credentials for the health service: a "
		  "client certificate (cert_file, key_file), or an "
		  "interceptor that should exempt grpc.health.v1" },
		{ "PERMISSION_DENIED",
		  "the server refuses this client the health service: check "
		  "its authorization policy (a mesh's AuthorizationPolicy, an "
		  "interceptor) for grpc.health.v1.Health" },
		{ "DEADLINE_EXCEEDED",
		  "the health service did not answer within the check's "
		  "timeout: the server is overloaded, or its health check "
		  "waits on a slow dependency" },
	};
	for (size_t i = 0; status && i < sizeof(hints_by_status) /
						  sizeof(hints_by_status[0]);
	     i++)
		if (strcmp(hints_by_status[i].status, status) == 0)
			return hints_by_status[i].hint;
	return NULL;
}

const char *hb_not_ready_hint(void)
{
	return "the server answered but takes no session now: it is starting "
	       "up, loading its data, in recovery, shutting down or out of "
	       "connections; --wait waits a start-up out, else see the "
	       "server's logs";
}
