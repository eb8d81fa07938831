// SPDX-License-Identifier: MIT
// The shape of rendered objects: required fields per kind, hook
// annotations, Pod Security "restricted" field by field, and references
// between objects (volumes, keys, Service selectors).
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

type checker struct {
	objs     []*Entry
	problems []string
	cur      *Entry
	ns       string // the release's namespace
}

func (c *checker) errf(path, format string, args ...interface{}) {
	e := c.cur
	c.problems = append(c.problems, fmt.Sprintf("%s: %s %q: %s: %s", e.Source,
		str(e.Object["kind"]), objName(e.Object), path, fmt.Sprintf(format, args...)))
}

func checkRendering(data []byte) ([]string, int, error) {
	var r rendering
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&r); err != nil {
		return nil, 0, fmt.Errorf("not a rendering (hookbox-render template --output json): %v", err)
	}
	c := &checker{objs: r.Objects, ns: str(r.Release["namespace"])}
	for _, e := range r.Objects {
		c.cur = e
		c.object(e.Object)
	}
	for _, e := range r.Objects {
		c.cur = e
		c.reachability(e)
	}
	return c.problems, len(r.Objects), nil
}

// -- small accessors over JSON values ------------------------------------

// get follows a dotted path of mapping keys; a key that holds a dot (a
// ConfigMap's "spec.json") is looked up in getMap's result instead.

func get(v interface{}, path string) (interface{}, bool) {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]interface{})
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

func getMap(v interface{}, path string) map[string]interface{} {
	x, _ := get(v, path)
	m, _ := x.(map[string]interface{})
	return m
}

func getList(v interface{}, path string) []interface{} {
	x, _ := get(v, path)
	l, _ := x.([]interface{})
	return l
}

func getStr(v interface{}, path string) string {
	x, _ := get(v, path)
	return str(x)
}

func isTrue(v interface{}, path string) bool {
	x, _ := get(v, path)
	b, _ := x.(bool)
	return b
}

