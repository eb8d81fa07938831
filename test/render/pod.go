// SPDX-License-Identifier: MIT
// Pod specs under Pod Security "restricted", field by field as the
// Kubernetes Pod Security Standards define it, plus the hookbox charts'
// own rules (read-only root, a numeric non-root user, no API token).
package main

import (
	"fmt"
	"strings"
)

// The volume types "restricted" allows.
var restrictedVolumes = map[string]bool{"configMap": true, "csi": true,
	"downwardAPI": true, "emptyDir": true, "ephemeral": true,
	"persistentVolumeClaim": true, "projected": true, "secret": true}

// The sysctls "baseline" allows.
var safeSysctls = map[string]bool{"kernel.shm_rmid_forced": true,
	"net.ipv4.ip_local_port_range": true, "net.ipv4.ip_unprivileged_port_start": true,
	"net.ipv4.tcp_syncookies": true, "net.ipv4.ping_group_range": true,
	"net.ipv4.ip_local_reserved_ports": true, "net.ipv4.tcp_keepalive_time": true,
	"net.ipv4.tcp_fin_timeout": true, "net.ipv4.tcp_keepalive_intvl": true,
	"net.ipv4.tcp_keepalive_probes": true}

var seLinuxTypes = map[string]bool{"": true, "container_t": true,
	"container_init_t": true, "container_kvm_t": true, "container_engine_t": true}

const (
	baseline   = "(Pod Security baseline)"
	restricted = "(Pod Security restricted)"
	ours       = "(hookbox charts)"
)

func seccompOK(t string) bool { return t == "RuntimeDefault" || t == "Localhost" }

func (c *checker) seLinux(path string, sc map[string]interface{}) {
	opts := getMap(sc, "seLinuxOptions")
	if opts == nil {
		return
	}
	if t := getStr(opts, "type"); !seLinuxTypes[t] {
		c.errf(path+".seLinuxOptions.type", "%q is not allowed %s", t, baseline)
	}
	for _, f := range []string{"user", "role"} {
		if getStr(opts, f) != "" {
			c.errf(path+".seLinuxOptions."+f, "must not be set %s", baseline)
		}
	}
}

func (c *checker) podSpec(o map[string]interface{}, path string, meta map[string]interface{}) {
	spec := getMap(o, path)
	if spec == nil {
		c.errf(path, "missing")
		return
	}
	for _, f := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		if isTrue(spec, f) {
			c.errf(path+"."+f, "must not be true %s", baseline)
		}
	}
	// A pod that talks to the API (hookbox k8s) has a token, of its own
	// ServiceAccount: never the namespace's "default", which other pods
	// share and whose grants nobody reviews.
	sa := getStr(spec, "serviceAccountName")
	if x, ok := get(spec, "automountServiceAccountToken"); !ok || x != false {
		if x != true || sa == "" || sa == "default" {
			c.errf(path+".automountServiceAccountToken", "want false: the pod needs no API token %s (one that talks to the API names its own serviceAccountName)", ours)
		}
	}
	psc := getMap(spec, "securityContext")
	pscPath := path + ".securityContext"
	if isTrue(psc, "windowsOptions.hostProcess") {
		c.errf(pscPath+".windowsOptions.hostProcess", "must not be true %s", baseline)
	}
	c.seLinux(pscPath, psc)
	for i, s := range getList(psc, "sysctls") {
		if n := getStr(s, "name"); !safeSysctls[n] {
			c.errf(fmt.Sprintf("%s.sysctls[%d]", pscPath, i), "%q is not a safe sysctl %s", n, baseline)
		}
	}
	podSeccomp := getStr(psc, "seccompProfile.type")
	if podSeccomp != "" && !seccompOK(podSeccomp) {
		c.errf(pscPath+".seccompProfile.type", "%q: want RuntimeDefault or Localhost %s", podSeccomp, restricted)
	}
	if u, ok := getInt(psc, "runAsUser"); ok && u == 0 {
		c.errf(pscPath+".runAsUser", "0 is root %s", restricted)
	}
	for k, v := range getMap(meta, "annotations") {
		if strings.HasPrefix(k, "container.apparmor.security.beta.kubernetes.io/") {
			if s := str(v); s != "runtime/default" && !strings.HasPrefix(s, "localhost/") {
				c.errf("metadata.annotations."+k, "%q: want runtime/default or localhost/... %s", s, baseline)
			}
		}
	}
	volumes := c.volumes(spec, path)
	names := map[string]bool{}
	containers := getList(spec, "containers")
	if len(containers) == 0 {
		c.errf(path+".containers", "missing")
	}
	for _, list := range []string{"initContainers", "containers", "ephemeralContainers"} {
		for i, ct := range getList(spec, list) {
			cp := fmt.Sprintf("%s.%s[%d]", path, list, i)
			name := getStr(ct, "name")
			c.label(cp+".name", name)
			if names[name] {
				c.errf(cp+".name", "%q used twice", name)
			}
			names[name] = true
			if getStr(ct, "image") == "" {
				c.errf(cp+".image", "missing")
			}
			c.container(ct, cp, psc, volumes)
		}
	}
}

