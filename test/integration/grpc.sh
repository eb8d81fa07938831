#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Integration suite of the grpc kind (issue 15): grpc.health.v1.Health/Check
# against a real gRPC server, Debian's python3-grpcio
# (test/helpers/grpc_health_server.py), in plain text (h2c) and TLS, with
# a client certificate, a status flipping under --wait, an unknown service,
# a server without a health service, other gRPC statuses, and spec errors;
# the sandbox enforcing. Servers listen on 127.0.0.1 and ::1 only.
# Usage: HB_BUILD=build bash test/integration/grpc.sh   (HB_PREFIX optional)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

hb_setup
hb_make_certs

# A client certificate signed by the test CA, for mTLS.
d=$HB_CERTS
{
	openssl req -newkey rsa:2048 -nodes -keyout "$d/client.key" \
		-out "$d/client.csr" -subj "/CN=hookbox test client" &&
	printf '%s\n' "basicConstraints=CA:FALSE" "extendedKeyUsage=clientAuth" \
		>"$d/client.cnf" &&
	openssl x509 -req -in "$d/client.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
		-CAcreateserial -days 30 -extfile "$d/client.cnf" -out "$d/client.pem"
} >"$d/client.log" 2>&1 || hb_die "client certificate: $(tail -3 "$d/client.log")"

hb_start_grpc plain --status app=SERVING --status down=NOT_SERVING \
	--flip flip=2 --error busy='14:warming up: 50% (cache)' \
	--error closed=7:no --count "$HB_TMP/calls"
hb_start_grpc v6 --host ::1
hb_start_grpc nohealth --no-health
hb_start_grpc nohealth_tls --no-health --tls "$d/server.pem" "$d/server.key"
hb_start_grpc tls --tls "$d/server.pem" "$d/server.key" --status app=SERVING
hb_start_grpc mtls --tls "$d/server.pem" "$d/server.key" --client-ca "$d/ca.pem"
hb_closed_port closed
hb_port web
hb_start_nginx "$web"

assert_enforced()
{
	hb_assert_json '.sandbox.mode' enforce
	hb_assert_json '.sandbox.seccomp' true
}

# == plain text (h2c) ===========================================================

hb_case "the whole server SERVING passes, in plain text with prior knowledge"
hb_agent grpc "127.0.0.1:$plain"
hb_assert_exit 0
hb_assert_outcome PASSED
assert_enforced
hb_assert_json '.checks[0].kind' grpc
hb_assert_json '.checks[0].target' "127.0.0.1:$plain"
hb_assert_detail health_status SERVING
hb_assert_detail resolved_address "127.0.0.1:$plain"
hb_assert_eq "the server's last call asked for" "" "$(tail -1 "$HB_TMP/calls")"

hb_case "--service names the service asked for"
hb_agent grpc "127.0.0.1:$plain" --service app
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_eq "the server's last call asked for" app "$(tail -1 "$HB_TMP/calls")"

hb_case "a name is resolved in the child and handed to curl"
hb_agent grpc "localhost:$plain" --service app
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_json '.checks[0].target' "localhost:$plain"

hb_case "IPv6: [::1]:PORT"
hb_agent grpc "[::1]:$v6"
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_detail resolved_address "[::1]:$v6"

hb_case "NOT_SERVING fails as ASSERTION_FAILED with the status in the message"
hb_agent grpc "127.0.0.1:$plain" --service down
hb_assert_exit 1
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' \
	"127.0.0.1:$plain: service \"down\" is NOT_SERVING, expected SERVING"
hb_assert_detail health_status NOT_SERVING

hb_case "NOT_SERVING, then SERVING: --wait retries until it passes"
: >"$HB_TMP/calls"
hb_agent grpc "127.0.0.1:$plain" --service flip --wait 30s --interval 200ms
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_json '.checks[0].attempts | length' 3
hb_assert_eq "calls the server answered" 3 "$(grep -c '^flip$' "$HB_TMP/calls")"

hb_case "an unknown service (NOT_FOUND) fails as ASSERTION_FAILED naming it"
hb_agent grpc "127.0.0.1:$plain" --service nope
hb_assert_exit 1
hb_assert_outcome FAILED ASSERTION_FAILED
hb_assert_json '.checks[0].message' \
	"127.0.0.1:$plain: service \"nope\" is unknown to the health service (NOT_FOUND: unknown service), expected SERVING"
hb_assert_detail health_status SERVICE_UNKNOWN
hb_assert_detail grpc_status NOT_FOUND

hb_case "a server without a health service: UNIMPLEMENTED, with its hint"
hb_agent grpc "127.0.0.1:$nohealth"
hb_assert_exit 1
hb_assert_outcome FAILED GRPC_STATUS
hb_assert_json_contains '.checks[0].message' \
	"127.0.0.1:$nohealth has no health service: grpc.health.v1.Health/Check answered UNIMPLEMENTED"