// getInt is a JSON integer; ok is false for anything else.
func getInt(v interface{}, path string) (int64, bool) {
	x, present := get(v, path)
	n, isNum := x.(json.Number)
	if !present || !isNum {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

// -- names ---------------------------------------------------------------

var (
	dns1123Label     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	dns1123Subdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	dns1035Label     = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
	labelValue       = regexp.MustCompile(`^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`)
	labelName        = regexp.MustCompile(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`)
	configKey        = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)
	envName          = regexp.MustCompile(`^[-._a-zA-Z][-._a-zA-Z0-9]*$`)
	ianaSvcName      = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
)

func (c *checker) label(path, s string) {
	if len(s) > 63 || !dns1123Label.MatchString(s) {
		c.errf(path, "%q is not a DNS-1123 label (lower case, digits, '-', at most 63)", s)
	}
}

func (c *checker) stringMap(obj interface{}, path string, keyCheck func(string) bool, what string) map[string]interface{} {
	x, present := get(obj, path)
	if !present {
		return nil
	}
	m, ok := x.(map[string]interface{})
	if !ok {
		c.errf(path, "want a mapping")
		return nil
	}
	for k, v := range m {
		if _, ok := v.(string); !ok {
			c.errf(path+"."+k, "want a string, not %s (quote it in the template)", jsonType(v))
		}
		if keyCheck != nil && !keyCheck(k) {
			c.errf(path+"."+k, "not a valid %s key", what)
		}
	}
	return m
}

func jsonType(v interface{}) string {
	switch v.(type) {
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case []interface{}:
		return "a list"
	case map[string]interface{}:
		return "a mapping"
	}
	return "a string"
}

func qualifiedName(k string) bool {
	name := k
	if i := strings.LastIndexByte(k, '/'); i >= 0 {
		prefix := k[:i]
		name = k[i+1:]
		if len(prefix) > 253 || !dns1123Subdomain.MatchString(prefix) {
			return false
		}
	}
	return len(name) <= 63 && labelName.MatchString(name)
}

// -- objects -------------------------------------------------------------

var wantAPIVersion = map[string]string{
	"ConfigMap": "v1", "Secret": "v1", "Service": "v1", "Pod": "v1",
	"PersistentVolumeClaim": "v1", "ServiceAccount": "v1",
	"Job": "batch/v1", "Deployment": "apps/v1",
	"NetworkPolicy": "networking.k8s.io/v1",
	"Role": "rbac.authorization.k8s.io/v1", "RoleBinding": "rbac.authorization.k8s.io/v1",
}

var hookEvents = map[string]bool{"pre-install": true, "post-install": true,
	"pre-delete": true, "post-delete": true, "pre-upgrade": true,
	"post-upgrade": true, "pre-rollback": true, "post-rollback": true,
	"test": true, "test-success": true}

var deletePolicies = map[string]bool{"before-hook-creation": true,
	"hook-succeeded": true, "hook-failed": true}

func (c *checker) object(o map[string]interface{}) {
	kind, apiVersion := getStr(o, "kind"), getStr(o, "apiVersion")
	if apiVersion == "" {
		c.errf("apiVersion", "missing")
	}
	if kind == "" {
		c.errf("kind", "missing")
	}
	if getMap(o, "metadata") == nil {
		c.errf("metadata", "missing")
		return
	}
	name := getStr(o, "metadata.name")
	switch {
	case name == "":
		c.errf("metadata.name", "missing")
	case len(name) > 253 || !dns1123Subdomain.MatchString(name):
		c.errf("metadata.name", "%q is not a DNS-1123 subdomain", name)
	}
	labels := c.stringMap(o, "metadata.labels", qualifiedName, "label")
	for k, v := range labels {
		if s, ok := v.(string); ok && (len(s) > 63 || !labelValue.MatchString(s)) {
			c.errf("metadata.labels."+k, "%q is not a valid label value", s)
		}
	}
	c.stringMap(o, "metadata.annotations", qualifiedName, "annotation")
	c.hook(o, kind)
	if want, ok := wantAPIVersion[kind]; ok && apiVersion != want {
		c.errf("apiVersion", "%q: want %q for a %s", apiVersion, want, kind)
	}
	switch kind {
	case "ConfigMap":
		c.stringMap(o, "data", configKey.MatchString, "ConfigMap")
	case "Secret":
		for k, v := range c.stringMap(o, "data", configKey.MatchString, "Secret") {
			if _, err := base64.StdEncoding.DecodeString(str(v)); err != nil {
				c.errf("data."+k, "not base64 (use stringData for plain text)")
			}
		}
		c.stringMap(o, "stringData", configKey.MatchString, "Secret")
	case "ServiceAccount":
	case "Service":
		c.service(o, name)
	case "Pod":
		if len(name) > 63 {
			c.errf("metadata.name", "longer than 63: the pod's hostname could not be its name")
		}
		c.podSpec(o, "spec", getMap(o, "metadata"))
		if rp := getStr(o, "spec.restartPolicy"); rp != "Never" {
			c.errf("spec.restartPolicy", "%q: a hook or test pod must say Never (Helm waits for it to end)", rp)
		}
		if hookOf(o) == nil {
			c.errf("metadata.annotations", "a bare Pod must be a hook (helm.sh/hook): nothing restarts it")
		}
	case "Job":
		if len(name) > 63 {
			c.errf("metadata.name", "longer than 63: it could not be the job-name label")
		}
		c.podSpec(o, "spec.template.spec", getMap(o, "spec.template.metadata"))
		if rp := getStr(o, "spec.template.spec.restartPolicy"); rp != "Never" && rp != "OnFailure" {
			c.errf("spec.template.spec.restartPolicy", "%q: a Job wants Never or OnFailure", rp)
		}
	case "Deployment":
		c.deployment(o)
	case "NetworkPolicy":
		c.networkPolicy(o)
	case "PersistentVolumeClaim":
		c.pvc(o)
	case "Role":
		c.role(o)
	case "RoleBinding":
		c.roleBinding(o)
	default:
		c.errf("kind", "%q (%s): no shape known to this checker", kind, apiVersion)
	}
}

func (c *checker) hook(o map[string]interface{}, kind string) {
	ann := getMap(o, "metadata.annotations")
	h := hookOf(o)
	if h == nil {
		for _, k := range []string{"helm.sh/hook-weight", "helm.sh/hook-delete-policy"} {
			if _, ok := ann[k]; ok {
				c.errf("metadata.annotations", "%s without helm.sh/hook", k)
			}
		}
		return
	}
	if len(h.Events) == 0 {
		c.errf("metadata.annotations.helm.sh/hook", "no event")
	}
	for _, e := range h.Events {
		if !hookEvents[e] {
			c.errf("metadata.annotations.helm.sh/hook", "unknown event %q (Helm ignores it)", e)
		}
		if (e == "test" || e == "test-success") && kind != "Pod" && kind != "Job" {
			c.errf("metadata.annotations.helm.sh/hook", "a test must be a Pod or a Job, not a %s", kind)
		}
	}
	if w, ok := ann["helm.sh/hook-weight"]; ok {
		if _, err := strconv.Atoi(str(w)); err != nil {
			c.errf("metadata.annotations.helm.sh/hook-weight", "%v is not an integer (Helm would take 0)", w)
		}
	}
	for _, p := range h.DeletePolicies {
		if !deletePolicies[p] {
			c.errf("metadata.annotations.helm.sh/hook-delete-policy", "unknown policy %q", p)
		}
	}
}

func (c *checker) port(path string, v interface{}, namesOK bool) {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err != nil || n < 1 || n > 65535 {
			c.errf(path, "%v is not a port (1 to 65535)", x)
		}
	case string:
		if !namesOK || len(x) > 15 || !ianaSvcName.MatchString(x) {
			c.errf(path, "%q is not a port number or name", x)
		}
	default:
		c.errf(path, "want a port, got %s", jsonType(v))
	}
}

func (c *checker) service(o map[string]interface{}, name string) {
	if len(name) > 63 || !dns1035Label.MatchString(name) {
		c.errf("metadata.name", "%q is not a DNS-1035 label (a Service name is a DNS name)", name)
	}
	ports := getList(o, "spec.ports")
	if len(ports) == 0 {
		c.errf("spec.ports", "missing")
	}
	for i, p := range ports {
		path := fmt.Sprintf("spec.ports[%d]", i)
		c.port(path+".port", mustGet(p, "port"), false)
		if tp, ok := get(p, "targetPort"); ok {
			c.port(path+".targetPort", tp, true)
		}
		if pr := getStr(p, "protocol"); pr != "" && pr != "TCP" && pr != "UDP" && pr != "SCTP" {
			c.errf(path+".protocol", "%q: want TCP, UDP or SCTP", pr)
		}
		if len(ports) > 1 && getStr(p, "name") == "" {
			c.errf(path+".name", "required when a Service has several ports")
		}
	}
	sel := c.stringMap(o, "spec.selector", qualifiedName, "label")
	if t := getStr(o, "spec.type"); t != "" && t != "ClusterIP" && t != "NodePort" && t != "LoadBalancer" {
		c.errf("spec.type", "%q: want ClusterIP, NodePort or LoadBalancer", t)
	}
	if len(sel) > 0 && len(c.podsMatching(sel, nil)) == 0 {
		c.errf("spec.selector", "selects no pod of this chart")
	}
}

func mustGet(v interface{}, path string) interface{} {
	x, _ := get(v, path)
	return x
}

func (c *checker) deployment(o map[string]interface{}) {
	match := c.stringMap(o, "spec.selector.matchLabels", qualifiedName, "label")
	if len(match) == 0 {
		c.errf("spec.selector.matchLabels", "missing")
	}
	labels := getMap(o, "spec.template.metadata.labels")
	for k, v := range match {
		if labels[k] != v {
			c.errf("spec.template.metadata.labels", "does not carry the selector's %s=%v", k, v)
		}
	}
	if r, present := get(o, "spec.replicas"); present {
		if n, ok := getInt(o, "spec.replicas"); !ok || n < 0 {
			c.errf("spec.replicas", "%v: want a whole number", r)
		}
	}
	c.podSpec(o, "spec.template.spec", getMap(o, "spec.template.metadata"))
	if rp := getStr(o, "spec.template.spec.restartPolicy"); rp != "" && rp != "Always" {
		c.errf("spec.template.spec.restartPolicy", "%q: a Deployment's pods restart Always", rp)
	}
}

var accessModes = map[string]bool{"ReadWriteOnce": true, "ReadOnlyMany": true,
	"ReadWriteMany": true, "ReadWriteOncePod": true}

var quantity = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$`)

func (c *checker) pvc(o map[string]interface{}) {
	modes := getList(o, "spec.accessModes")
	if len(modes) == 0 {
		c.errf("spec.accessModes", "missing")
	}
	for i, m := range modes {
		if !accessModes[str(m)] {
			c.errf(fmt.Sprintf("spec.accessModes[%d]", i), "%v is not an access mode", m)
		}
	}
	if s := getStr(o, "spec.resources.requests.storage"); !quantity.MatchString(s) {
		c.errf("spec.resources.requests.storage", "%q: want a quantity like 1Gi", s)
	}
}

func (c *checker) networkPolicy(o map[string]interface{}) {
	if _, ok := get(o, "spec.podSelector"); !ok {
		c.errf("spec.podSelector", "missing (use {} for every pod)")
	}
	for i, t := range getList(o, "spec.policyTypes") {
		if str(t) != "Ingress" && str(t) != "Egress" {
			c.errf(fmt.Sprintf("spec.policyTypes[%d]", i), "%v: want Ingress or Egress", t)
		}
	}
	for _, dir := range []string{"ingress", "egress"} {
		peers := "from"
		if dir == "egress" {
			peers = "to"
		}
		for i, rule := range getList(o, "spec."+dir) {
			path := fmt.Sprintf("spec.%s[%d]", dir, i)
			for j, p := range getList(rule, "ports") {
				pp := fmt.Sprintf("%s.ports[%d]", path, j)
				if pr := getStr(p, "protocol"); pr != "" && pr != "TCP" && pr != "UDP" && pr != "SCTP" {
					c.errf(pp+".protocol", "%q: want TCP, UDP or SCTP", pr)
				}
				if v, ok := get(p, "port"); ok {
					c.port(pp+".port", v, true)
				}
			}
			for j, peer := range getList(rule, peers) {
				m, _ := peer.(map[string]interface{})
				_, ps := m["podSelector"]
				_, ns := m["namespaceSelector"]
				_, ip := m["ipBlock"]
				if !ps && !ns && !ip {
					c.errf(fmt.Sprintf("%s.%s[%d]", path, peers, j), "want podSelector, namespaceSelector or ipBlock")
				}
				if ip && getStr(m, "ipBlock.cidr") == "" {
					c.errf(fmt.Sprintf("%s.%s[%d].ipBlock.cidr", path, peers, j), "missing")
				}
			}
		}
	}
	if len(c.podsMatching(nil, getMap(o, "spec.podSelector"))) == 0 {
		c.errf("spec.podSelector", "selects no pod of this chart")
	}
}

// role: each rule names its verbs, API groups and resources, and grants no
// wildcard: a chart's test pod gets what its checks read, nothing more.
func (c *checker) role(o map[string]interface{}) {
	rules := getList(o, "rules")
	if len(rules) == 0 {
		c.errf("rules", "missing: a Role without rules grants nothing")
	}
	for i, r := range rules {
		path := fmt.Sprintf("rules[%d]", i)
		for _, f := range []string{"apiGroups", "resources", "verbs"} {
			list := getList(r, f)
			if len(list) == 0 {
				c.errf(path+"."+f, "missing")
			}
			for j, v := range list {
				if str(v) == "*" {
					c.errf(fmt.Sprintf("%s.%s[%d]", path, f, j), "a wildcard: name what the pod needs")
				}
			}
		}
	}
}

func (c *checker) roleBinding(o map[string]interface{}) {
	if k := getStr(o, "roleRef.kind"); k != "Role" && k != "ClusterRole" {
		c.errf("roleRef.kind", "%q: want Role or ClusterRole", k)
	}
	if g := getStr(o, "roleRef.apiGroup"); g != "rbac.authorization.k8s.io" {
		c.errf("roleRef.apiGroup", "%q: want rbac.authorization.k8s.io", g)
	}
	if getStr(o, "roleRef.name") == "" {
		c.errf("roleRef.name", "missing")
	}
	subjects := getList(o, "subjects")
	if len(subjects) == 0 {
		c.errf("subjects", "missing: the binding binds no one")
	}
	for i, s := range subjects {
		if getStr(s, "kind") == "ServiceAccount" && getStr(s, "name") == "" {
			c.errf(fmt.Sprintf("subjects[%d].name", i), "missing")
		}
	}
}
