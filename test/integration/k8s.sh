#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The kubernetes kind (issue 15) against a local stand-in for the API
# server. No API server can be installed here: test/helpers/k8s_api.py
# plays one. Its HTTP and TLS are real (Debian's Python http.server and ssl,
# with certificates this suite makes, on 127.0.0.1 and ::1), and so is
# every byte of hookbox's side (the sandboxed child, libcurl, OpenSSL, the
# token read from its file); the API is a recording: objects are served from
# test/fixtures/k8s/, the shapes a real API server returns (apps/v1
# Deployment, batch/v1 Job, a CRD and a custom resource, with status,
# conditions and observedGeneration), and a bad token, a forbidden resource
# and a missing object get the API's Status answers (401, 403, 404). A
# rollout moves on per request, as its controller would move it.
#
# The pod's own configuration (KUBERNETES_SERVICE_HOST and the
# ServiceAccount's files at their real path) is tested in a mount namespace
# this suite makes, with the files mounted where the kubelet mounts them.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_k8s.sh"
hb_setup
hb_make_certs
# Run in a pod, the suite's own environment would name a real API server.
unset KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT

good=hb-k8s-good-$RANDOM$RANDOM
limited=hb-k8s-limited-$RANDOM$RANDOM
printf '%s\n' "$good" >"$HB_TMP/token"
printf '%s\n' "$limited" >"$HB_TMP/limited-token"
printf 'hb-k8s-revoked-%s\n' "$RANDOM" >"$HB_TMP/bad-token"
start_api() { hb_start_k8s_api "$@"; }

hb_port api
hb_port api6
hb_port apiplain
start_api 127.0.0.1 "$api"
start_api ::1 "$api6"
start_api 127.0.0.1 "$apiplain" plain
server=https://127.0.0.1:$api
# The flags naming the API server, its CA and a token (outside a pod).
conn=(--server "$server" --ca-file "$HB_CERTS/ca.pem" --bearer-token-file "$HB_TMP/token")

# The token's value never reaches a report or a message.
assert_no_token()
{
	case "$HB_OUT$HB_ERR" in
	*"$good"* | *"$limited"* | *hb-k8s-revoked-*) hb_fail "a token is in the report or on stderr" ;;
	*) hb_pass "no token in the report or on stderr" ;;
	esac
}

hb_case "a rollout in progress passes once complete, under --wait"
hb_agent k8s deploy/web -n shop --rollout "${conn[@]}" --wait 20s --interval 100ms
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_json '.checks[0].attempts | length' 4
hb_assert_json '.checks[0].attempts[0].message' \
	'waiting for deployment "web" spec update to be observed (generation 3, observed 2)'
hb_assert_json '.checks[0].attempts[1].message' \
	'waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been updated'
hb_assert_detail rollout 'deployment "web" successfully rolled out'
hb_assert_detail resource deployments.apps
hb_assert_detail namespace shop
hb_assert_json '.checks[0].target' deploy/web
hb_assert_eq "requests, each with the token" \
	"4 GET /apis/apps/v1/namespaces/shop/deployments/web token=yes" \
	"$(grep -c 'deployments/web token=yes' "$HB_TMP/api-$api.log") $(head -1 "$HB_TMP/api-$api.log")"
assert_no_token

hb_case "without --wait, a rollout in progress fails saying what it waits for"
hb_agent k8s deploy/web -n staging --rollout "${conn[@]}"
hb_assert_exit 1
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json_contains '.checks[0].message' 'spec update to be observed'

hb_case "a Deployment past its progress deadline fails naming it"
hb_agent k8s deploy/web-canary -n shop --rollout "${conn[@]}"
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json_contains '.checks[0].message' \
	'deployment "web-canary" exceeded its progress deadline: ReplicaSet "web-7c9d6b5f8d" has timed out progressing.'

hb_case "a Job that failed: --condition Complete fails saying why"
hb_agent k8s job/shop-migrate -n shop --condition Complete "${conn[@]}"
hb_assert_exit 1
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' \
	'no condition Complete=True yet; the Job failed: Failed=True (BackoffLimitExceeded: Job has reached the specified backoff limit)'
hb_agent k8s job/shop-migrate -n shop --condition Failed=True "${conn[@]}"
hb_assert_outcome PASSED
# kubectl wait would wait out its timeout: a failed Job never completes.
hb_agent k8s job/shop-migrate -n shop --condition Complete "${conn[@]}" --wait 30s
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].attempts | length' 1
hb_assert_json_contains '.checks[0].message' \
	'(not retried: a Job that failed never completes; retry_on ASSERTION_FAILED retries it)'
