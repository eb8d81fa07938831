// SPDX-License-Identifier: MIT
// Whether the chart's NetworkPolicies let each hookbox pod reach what its
// checks name: the targets are read from the container's arguments and
// from the spec it runs (a ConfigMap of the chart), "${VAR}" expanded from
// the container's env, as the agent expands them.
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
)

type target struct {
	check string
	host  string
	port  int
	udp   bool
}

var varRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// expand replaces ${VAR} and ${VAR:-default} from env; a variable that is
// not a plain value (a Secret's, a field's) is reported.
func expand(s string, env map[string]string) (string, error) {
	var missing string
	out := varRef.ReplaceAllStringFunc(s, func(m string) string {
		g := varRef.FindStringSubmatch(m)
		if v, ok := env[g[1]]; ok && (v != "" || g[2] == "") {
			return v
		}
		if g[2] != "" {
			return g[3]
		}
		missing = g[1]
		return m
	})
	if missing != "" {
		return "", fmt.Errorf("${%s} is not a plain env value of the container", missing)
	}
	return out, nil
}

var defaultPorts = map[string]int{"http": 80, "https": 443, "postgres": 5432,
	"postgresql": 5432, "mysql": 3306, "mariadb": 3306, "redis": 6379, "rediss": 6379}

// targetOf is where a check of kind connects ("" host: nowhere to check).
func targetOf(kind, where string) (string, int, error) {
	switch kind {
	case "tcp":
		h, p, err := net.SplitHostPort(where)
		if err != nil {
			return "", 0, err
		}
		n, err := strconv.Atoi(p)
		return h, n, err
	case "dns":
		return "", 0, nil
	}
	u, err := url.Parse(where)
	if err != nil {
		return "", 0, err
	}
	port := defaultPorts[u.Scheme]
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return "", 0, err
		}
	}
	if port == 0 || u.Hostname() == "" {
		return "", 0, fmt.Errorf("%q: no host and port", where)
	}
	return u.Hostname(), port, nil
}

var oneLiners = map[string]bool{"http": true, "tcp": true, "dns": true,
	"postgres": true, "mysql": true, "redis": true}

