# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# The Kubernetes API's stand-in (test/helpers/k8s_api.py), for k8s.sh and
# the image suites: real HTTP and TLS, the API a recording (objects from
# test/fixtures/k8s/, the API's Status answers for 401, 403 and 404).
#
#   hb_make_certs                          (lib.sh: the server's certificate)
#   good=TOKEN limited=TOKEN               the tokens it takes: good may get
#                                          every fixture, limited jobs only
#   hb_start_k8s_api ADDRESS PORT [plain]  on ADDRESS:PORT (plain: HTTP, as
#                                          kubectl proxy serves the API);
#                                          requests logged in
#                                          $HB_TMP/api-PORT.log

hb_start_k8s_api()
{
	local addr=$1 port=$2 conf=$HB_TMP/api-$2.json tls
	local py=/usr/bin/python3 fixtures=$HB_SRC/test/fixtures/k8s
	[ -x "$py" ] || hb_die "needs Debian's $py (python3) for the API stand-in"
	tls='"cert": "'$HB_CERTS/server.pem'", "key": "'$HB_CERTS/server.key'",'
	[ "${3:-}" = plain ] && tls=""
	local sa=system:serviceaccount:shop:hookbox-test
	local all='"deployments.apps", "jobs.batch", "configmaps",
		"customresourcedefinitions.apiextensions.k8s.io",
		"certificates.cert-manager.io", "prometheuses.monitoring.coreos.com"'
	cat >"$conf" <<EOF
{"address": "$addr", "port": $port, $tls
 "fixtures": "$fixtures", "log": "$HB_TMP/api-$port.log",
 "tokens": {
  "${good:?}": {"user": "$sa", "may_get": [$all]},
  "${limited:?}": {"user": "$sa", "may_get": ["jobs.batch"]}},
 "objects": {
  "/apis/apps/v1/namespaces/shop/deployments/web":
   ["deployment-web-observing.json", "deployment-web-rolling.json",
    "deployment-web-rolling.json", "deployment-web.json"],
  "/apis/apps/v1/namespaces/staging/deployments/web":
   ["deployment-web-observing.json", "deployment-web.json"],
  "/apis/apps/v1/namespaces/shop/deployments/web-canary":
   ["deployment-web-stuck.json"],
  "/apis/batch/v1/namespaces/shop/jobs/shop-migrate": ["job-migrate-failed.json"],
  "/apis/batch/v1/namespaces/shop/jobs/shop-seed": ["job-seed-complete.json"],
  "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/certificates.cert-manager.io":
   ["crd-certificates.json"],
  "/apis/cert-manager.io/v1/namespaces/shop/certificates/web-tls":
   ["certificate-web-tls.json"]}}
EOF
	"$py" "$HB_SRC/test/helpers/k8s_api.py" "$conf" >"$HB_TMP/api-$port.err" 2>&1 &
	HB_PIDS+=($!)
	hb_wait_tcp "$addr" "$port" 10 ||
		hb_die "the API stand-in on $addr:$port did not start: $(cat "$HB_TMP/api-$port.err")"
}