// volumes checks the pod's volumes and returns them by name.
func (c *checker) volumes(spec map[string]interface{}, path string) map[string]map[string]interface{} {
	out := map[string]map[string]interface{}{}
	for i, v := range getList(spec, "volumes") {
		vp := fmt.Sprintf("%s.volumes[%d]", path, i)
		m, _ := v.(map[string]interface{})
		name := getStr(m, "name")
		c.label(vp+".name", name)
		if out[name] != nil {
			c.errf(vp+".name", "%q used twice", name)
		}
		out[name] = m
		var types []string
		for k := range m {
			if k != "name" {
				types = append(types, k)
			}
		}
		if len(types) != 1 {
			c.errf(vp, "want exactly one volume source, got %v", types)
		}
		for _, t := range types {
			switch {
			case t == "hostPath":
				c.errf(vp+".hostPath", "not allowed %s", baseline)
			case !restrictedVolumes[t]:
				c.errf(vp+"."+t, "%s volumes are not allowed %s", t, restricted)
			}
		}
		if cm := getStr(m, "configMap.name"); cm != "" {
			c.keysExist("ConfigMap", cm, getList(m, "configMap.items"), vp+".configMap.items")
		}
		if s := getStr(m, "secret.secretName"); s != "" {
			c.keysExist("Secret", s, getList(m, "secret.items"), vp+".secret.items")
		}
	}
	return out
}

// rendered finds an object of the chart by kind and name.
func (c *checker) rendered(kind, name string) map[string]interface{} {
	for _, e := range c.objs {
		if str(e.Object["kind"]) == kind && objName(e.Object) == name {
			return e.Object
		}
	}
	return nil
}

// keysExist: a volume's items and a *KeyRef must name keys the object has,
// when the chart renders that object (an existing Secret is not seen).
func (c *checker) keysExist(kind, name string, items []interface{}, path string) {
	obj := c.rendered(kind, name)
	if obj == nil {
		return
	}
	for i, it := range items {
		key := getStr(it, "key")
		_, inData := getMap(obj, "data")[key]
		_, inString := getMap(obj, "stringData")[key]
		if !inData && !inString {
			c.errf(fmt.Sprintf("%s[%d].key", path, i), "%s %q has no key %q", kind, name, key)
		}
	}
}