hb_agent k8s deploy/web-canary -n shop --rollout "${conn[@]}" --wait 30s
hb_assert_json '.checks[0].attempts | length' 1
hb_assert_json_contains '.checks[0].message' 'not retried: kubectl rollout status stops here too'
# A rollout that is only slow is waited for (above); so is an object not
# there yet.
hb_agent k8s deploy/late -n shop "${conn[@]}" --wait 1s --interval 200ms
hb_assert_outcome FAILED NOT_FOUND
hb_assert_eq "NOT_FOUND retried" yes "$([ "$(hb_json '.checks[0].attempts | length')" -ge 2 ] && echo yes || echo no)"

hb_case "a Job that completed passes kubectl wait's --for=condition=complete"
hb_agent k8s jobs/shop-seed -n shop --condition Complete "${conn[@]}"
hb_assert_exit 0
hb_assert_detail condition \
	'condition Complete=True (CompletionsReached: Reached expected number of succeeded pods)'
hb_assert_detail object_kind Job

hb_case "a missing object is NOT_FOUND"
hb_agent k8s deploy/nope -n shop "${conn[@]}"
hb_assert_exit 1
hb_assert_outcome FAILED NOT_FOUND
hb_assert_json '.checks[0].message' 'deployments.apps "nope" not found in namespace "shop"'
hb_assert_json_contains '.checks[0].hint' '--wait waits'
hb_agent k8s monitoring.coreos.com/v1/prometheuses/k8s -n shop "${conn[@]}"
hb_assert_outcome FAILED NOT_FOUND
hb_assert_json_contains '.checks[0].message' \
	'no resource monitoring.coreos.com/v1 (prometheuses): is its CustomResourceDefinition installed?'

hb_case "RBAC forbidden names the user and the Role rule to add"
hb_agent k8s deploy/web -n shop --server "$server" --ca-file "$HB_CERTS/ca.pem" \
	--bearer-token-file "$HB_TMP/limited-token" --wait 10s
hb_assert_exit 1
hb_assert_outcome FAILED FORBIDDEN
hb_assert_json_contains '.checks[0].message' \
	'User "system:serviceaccount:shop:hookbox-test" may not get deployments.apps "web" in namespace "shop": give it a Role with the rule {apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"]} and a RoleBinding'
hb_assert_json_contains '.checks[0].message' 'not retried'
hb_assert_json '.checks[0].attempts | length' 1
hb_assert_json_contains '.checks[0].hint' 'Role'
assert_no_token
hb_agent k8s crd/certificates.cert-manager.io --server "$server" \
	--ca-file "$HB_CERTS/ca.pem" --bearer-token-file "$HB_TMP/limited-token"
hb_assert_outcome FAILED FORBIDDEN
hb_assert_json_contains '.checks[0].message' \
	'give it a ClusterRole with the rule {apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"], verbs: ["get"]} and a ClusterRoleBinding'

hb_case "a token the API refuses is AUTH_FAILED naming its file"
hb_agent k8s deploy/web -n shop --server "$server" --ca-file "$HB_CERTS/ca.pem" \
	--bearer-token-file "$HB_TMP/bad-token"
hb_assert_exit 1
hb_assert_outcome FAILED AUTH_FAILED
hb_assert_json '.checks[0].message' \
	"the API server refused the token from \"$HB_TMP/bad-token\" (401 Unauthorized): it is expired, revoked, or for another cluster"
assert_no_token

hb_case "an API server whose certificate the CA does not sign is TLS_ERROR"
hb_agent k8s deploy/web -n shop --server "$server" --ca-file "$HB_CERTS/self.pem" \
	--bearer-token-file "$HB_TMP/token"
hb_assert_exit 1
hb_assert_outcome FAILED TLS_ERROR
hb_assert_detail tls_error verify

hb_case "jq over the object"
hb_agent k8s deploy/web -n shop "${conn[@]}" --jq '.spec.replicas == 3 and .status.readyReplicas == 3'
hb_assert_outcome PASSED
hb_agent k8s deploy/web -n shop "${conn[@]}" --jq '.spec.template.spec.containers[0].image | endswith(":1.5.0")'
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' \
	'jq ".spec.template.spec.containers[0].image | endswith(":1.5.0")" yielded false, expected true'
