/* SPDX-License-Identifier: MIT */
/* Failure classes: their names and the hint each gives a Kubernetes user.
 * Adding a class means adding one line to HB_CLASS_MAP (values are those of
 * hookbox.v1.FailureClass). */
#ifndef HB_CLASSIFY_H
#define HB_CLASSIFY_H

#include <stdbool.h>

#define HB_CLASS_MAP(XX)                                                        \
	XX(NONE, 0, "", "")                                                     \
	XX(DNS_FAILURE, 1, "DNS_FAILURE",                                       \
	   "the name did not resolve: check the Service name and namespace "    \
	   "(svc.namespace.svc.cluster.local) and that the Service exists")    \
	XX(CONNECTION_REFUSED, 2, "CONNECTION_REFUSED",                         \
	   "nothing listens on that port: wrong port, the container is not "    \
	   "up yet, or the Service has no ready endpoints")                     \
	XX(CONNECT_TIMEOUT, 3, "CONNECT_TIMEOUT",                               \
	   "no answer to the connection: a NetworkPolicy dropping traffic, a "  \
	   "wrong address, or the pod is not scheduled")                        \
	XX(TIMEOUT, 4, "TIMEOUT",                                               \
	   "connected, but no complete answer in time: the server is hung or "  \
	   "overloaded; raise the timeout or check its readiness probe")        \
	XX(TLS_ERROR, 5, "TLS_ERROR",                                           \
	   "TLS failed: the certificate is expired, self-signed or for another " \
	   "name; mount the CA with ca_file or check cert-manager's Certificate") \
	XX(HTTP_STATUS, 6, "HTTP_STATUS",                                       \
	   "the server answered with an unexpected status: check the path, the " \
	   "Ingress rules and the application's logs")                          \
	XX(ASSERTION_FAILED, 7, "ASSERTION_FAILED",                             \
	   "the target answered, but not what the check expects: compare the "  \
	   "expectation with the application's version and data")              \
	XX(SANDBOX_VIOLATION, 8, "SANDBOX_VIOLATION",                           \
	   "the check made a system call its sandbox forbids: report it to "     \
	   "hookbox; --sandbox log shows every such call")                       \
	XX(RESOURCE_LIMIT, 9, "RESOURCE_LIMIT",                                 \
	   "the check hit its CPU, memory or file limit: the target sent far "  \
	   "more than expected")                                                \
	XX(CRASHED, 10, "CRASHED",                                              \
	   "the check's process crashed: report it to hookbox with the message") \
	XX(INTERNAL, 11, "INTERNAL",                                            \
	   "hookbox could not run the check: see the message")                  \
	XX(AUTH_FAILED, 12, "AUTH_FAILED",                                      \
	   "the server refused the credentials: check the Secret that holds "    \
	   "the password and the user's grants")                                 \
	XX(DATABASE_NOT_FOUND, 13, "DATABASE_NOT_FOUND",                        \
	   "the database does not exist, or the user may not use it: check "     \
	   "the name, the user's grants, and that the chart's init job or "      \
	   "migration created it")                                              \
	XX(QUERY_ERROR, 14, "QUERY_ERROR",                                      \
	   "the server rejected the query: check the SQL and that migrations "   \
	   "have run (a missing table means they have not)")                     \
	XX(COMMAND_FAILED, 15, "COMMAND_FAILED",                                \
	   "the command exited non-zero: its output's tail is in the report")   \
	XX(NETWORK_ERROR, 16, "NETWORK_ERROR",                                  \
	   "the connection broke: the pod restarted or a proxy closed it; "      \
	   "check the target's restarts and any mesh sidecar")                 \
	XX(PROXY_ERROR, 17, "PROXY_ERROR",                                      \
	   "the proxy did not take the request: check the pod's http_proxy, "   \
	   "https_proxy and no_proxy (NO_PROXY should list in-cluster names: "  \
	   ".svc,.cluster.local) or the check's \"proxy\", and the proxy's "   \
	   "own logs")                                                       \
	XX(FORBIDDEN, 18, "FORBIDDEN",                                          \
	   "the API server knows the ServiceAccount but RBAC does not let it "  \
	   "read the object: add the rule the message names to a Role bound "  \
	   "to the pod's ServiceAccount (RoleBinding); a cluster-scoped "       \
	   "resource (crd) needs a ClusterRole and ClusterRoleBinding")        \
	XX(NOT_FOUND, 19, "NOT_FOUND",                                          \
	   "the API server has no such object: check the name, the namespace " \
	   "(-n) and the resource; --wait waits for a hook or controller to "   \
	   "create it")                                                         \
	XX(GRPC_STATUS, 20, "GRPC_STATUS",                                      \
	   "the gRPC server answered the health check with an error status: "   \
	   "see the message, and the server's logs")

enum hb_class {
#define XX(name, value, str, hint) HB_CLASS_##name = value,
	HB_CLASS_MAP(XX)
#undef XX
	HB_CLASS__COUNT
};

/* "CONNECTION_REFUSED"; "" for NONE; "UNKNOWN" out of range. */
const char *hb_class_name(int cls);
const char *hb_class_hint(int cls);
/* The class named name ("AUTH_FAILED", not NONE), or -1. */
int hb_class_by_name(const char *name);
/* Why a retry or a wait does not help a failure of class cls, or NULL when
 * time may fix it (a server coming up, a 5xx, a not-yet-ready answer).
 * tls_verify: the TLS_ERROR is a certificate that failed verification
 * (detail "tls_error": "verify"), not a handshake a starting server broke. */
const char *hb_class_not_retried(int cls, bool tls_verify);
/* The hint for an HTTP_STATUS failure whose answer had this status, more
 * precise than the class's (a redirect not followed, 401/403, 404, 503,
 * other 5xx); NULL when the class's hint is the one to give. */
const char *hb_http_status_hint(long status);
/* The hint for a GRPC_STATUS failure with this status ("UNIMPLEMENTED",
 * the detail "grpc_status"), more precise than the class's; NULL when the
 * class's hint is the one to give. */
const char *hb_grpc_status_hint(const char *status);
/* Whether cls is a class of HB_CLASS_MAP (the values have gaps). */
bool hb_class_defined(int cls);
/* The hint for a CONNECTION_REFUSED the server answered itself (57P03
 * cannot_connect_now, MySQL's 1053, Redis's LOADING): up, not ready. */
const char *hb_not_ready_hint(void);

#endif