func (c *checker) container(ct interface{}, cp string, psc map[string]interface{},
	volumes map[string]map[string]interface{}) {
	sc := getMap(ct, "securityContext")
	scp := cp + ".securityContext"
	if isTrue(sc, "privileged") {
		c.errf(scp+".privileged", "must not be true %s", baseline)
	}
	if x, ok := get(sc, "allowPrivilegeEscalation"); !ok || x != false {
		c.errf(scp+".allowPrivilegeEscalation", "want false %s", restricted)
	}
	dropsAll := false
	for _, d := range getList(sc, "capabilities.drop") {
		dropsAll = dropsAll || str(d) == "ALL"
	}
	if !dropsAll {
		c.errf(scp+".capabilities.drop", "want [ALL] %s", restricted)
	}
	for i, a := range getList(sc, "capabilities.add") {
		if str(a) != "NET_BIND_SERVICE" {
			c.errf(fmt.Sprintf("%s.capabilities.add[%d]", scp, i), "%v: only NET_BIND_SERVICE may be added %s", a, restricted)
		}
	}
	nonRoot, set := get(sc, "runAsNonRoot")
	if set && nonRoot != true {
		c.errf(scp+".runAsNonRoot", "want true %s", restricted)
	} else if !set && !isTrue(psc, "runAsNonRoot") {
		c.errf(scp+".runAsNonRoot", "want true, here or in the pod's securityContext %s", restricted)
	}
	u, ok := getInt(sc, "runAsUser")
	if !ok {
		u, ok = getInt(psc, "runAsUser")
	}
	switch {
	case ok && u == 0:
		c.errf(scp+".runAsUser", "0 is root %s", restricted)
	case !ok:
		c.errf(scp+".runAsUser", "want a numeric user, here or in the pod's securityContext %s", ours)
	}
	t := getStr(sc, "seccompProfile.type")
	if t != "" && !seccompOK(t) {
		c.errf(scp+".seccompProfile.type", "%q: want RuntimeDefault or Localhost %s", t, restricted)
	} else if t == "" && !seccompOK(getStr(psc, "seccompProfile.type")) {
		c.errf(scp+".seccompProfile.type", "want RuntimeDefault or Localhost, here or in the pod's securityContext %s", restricted)
	}
	if pm := getStr(sc, "procMount"); pm != "" && pm != "Default" {
		c.errf(scp+".procMount", "%q: want Default %s", pm, baseline)
	}
	if isTrue(sc, "windowsOptions.hostProcess") {
		c.errf(scp+".windowsOptions.hostProcess", "must not be true %s", baseline)
	}
	c.seLinux(scp, sc)
	if x, ok := get(sc, "readOnlyRootFilesystem"); !ok || x != true {
		c.errf(scp+".readOnlyRootFilesystem", "want true %s", ours)
	}
	for i, p := range getList(ct, "ports") {
		pp := fmt.Sprintf("%s.ports[%d]", cp, i)
		c.port(pp+".containerPort", mustGet(p, "containerPort"), false)
		if hp, ok := getInt(p, "hostPort"); ok && hp != 0 {
			c.errf(pp+".hostPort", "must not be set %s", baseline)
		}
		if n := getStr(p, "name"); n != "" && (len(n) > 15 || !ianaSvcName.MatchString(n)) {
			c.errf(pp+".name", "%q is not a port name (at most 15, lower case)", n)
		}
	}
	for i, m := range getList(ct, "volumeMounts") {
		mp := fmt.Sprintf("%s.volumeMounts[%d]", cp, i)
		if volumes[getStr(m, "name")] == nil {
			c.errf(mp+".name", "no volume %q in the pod", getStr(m, "name"))
		}
		if !strings.HasPrefix(getStr(m, "mountPath"), "/") {
			c.errf(mp+".mountPath", "%q is not an absolute path", getStr(m, "mountPath"))
		}
	}
	for i, e := range getList(ct, "env") {
		ep := fmt.Sprintf("%s.env[%d]", cp, i)
		if n := getStr(e, "name"); !envName.MatchString(n) {
			c.errf(ep+".name", "%q is not a variable name", n)
		}
		if v, ok := get(e, "value"); ok {
			if _, isStr := v.(string); !isStr {
				c.errf(ep+".value", "want a string, not %s (quote it in the template)", jsonType(v))
			}
		}
		if s := getStr(e, "valueFrom.secretKeyRef.name"); s != "" {
			c.keysExist("Secret", s, []interface{}{getMap(e, "valueFrom.secretKeyRef")}, ep+".valueFrom.secretKeyRef")
		}
		if s := getStr(e, "valueFrom.configMapKeyRef.name"); s != "" {
			c.keysExist("ConfigMap", s, []interface{}{getMap(e, "valueFrom.configMapKeyRef")}, ep+".valueFrom.configMapKeyRef")
		}
	}
}

// -- which pods a selector picks -----------------------------------------

type podTemplate struct {
	entry  *Entry
	labels map[string]interface{}
	spec   map[string]interface{}
}

func (c *checker) pods() []podTemplate {
	var out []podTemplate
	for _, e := range c.objs {
		o := e.Object
		switch str(o["kind"]) {
		case "Pod":
			out = append(out, podTemplate{e, getMap(o, "metadata.labels"), getMap(o, "spec")})
		case "Job", "Deployment":
			out = append(out, podTemplate{e, getMap(o, "spec.template.metadata.labels"),
				getMap(o, "spec.template.spec")})
		}
	}
	return out
}

// selects is a label selector (matchLabels, or a NetworkPolicy's
// podSelector with matchExpressions) against a pod's labels.
func selects(matchLabels, selector map[string]interface{}, labels map[string]interface{}) bool {
	if selector != nil {
		matchLabels = getMap(selector, "matchLabels")
		for _, ex := range getList(selector, "matchExpressions") {
			v, has := labels[getStr(ex, "key")]
			in := false
			for _, x := range getList(ex, "values") {
				in = in || (has && x == v)
			}
			switch getStr(ex, "operator") {
			case "In":
				if !in {
					return false
				}
			case "NotIn":
				if in {
					return false
				}
			case "Exists":
				if !has {
					return false
				}
			case "DoesNotExist":
				if has {
					return false
				}
			default:
				return false
			}
		}
	}
	for k, v := range matchLabels {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func (c *checker) podsMatching(matchLabels, selector map[string]interface{}) []podTemplate {
	var out []podTemplate
	for _, p := range c.pods() {
		if selects(matchLabels, selector, p.labels) {
			out = append(out, p)
		}
	}
	return out
}