hb_assert_json_contains '.checks[0].hint' "the server has no health service"
hb_assert_detail grpc_status UNIMPLEMENTED

hb_case "UNIMPLEMENTED every time, though the server answers before the call is sent"
# grpcio answers a method it lacks at once and resets the stream, which
# libcurl 7.88 took for a broken transfer in more than half of the calls
# (NETWORK_ERROR "Stream error in the HTTP/2 framing layer"); the check
# then asks again with no message.
for tls_args in "" "--insecure"; do
	port=$nohealth
	[ -n "$tls_args" ] && port=$nohealth_tls
	classes=""
	for i in 1 2 3 4 5 6 7 8; do
		# shellcheck disable=SC2086
		hb_agent grpc "127.0.0.1:$port" $tls_args
		classes+="$(hb_json '.checks[0].failureClass') "
	done
	hb_assert_eq "classes of eight calls${tls_args:+ over TLS}" \
		"$(printf 'GRPC_STATUS %.0s' 1 2 3 4 5 6 7 8)" "$classes"
done

hb_case "another status is named, with its message decoded"
hb_agent grpc "127.0.0.1:$plain" --service busy
hb_assert_exit 1
hb_assert_outcome FAILED GRPC_STATUS
hb_assert_json '.checks[0].message' \
	"127.0.0.1:$plain answered gRPC status UNAVAILABLE (14): warming up: 50% (cache)"
hb_assert_json_contains '.checks[0].hint' "--wait waits a start-up out"
hb_assert_detail grpc_code 14
hb_assert_detail grpc_message "warming up: 50% (cache)"

hb_case "PERMISSION_DENIED has its own hint; the class's own for the rest"
hb_agent grpc "127.0.0.1:$plain" --service closed
hb_assert_outcome FAILED GRPC_STATUS
hb_assert_json_contains '.checks[0].hint' "authorization policy"

hb_case "a port nothing listens on: CONNECTION_REFUSED"
hb_agent grpc "127.0.0.1:$closed"
hb_assert_exit 1
hb_assert_outcome FAILED CONNECTION_REFUSED
hb_assert_json '.checks[0].message' "connect to 127.0.0.1:$closed refused"

hb_case "an HTTP/1 server (nginx) is no gRPC server: NETWORK_ERROR saying so"
hb_agent grpc "127.0.0.1:$web"
hb_assert_exit 1
hb_assert_outcome FAILED NETWORK_ERROR
hb_assert_json_contains '.checks[0].message' "is it a gRPC server"

hb_case "a plain server asked for TLS: the handshake fails"
hb_agent grpc "127.0.0.1:$plain" --tls --insecure
hb_assert_exit 1
hb_assert_outcome FAILED TLS_ERROR
hb_assert_json_contains '.checks[0].message' "TLS with 127.0.0.1:$plain: "

# == TLS ==========================================================================

hb_case "TLS verified with ca_file passes"
hb_agent grpc "127.0.0.1:$tls" --ca-file "$d/ca.pem" --service app
hb_assert_exit 0
hb_assert_outcome PASSED
assert_enforced

hb_case "TLS against a CA the check does not trust: TLS_ERROR, not retried"
hb_agent grpc "127.0.0.1:$tls" --tls --wait 30s
hb_assert_exit 1
hb_assert_outcome FAILED TLS_ERROR
hb_assert_detail tls_error verify
hb_assert_json '.checks[0].attempts | length' 1

hb_case "a TLS server asked in plain text: NETWORK_ERROR saying so"
hb_agent grpc "127.0.0.1:$tls"
hb_assert_exit 1
hb_assert_outcome FAILED NETWORK_ERROR
hb_assert_json_contains '.checks[0].message' "does it speak plain text?"

hb_case "--insecure skips verification"
hb_agent grpc "127.0.0.1:$tls" --insecure
hb_assert_exit 0
hb_assert_outcome PASSED

hb_case "server_name is what TLS verifies, connecting to the address"
hb_agent grpc "127.0.0.1:$tls" --ca-file "$d/ca.pem" --server-name localhost
hb_assert_exit 0
hb_assert_outcome PASSED
hb_assert_detail resolved_address "127.0.0.1:$tls"

hb_case "a server_name the certificate does not name fails verification"
hb_agent grpc "127.0.0.1:$tls" --ca-file "$d/ca.pem" --server-name shop.example
hb_assert_exit 1
hb_assert_outcome FAILED TLS_ERROR
hb_assert_detail tls_error verify

hb_case "mTLS: a client certificate passes a server that requires one"
hb_agent grpc "127.0.0.1:$mtls" --ca-file "$d/ca.pem" \
	--cert-file "$d/client.pem" --key-file "$d/client.key"