hb_agent k8s deploy/web -n shop "${conn[@]}" --jq '.spec.replicas =='
hb_assert_exit 2
hb_assert_contains stderr "$HB_ERR" 'command line: checks[0].jq: syntax error'

hb_case "a CRD is Established, a custom resource Ready (spec)"
cat >"$HB_TMP/crd.json" <<EOF
{"checks": [
 {"name": "crd", "kind": "kubernetes", "object": "crd/certificates.cert-manager.io",
  "condition": "Established", "server": "$server", "ca_file": "$HB_CERTS/ca.pem",
  "token_file": "$HB_TMP/token"},
 {"name": "cert", "kind": "kubernetes", "object": "cert-manager.io/v1/certificates/web-tls",
  "namespace": "shop", "condition": "Ready", "server": "$server/",
  "ca_file": "$HB_CERTS/ca.pem", "token_file": "$HB_TMP/token",
  "jq": ".spec.secretName == \"web-tls\""}]}
EOF
hb_agent run "$HB_TMP/crd.json"
hb_assert_exit 0
hb_assert_json '[.checks[].outcome] | join(",")' PASSED,PASSED
hb_assert_json '.checks[0].details[] | select(.key == "condition") | .value' \
	'condition Established=True (InitialNamesAccepted: the initial names have been accepted)'
hb_assert_contains "the API paths" "$(cat "$HB_TMP/api-$api.log")" \
	'GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/certificates.cert-manager.io token=yes'
hb_assert_contains "the API paths" "$(cat "$HB_TMP/api-$api.log")" \
	'GET /apis/cert-manager.io/v1/namespaces/shop/certificates/web-tls token=yes'

hb_case "an http:// server, as kubectl proxy serves the API"
hb_agent k8s job/shop-seed -n shop --server "http://127.0.0.1:$apiplain" \
	--bearer-token-file "$HB_TMP/token" --condition Complete
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_eq "no TLS details" "" "$(hb_detail cert_expiry)"

hb_case "with a plain http check in the run, the kubernetes check still has TLS"
# Both kinds live in the http module: the build without TLS only when
# neither needs it (runner/drivers.c).
cat >"$HB_TMP/mixed.json" <<EOF
{"checks": [
 {"name": "plain", "kind": "http", "url": "http://127.0.0.1:$apiplain/version",
  "expect": {"status": 401}},
 {"name": "rollout", "kind": "kubernetes", "object": "deploy/web", "namespace": "shop",
  "rollout": true, "server": "$server", "ca_file": "$HB_CERTS/ca.pem",
  "token_file": "$HB_TMP/token"}]}
EOF
hb_agent run "$HB_TMP/mixed.json"
hb_assert_exit 0
hb_assert_json '[.checks[].outcome] | join(",")' PASSED,PASSED

hb_case "the check's calls stay within its seccomp list (--sandbox log)"
hb_agent k8s deploy/web -n shop --rollout "${conn[@]}" --sandbox log
hb_assert_outcome PASSED
hb_assert_detail unlisted_syscalls ""

# in-pod ARGS...: runs ARGS in a mount namespace where the ServiceAccount's
# files of $HB_TMP/sa are where the kubelet mounts them.
mkdir -p "$HB_TMP/sa"
cp "$HB_TMP/token" "$HB_TMP/sa/token"
cp "$HB_CERTS/ca.pem" "$HB_TMP/sa/ca.crt"
printf shop >"$HB_TMP/sa/namespace"
cat >"$HB_TMP/in-pod" <<'EOF'
#!/usr/bin/env bash
sa=$1
shift
exec unshare --mount --propagation private -- bash -c '
	mount -t tmpfs -o mode=755 hb-k8s-run /run || exit 125
	d=/var/run/secrets/kubernetes.io/serviceaccount
	mkdir -p "$d" && cp "$0"/token "$0"/ca.crt "$0"/namespace "$d"/ || exit 125
	exec "$@"' "$sa" "$@"
EOF
chmod +x "$HB_TMP/in-pod"
"$HB_TMP/in-pod" "$HB_TMP/sa" true ||
	hb_die "cannot make a mount namespace (unshare --mount, as root): needed to test the pod's own configuration"