// hookboxTargets reads the targets of one hookbox command line (argv
// without the program), following "exec ... -- /hookbox ...".
func (c *checker) hookboxTargets(argv []string, ct, pod map[string]interface{},
	env map[string]string) ([]target, error) {
	if len(argv) == 0 {
		return nil, nil
	}
	var out []target
	add := func(name, kind, where string) error {
		w, err := expand(where, env)
		if err != nil {
			return fmt.Errorf("check %q: %v", name, err)
		}
		h, p, err := targetOf(kind, w)
		if err != nil {
			return fmt.Errorf("check %q: %v", name, err)
		}
		if h != "" {
			out = append(out, target{check: name, host: h, port: p})
		}
		if h == "" || net.ParseIP(h) == nil {
			out = append(out, target{check: name, host: "", port: 53, udp: true})
		}
		return nil
	}
	sub := argv[0]
	switch {
	case oneLiners[sub]:
		if len(argv) < 2 || strings.HasPrefix(argv[1], "-") {
			return nil, fmt.Errorf("%s: put the target first to be checked", sub)
		}
		return out, add(sub, sub, argv[1])
	case sub == "exec":
		for i := 1; i < len(argv); i++ {
			a := argv[i]
			if a == "--" {
				rest := argv[i+1:]
				if len(rest) > 0 && path.Base(rest[0]) == "hookbox" {
					more, err := c.hookboxTargets(rest[1:], ct, pod, env)
					return append(out, more...), err
				}
				return out, nil
			}
			var u string
			if strings.HasPrefix(a, "--wait-for=") {
				u = strings.TrimPrefix(a, "--wait-for=")
			} else if a == "--wait-for" && i+1 < len(argv) {
				i++
				u = argv[i]
			} else {
				continue
			}
			scheme := strings.SplitN(u, "://", 2)[0]
			kind := map[string]string{"https": "http", "postgresql": "postgres",
				"mariadb": "mysql", "rediss": "redis"}[scheme]
			if kind == "" {
				kind = scheme
			}
			w := u
			if kind == "tcp" {
				w = strings.TrimPrefix(u, "tcp://")
			}
			if err := add("--wait-for "+u, kind, w); err != nil {
				return nil, err
			}
		}
		return out, nil
	case sub == "run" && len(argv) >= 2:
		spec, err := c.mountedFile(argv[1], ct, pod)
		if err != nil {
			return nil, err
		}
		var s struct {
			Checks []map[string]interface{} `json:"checks"`
		}
		if err := json.Unmarshal([]byte(spec), &s); err != nil {
			return nil, fmt.Errorf("spec %s: %v", argv[1], err)
		}
		for _, ch := range s.Checks {
			kind, name := str(ch["kind"]), str(ch["name"])
			where := str(ch["url"])
			switch kind {
			case "tcp":
				where = str(ch["address"])
			case "dns":
				// A dns check's target is "host", or its only "name".
				if where = str(ch["host"]); where == "" {
					where = name
				}
			}
			if err := add(name, kind, where); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// mountedFile is the content of file p in the container, when a ConfigMap
// of the chart is mounted there.
func (c *checker) mountedFile(p string, ct, pod map[string]interface{}) (string, error) {
	for _, m := range getList(ct, "volumeMounts") {
		mp := strings.TrimSuffix(getStr(m, "mountPath"), "/")
		if !strings.HasPrefix(p, mp+"/") {
			continue
		}
		rel := strings.TrimPrefix(p, mp+"/")
		for _, v := range getList(pod, "volumes") {
			if getStr(v, "name") != getStr(m, "name") {
				continue
			}
			cm := c.rendered("ConfigMap", getStr(v, "configMap.name"))
			if cm == nil {
				break
			}
			key := rel
			for _, it := range getList(v, "configMap.items") {
				if getStr(it, "path") == rel {
					key = getStr(it, "key")
				}
			}
			if d, ok := getMap(cm, "data")[key]; ok {
				return str(d), nil
			}
		}
	}
	return "", fmt.Errorf("%s: not a file of a ConfigMap of the chart", p)
}

func containerEnv(ct map[string]interface{}) map[string]string {
	env := map[string]string{}
	for _, e := range getList(ct, "env") {
		if v, ok := get(e, "value"); ok {
			env[getStr(e, "name")] = str(v)
		}
	}
	return env
}

// service finds the chart's Service a host names (svc, svc.ns, svc.ns.svc,
// svc.ns.svc.cluster.local) in the release's namespace.
func (c *checker) serviceNamed(host, ns string) map[string]interface{} {
	parts := strings.Split(host, ".")
	if len(parts) > 1 && parts[1] != ns {
		return nil
	}
	if len(parts) > 2 && strings.Join(parts[2:], ".") != "svc" &&
		strings.Join(parts[2:], ".") != "svc.cluster.local" {
		return nil
	}
	return c.rendered("Service", parts[0])
}

// portAllowed: does a NetworkPolicy rule's ports list let (port, udp) by?
// A named port is matched against the destination's container ports.
func portAllowed(rule interface{}, port int, udp bool, named map[string]int) bool {
	ports := getList(rule, "ports")
	if len(ports) == 0 {
		return true
	}
	proto := "TCP"
	if udp {
		proto = "UDP"
	}
	for _, p := range ports {
		if pr := getStr(p, "protocol"); pr != proto && !(pr == "" && proto == "TCP") {
			continue
		}
		v, present := get(p, "port")
		if !present {
			return true
		}
		if s, isName := v.(string); isName {
			if named[s] == port {
				return true
			}
			continue
		}
		lo, _ := getInt(p, "port")
		hi, ok := getInt(p, "endPort")
		if !ok {
			hi = lo
		}
		if int64(port) >= lo && int64(port) <= hi {
			return true
		}
	}
	return false
}

// peerAllows: does one of the rule's peers (to or from) take in a pod with
// these labels, in the policy's own namespace?
func peerAllows(rule interface{}, key string, labels map[string]interface{}, ns string) bool {
	peers := getList(rule, key)
	if len(peers) == 0 {
		return true
	}
	for _, p := range peers {
		nsSel := getMap(p, "namespaceSelector")
		if nsSel != nil && !selects(nil, nsSel, map[string]interface{}{"kubernetes.io/metadata.name": ns}) {
			continue
		}
		if ps := getMap(p, "podSelector"); ps != nil || nsSel != nil {
			if ps == nil || selects(nil, ps, labels) {
				return true
			}
		}
	}
	return false
}

// policies are the chart's NetworkPolicies that select the pod for dir.
func (c *checker) policies(labels map[string]interface{}, dir string) []map[string]interface{} {
	var out []map[string]interface{}
	for _, e := range c.objs {
		o := e.Object
		if str(o["kind"]) != "NetworkPolicy" || !selects(nil, getMap(o, "spec.podSelector"), labels) {
			continue
		}
		types := getList(o, "spec.policyTypes")
		has := false
		for _, t := range types {
			has = has || str(t) == dir
		}
		// Without policyTypes: Ingress always, Egress when it has rules.
		if len(types) == 0 {
			_, eg := get(o, "spec.egress")
			has = dir == "Ingress" || eg
		}
		if has {
			out = append(out, o)
		}
	}
	return out
}

func namedPorts(pods []podTemplate) map[string]int {
	named := map[string]int{}
	for _, p := range pods {
		for _, ct := range getList(p.spec, "containers") {
			for _, cp := range getList(ct, "ports") {
				if n, ok := getInt(cp, "containerPort"); ok && getStr(cp, "name") != "" {
					named[getStr(cp, "name")] = int(n)
				}
			}
		}
	}
	return named
}

// reachability: for each hookbox container of e, every target must be let
// out by the policies that select its pod, and let in by those that select
// the target's pods when the target is a Service of the chart.
func (c *checker) reachability(e *Entry) {
	var pods []podTemplate
	for _, p := range c.pods() {
		if p.entry == e {
			pods = append(pods, p)
		}
	}
	for _, p := range pods {
		egress := c.policies(p.labels, "Egress")
		for _, ct := range getList(p.spec, "containers") {
			ctm, _ := ct.(map[string]interface{})
			argv := append([]string{}, strList(ctm["command"])...)
			if len(argv) > 0 && path.Base(argv[0]) == "hookbox" {
				argv = argv[1:]
			} else if len(argv) > 0 {
				continue
			}
			argv = append(argv, strList(ctm["args"])...)
			targets, err := c.hookboxTargets(argv, ctm, p.spec, containerEnv(ctm))
			if err != nil {
				c.errf("containers."+getStr(ctm, "name"), "cannot tell what it checks: %v", err)
				continue
			}
			for _, t := range targets {
				c.reach(p, egress, t)
			}
		}
	}
}

func strList(v interface{}) []string {
	var out []string
	l, _ := v.([]interface{})
	for _, x := range l {
		out = append(out, str(x))
	}
	return out
}

func (c *checker) reach(src podTemplate, egress []map[string]interface{}, t target) {
	ns := c.ns
	port := t.port
	var dst []podTemplate
	where := fmt.Sprintf("%s:%d", t.host, t.port)
	if t.udp {
		where = "DNS (53/UDP)"
	}
	if svc := c.serviceNamed(t.host, ns); svc != nil && !t.udp {
		var sp interface{}
		for _, p := range getList(svc, "spec.ports") {
			if n, _ := getInt(p, "port"); int(n) == t.port {
				sp = p
			}
		}
		if sp == nil {
			c.errf("check "+t.check, "Service %q has no port %d", t.host, t.port)
			return
		}
		dst = c.podsMatching(getMap(svc, "spec.selector"), nil)
		port = t.port
		if tp, ok := get(sp, "targetPort"); ok {
			if name, isName := tp.(string); isName {
				if port = namedPorts(dst)[name]; port == 0 {
					c.errf("check "+t.check, "Service %q: target port %q is no container's", t.host, name)
					return
				}
			} else {
				n, _ := getInt(sp, "targetPort")
				port = int(n)
			}
		}
	}
	if len(egress) > 0 {
		ok := false
		for _, pol := range egress {
			for _, rule := range getList(pol, "spec.egress") {
				if !portAllowed(rule, port, t.udp, namedPorts(dst)) {
					continue
				}
				if len(dst) == 0 {
					ok = true // outside the chart: the port is what can be told
				}
				for _, d := range dst {
					ok = ok || peerAllows(rule, "to", d.labels, ns)
				}
			}
		}
		if !ok {
			c.errf("check "+t.check, "no NetworkPolicy of the chart lets this pod reach %s (port %d)", where, port)
		}
	}
	for _, d := range dst {
		ingress := c.policies(d.labels, "Ingress")
		if len(ingress) == 0 {
			continue
		}
		ok := false
		for _, pol := range ingress {
			for _, rule := range getList(pol, "spec.ingress") {
				ok = ok || (portAllowed(rule, port, false, namedPorts([]podTemplate{d})) &&
					peerAllows(rule, "from", src.labels, ns))
			}
		}
		if !ok {
			c.errf("check "+t.check, "the NetworkPolicies of %s %q do not let this pod in on port %d",
				str(d.entry.Object["kind"]), objName(d.entry.Object), port)
		}
	}
}
