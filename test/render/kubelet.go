// SPDX-License-Identifier: MIT
// What the kubelet would give one pod of a rendering: its volumes as files
// (ConfigMap and Secret items, downward-API labels and annotations, empty
// dirs), each container's env resolved and "$(VAR)" expanded in its
// command and arguments, so that a test can run the real container's
// command line with the real files at their paths.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

type mount struct {
	Source   string `json:"source"`
	Target   string `json:"target"`
	ReadOnly bool   `json:"readOnly"`
}

type playContainer struct {
	Name            string                 `json:"name"`
	Image           string                 `json:"image"`
	Command         []string               `json:"command"`
	Args            []string               `json:"args"`
	Env             map[string]string      `json:"env"`
	Mounts          []mount                `json:"mounts"`
	SecurityContext map[string]interface{} `json:"securityContext"`
}

type playPod struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace"`
	Kind        string            `json:"kind"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	FSGroup     *int64            `json:"fsGroup"`
	// Run first, each to its end, in order, sharing the pod's volumes.
	InitContainers []playContainer `json:"initContainers"`
	Containers     []playContainer `json:"containers"`
}

// formatMap is the downward API's rendering of labels and annotations:
// key="value" lines, sorted, values quoted as Go quotes them.
func formatMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var lines []string
	for _, k := range keys {
		lines = append(lines, fmt.Sprintf("%s=%q", k, m[k]))
	}
	return strings.Join(lines, "\n")
}

func strMap(v map[string]interface{}) map[string]string {
	out := map[string]string{}
	for k, x := range v {
		out[k] = str(x)
	}
	return out
}

// objectData is a ConfigMap's or Secret's keys, decoded.
func objectData(o map[string]interface{}) (map[string][]byte, error) {
	out := map[string][]byte{}
	for k, v := range getMap(o, "data") {
		if str(o["kind"]) == "Secret" {
			b, err := base64.StdEncoding.DecodeString(str(v))
			if err != nil {
				return nil, fmt.Errorf("Secret %q: data.%s: %v", objName(o), k, err)
			}
			out[k] = b
		} else {
			out[k] = []byte(str(v))
		}
	}
	for k, v := range getMap(o, "stringData") {
		out[k] = []byte(str(v))
	}
	return out, nil
}

type kubelet struct {
	r       *rendering
	dir     string
	fsGroup *int64
}

func (k *kubelet) find(kind, name string) map[string]interface{} {
	for _, e := range k.r.Objects {
		if str(e.Object["kind"]) == kind && objName(e.Object) == name {
			return e.Object
		}
	}
	return nil
}

func fileMode(v interface{}, path string, def os.FileMode) os.FileMode {
	if n, ok := getInt(v, path); ok {
		return os.FileMode(n)
	}
	return def
}

func (k *kubelet) writeFile(p string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, data, mode); err != nil {
		return err
	}
	// As the kubelet: the files belong to the pod's fsGroup.
	if k.fsGroup != nil && os.Geteuid() == 0 {
		if err := os.Chown(p, 0, int(*k.fsGroup)); err != nil {
			return err
		}
	}
	return os.Chmod(p, mode)
}

// volume writes one volume's files under dir/volumes/NAME.
func (k *kubelet) volume(v map[string]interface{}, meta map[string]string, annotations map[string]string) (string, error) {
	name := getStr(v, "name")
	dst := filepath.Join(k.dir, "volumes", name)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return "", err
	}
	var kind, objNameKey, src string
	switch {
	case getMap(v, "configMap") != nil:
		kind, src, objNameKey = "ConfigMap", "configMap", "name"
	case getMap(v, "secret") != nil:
		kind, src, objNameKey = "Secret", "secret", "secretName"
	case getMap(v, "downwardAPI") != nil:
		for _, it := range getList(v, "downwardAPI.items") {
			var text string
			switch getStr(it, "fieldRef.fieldPath") {
			case "metadata.labels":
				text = formatMap(meta)
			case "metadata.annotations":
				text = formatMap(annotations)
			default:
				return "", fmt.Errorf("volume %q: fieldPath %q is not played", name, getStr(it, "fieldRef.fieldPath"))
			}
			mode := fileMode(it, "mode", fileMode(v, "downwardAPI.defaultMode", 0o644))
			if err := k.writeFile(filepath.Join(dst, getStr(it, "path")), []byte(text), mode); err != nil {
				return "", err
			}
		}
		return dst, nil
	case getMap(v, "emptyDir") != nil:
		if k.fsGroup != nil && os.Geteuid() == 0 {
			if err := os.Chown(dst, 0, int(*k.fsGroup)); err != nil {
				return "", err
			}
			return dst, os.Chmod(dst, 0o2775)
		}
		return dst, os.Chmod(dst, 0o777)
	default:
		return "", fmt.Errorf("volume %q: only configMap, secret, downwardAPI and emptyDir volumes are played", name)
	}
	obj := k.find(kind, getStr(v, src+"."+objNameKey))
	if obj == nil {
		return "", fmt.Errorf("volume %q: %s %q is not in the rendering", name, kind, getStr(v, src+"."+objNameKey))
	}
	data, err := objectData(obj)
	if err != nil {
		return "", err
	}
	def := fileMode(v, src+".defaultMode", 0o644)
	items := getList(v, src+".items")
	if len(items) == 0 {
		for key := range data {
			items = append(items, map[string]interface{}{"key": key, "path": key})
		}
	}
	for _, it := range items {
		b, ok := data[getStr(it, "key")]
		if !ok {
			return "", fmt.Errorf("volume %q: %s %q has no key %q", name, kind, objName(obj), getStr(it, "key"))
		}
		if err := k.writeFile(filepath.Join(dst, getStr(it, "path")), b, fileMode(it, "mode", def)); err != nil {
			return "", err
		}
	}
	return dst, nil
}

var kubeVarRef = regexp.MustCompile(`\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)`)

// expandKube is the kubelet's $(VAR) in command and args ("$$" escapes).
func expandKube(s string, env map[string]string) string {
	s = strings.ReplaceAll(s, "$$", "\x00")
	s = kubeVarRef.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := env[m[2:len(m)-1]]; ok {
			return v
		}
		return m
	})
	return strings.ReplaceAll(s, "\x00", "$")
}

func (k *kubelet) env(ct interface{}, pod *playPod) (map[string]string, error) {
	env := map[string]string{}
	for _, e := range getList(ct, "env") {
		name := getStr(e, "name")
		if v, ok := get(e, "value"); ok {
			env[name] = expandKube(str(v), env)
			continue
		}
		switch {
		case getStr(e, "valueFrom.fieldRef.fieldPath") != "":
			switch f := getStr(e, "valueFrom.fieldRef.fieldPath"); f {
			case "metadata.name":
				env[name] = pod.Name
			case "metadata.namespace":
				env[name] = pod.Namespace
			default:
				return nil, fmt.Errorf("env %s: fieldPath %q is not played", name, f)
			}
		case getMap(e, "valueFrom.secretKeyRef") != nil, getMap(e, "valueFrom.configMapKeyRef") != nil:
			kind, ref := "Secret", getMap(e, "valueFrom.secretKeyRef")
			if ref == nil {
				kind, ref = "ConfigMap", getMap(e, "valueFrom.configMapKeyRef")
			}
			obj := k.find(kind, getStr(ref, "name"))
			if obj == nil {
				return nil, fmt.Errorf("env %s: %s %q is not in the rendering", name, kind, getStr(ref, "name"))
			}
			data, err := objectData(obj)
			if err != nil {
				return nil, err
			}
			b, ok := data[getStr(ref, "key")]
			if !ok {
				return nil, fmt.Errorf("env %s: %s %q has no key %q", name, kind, objName(obj), getStr(ref, "key"))
			}
			env[name] = string(b)
		default:
			return nil, fmt.Errorf("env %s: this valueFrom is not played", name)
		}
	}
	return env, nil
}

// playPodOf lays out the pod of the object named name (a Pod, or a Job's or
// a Deployment's template) under dir, and describes it in dir/pod.json.
func playPodOf(r *rendering, name, dir string) error {
	var obj map[string]interface{}
	for _, e := range r.Objects {
		switch str(e.Object["kind"]) {
		case "Pod", "Job", "Deployment":
			if objName(e.Object) == name {
				obj = e.Object
			}
		}
	}
	if obj == nil {
		return fmt.Errorf("no Pod, Job or Deployment %q in the rendering", name)
	}
	kind := str(obj["kind"])
	spec, meta := getMap(obj, "spec"), getMap(obj, "metadata")
	pod := &playPod{Name: name, Namespace: str(r.Release["namespace"]), Kind: kind}
	if kind != "Pod" {
		spec, meta = getMap(obj, "spec.template.spec"), getMap(obj, "spec.template.metadata")
		pod.Name = name + "-play"
	}
	pod.Labels, pod.Annotations = strMap(getMap(meta, "labels")), strMap(getMap(meta, "annotations"))
	if kind == "Job" {
		// The labels the Job controller puts on its pods.
		pod.Labels["job-name"] = name
		pod.Labels["batch.kubernetes.io/job-name"] = name
	}
	if g, ok := getInt(spec, "securityContext.fsGroup"); ok {
		pod.FSGroup = &g
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	k := &kubelet{r: r, dir: dir, fsGroup: pod.FSGroup}
	sources := map[string]string{}
	for _, v := range getList(spec, "volumes") {
		vm, _ := v.(map[string]interface{})
		src, err := k.volume(vm, pod.Labels, pod.Annotations)
		if err != nil {
			return err
		}
		sources[getStr(vm, "name")] = src
	}
	var err error
	if pod.InitContainers, err = k.containers(spec, "initContainers", pod, sources); err != nil {
		return err
	}
	if pod.Containers, err = k.containers(spec, "containers", pod, sources); err != nil {
		return err
	}
	data, err := indentedJSON(pod)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "pod.json"), data, 0o644)
}

// containers describes the pod spec's list (containers, initContainers):
// env resolved, $(VAR) expanded, mounts at the volumes' files, and the
// securityContext the kubelet would apply.
func (k *kubelet) containers(spec map[string]interface{}, list string, pod *playPod,
	sources map[string]string) ([]playContainer, error) {
	out := []playContainer{}
	psc := getMap(spec, "securityContext")
	for _, ct := range getList(spec, list) {
		env, err := k.env(ct, pod)
		if err != nil {
			return nil, fmt.Errorf("container %q: %v", getStr(ct, "name"), err)
		}
		pc := playContainer{Name: getStr(ct, "name"), Image: getStr(ct, "image"),
			Command: []string{}, Args: []string{}, Env: env, Mounts: []mount{},
			SecurityContext: map[string]interface{}{}}
		for _, a := range strList(mustGet(ct, "command")) {
			pc.Command = append(pc.Command, expandKube(a, env))
		}
		for _, a := range strList(mustGet(ct, "args")) {
			pc.Args = append(pc.Args, expandKube(a, env))
		}
		for _, m := range getList(ct, "volumeMounts") {
			pc.Mounts = append(pc.Mounts, mount{Source: sources[getStr(m, "name")],
				Target: getStr(m, "mountPath"), ReadOnly: isTrue(m, "readOnly")})
		}
		// The container's fields over the pod's, as the kubelet merges them.
		for k, v := range psc {
			if k != "fsGroup" && k != "supplementalGroups" && k != "sysctls" {
				pc.SecurityContext[k] = v
			}
		}
		for k, v := range getMap(ct, "securityContext") {
			pc.SecurityContext[k] = v
		}
		out = append(out, pc)
	}
	return out, nil
}

func cmdPod(args []string) int {
	if len(args) != 3 {
		fmt.Fprintf(os.Stderr, "hookbox-render: pod: want RENDERED.json NAME DIR\n%s", usage)
		return 2
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintf(os.Stderr, "hookbox-render: pod: %v\n", err)
		return 1
	}
	var r rendering
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&r); err != nil {
		fmt.Fprintf(os.Stderr, "hookbox-render: pod: %s: %v\n", args[0], err)
		return 1
	}
	if err := playPodOf(&r, args[1], args[2]); err != nil {
		fmt.Fprintf(os.Stderr, "hookbox-render: pod %s: %v\n", args[1], err)
		os.RemoveAll(args[2])
		return 1
	}
	return 0
}