hb_case "in a pod: KUBERNETES_SERVICE_HOST (IPv6) and the ServiceAccount's token, CA and namespace"
prefix=$HB_PREFIX
HB_PREFIX="$HB_TMP/in-pod $HB_TMP/sa $prefix"
KUBERNETES_SERVICE_HOST=::1 KUBERNETES_SERVICE_PORT=$api6 \
	hb_agent k8s deploy/web --rollout --wait 20s --interval 100ms
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_detail namespace shop
hb_assert_detail resolved_address "[::1]:$api6"
hb_assert_contains "the API path" "$(cat "$HB_TMP/api-$api6.log")" \
	'GET /apis/apps/v1/namespaces/shop/deployments/web token=yes'
assert_no_token
KUBERNETES_SERVICE_HOST=::1 KUBERNETES_SERVICE_PORT=$api6 \
	hb_agent k8s crd/certificates.cert-manager.io --condition Established
hb_assert_outcome PASSED
hb_assert_contains "a cluster-scoped path" "$(tail -1 "$HB_TMP/api-$api6.log")" \
	'GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/certificates.cert-manager.io'
HB_PREFIX=$prefix

hb_case "outside a pod without server: a spec error naming what is missing"
hb_agent k8s deploy/web -n shop
hb_assert_exit 2
hb_assert_contains stderr "$HB_ERR" \
	'checks[0]: no Kubernetes API server: KUBERNETES_SERVICE_HOST is not set (not in a pod?); give "server"'
KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$api \
	hb_agent k8s deploy/web -n shop
hb_assert_exit 2
hb_assert_contains stderr "$HB_ERR" \
	"checks[0]: the ServiceAccount's token (no \"token_file\"; automountServiceAccountToken false?): reading \"/var/run/secrets/kubernetes.io/serviceaccount/token\""
KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$api \
	hb_agent k8s deploy/web "${conn[@]}"
hb_assert_exit 2
hb_assert_contains stderr "$HB_ERR" \
	'checks[0]: no "namespace", and reading the ServiceAccount'"'"'s "/var/run/secrets/kubernetes.io/serviceaccount/namespace"'

hb_case "spec errors name the JSON path"
spec_error()
{
	printf '{"checks": [{"kind": "kubernetes", %s}]}' "$1" >"$HB_TMP/bad.json"
	hb_agent validate --no-env "$HB_TMP/bad.json"
	hb_assert_exit 2
	hb_assert_contains stderr "$HB_ERR" "$2"
}
spec_error '"object": "deploi/web"' \
	"checks[0].object: unknown resource \"deploi\""
spec_error '"object": "web"' 'checks[0].object: expected RESOURCE/NAME'
spec_error '"object": "job/migrate", "rollout": true' \
	'checks[0].rollout: jobs.batch have no rollout: it is for deployments, statefulsets and daemonsets'
spec_error '"object": "job/migrate", "condition": "Complete=" ' \
	'checks[0].condition: expected TYPE or TYPE=STATUS'
spec_error '"object": "deploy/web", "namespace": "Shop"' \
	"checks[0].namespace: expected a namespace's name"
spec_error '"object": "deploy/web", "namespace": ""' \
	'checks[0].namespace: deployments.apps live in a namespace'
spec_error '"object": "deploy/web", "server": "kubernetes.default.svc"' \
	"checks[0].server: expected the API server's URL"
spec_error '"object": "deploy/web", "server": "https://u:p@k8s"' \
	'checks[0].server: the URL has credentials'
spec_error '"object": "deploy/web", "token": "a b"' \
	'checks[0].token: the token has a space'
spec_error '"object": "deploy/web", "url": "https://x"' \
	'checks[0].url: not valid for kind "kubernetes" (only for http, postgres, mysql and redis)'
spec_error '"namespace": "shop"' 'checks[0]: missing "object" (a kubernetes check needs one)'
hb_agent k8s deploy/web --expect-status 200
hb_assert_exit 2
hb_assert_contains stderr "$HB_ERR" '--expect-status is not an option of "hookbox k8s"'
hb_agent k8s
hb_assert_exit 2
hb_assert_contains stderr "$HB_ERR" 'k8s: missing RESOURCE/NAME'
printf '{"checks": [{"kind": "kubernetes", "object": "deploy/${APP}", "namespace": "${NS}", "server": "${K8S}"}]}' \
	>"$HB_TMP/env.json"
hb_agent validate --no-env "$HB_TMP/env.json"
hb_assert_exit 0

hb_finish