hb_assert_exit 0
hb_assert_outcome PASSED

hb_case "mTLS: without a client certificate the server refuses"
hb_agent grpc "127.0.0.1:$mtls" --ca-file "$d/ca.pem"
hb_assert_exit 1
hb_assert_json '.checks[0].outcome' FAILED
hb_assert_json '.checks[0].failureClass' TLS_ERROR
hb_assert_json_contains '.checks[0].message' \
	"the server closed the connection after the handshake, without answering: it may require a client certificate (cert_file and key_file)"

# == specs, the engine and the sandbox ==========================================

hb_case "a spec: grpc beside plain http checks loads the full http module"
cat >"$HB_TMP/mixed.json" <<EOF
{"checks": [
 {"name": "web", "kind": "http", "url": "http://127.0.0.1:$web/ok"},
 {"name": "web2", "kind": "http", "url": "http://127.0.0.1:$web/ok"},
 {"name": "api", "kind": "grpc", "address": "127.0.0.1:$plain", "service": "app"},
 {"name": "api-tls", "kind": "grpc", "address": "127.0.0.1:$tls",
  "ca_file": "$d/ca.pem", "server_name": "localhost"}]}
EOF
hb_agent run "$HB_TMP/mixed.json"
hb_assert_exit 0
hb_assert_json '[.checks[].outcome] | join(",")' "PASSED,PASSED,PASSED,PASSED"

hb_case "eight grpc checks (the zygote forks them) pass"
checks=""
for i in 1 2 3 4 5 6 7 8; do
	checks+="${checks:+,}{\"name\": \"g$i\", \"kind\": \"grpc\", \"address\": \"127.0.0.1:$plain\"}"
done
printf '{"checks": [%s]}' "$checks" >"$HB_TMP/eight.json"
hb_agent run "$HB_TMP/eight.json"
hb_assert_exit 0
hb_assert_json '[.checks[] | select(.outcome == "PASSED")] | length' 8

hb_case "--sandbox log: the kind's list holds every call a check makes"
hb_agent grpc "127.0.0.1:$tls" --ca-file "$d/ca.pem" --sandbox log
hb_assert_exit 0
hb_assert_detail unlisted_syscalls ""
hb_agent grpc "localhost:$plain" --sandbox log
hb_assert_exit 0
hb_assert_detail unlisted_syscalls ""

hb_case "exec --wait-for grpc://HOST:PORT waits for the health service"
# --output json before "--": hb_agent adds its own after, to "true".
hb_agent exec --output json --wait-for "grpc://127.0.0.1:$plain" -- true
hb_assert_exit 0
hb_assert_json '.checks[0].kind' grpc
hb_assert_json '.checks[0].outcome' PASSED

hb_case "spec errors name the JSON path"
spec_error()
{
	printf '%s' "$1" >"$HB_TMP/bad.json"
	hb_agent validate "$HB_TMP/bad.json"
	hb_assert_exit 2
	hb_assert_contains "stderr" "$HB_ERR" "$2"
}
spec_error '{"checks": [{"kind": "grpc"}]}' \
	'checks[0]: missing "address" (a grpc check needs one)'
spec_error '{"checks": [{"kind": "grpc", "address": "api"}]}' \
	'checks[0].address:'
spec_error '{"checks": [{"kind": "grpc", "address": "api:50051", "tls": false, "ca_file": "/ca.pem"}]}' \
	'checks[0].ca_file: a TLS setting, and "tls" is false: drop one of them'
spec_error '{"checks": [{"kind": "grpc", "address": "api:50051", "key_file": "/k.pem"}]}' \
	'checks[0].key_file: a client key needs its certificate ("cert_file")'
spec_error '{"checks": [{"kind": "grpc", "address": "api:50051", "url": "http://api"}]}' \
	'checks[0].url: not valid for kind "grpc"'
spec_error '{"checks": [{"kind": "grpc", "address": "api:50051", "service": "a b"}]}' \
	'checks[0].service: expected a service name'
spec_error '{"checks": [{"kind": "grpc", "address": "api:50051", "server_name": ""}]}' \
	'checks[0].server_name: expected a host name'
spec_error '{"checks": [{"kind": "http", "url": "http://api", "service": "x"}]}' \
	'checks[0].service: not valid for kind "http" (only for grpc)'

hb_case "one-liner errors"
hb_agent grpc
hb_assert_exit 2
hb_assert_contains "stderr" "$HB_ERR" "grpc: missing HOST:PORT"
hb_agent http "http://127.0.0.1:$web/ok" --service x
hb_assert_exit 2
hb_assert_contains "stderr" "$HB_ERR" '--service is not an option of "hookbox http"'

hb_finish
