// SPDX-License-Identifier: MIT
// What Helm does with rendered files: split them into documents, parse
// each, tell hooks from manifests, and order both as Helm installs them.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// Hook is a hook's annotations as Helm reads them.
type Hook struct {
	Events         []string `json:"events"`
	Weight         int      `json:"weight"`
	DeletePolicies []string `json:"deletePolicies"`
}

// Entry is one rendered object.
type Entry struct {
	Source string                 `json:"source"`
	Hook   *Hook                  `json:"hook"`
	Object map[string]interface{} `json:"object"`
	text   string
}

type rendering struct {
	Release map[string]interface{} `json:"release"`
	Chart   map[string]string      `json:"chart"`
	Objects []*Entry               `json:"objects"`
	Notes   string                 `json:"notes"`
}

// Helm's releaseutil.SplitManifests separator.
var sepRegex = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

// installOrder is Helm's releaseutil.InstallOrder; kinds not in it come
// after, by name.
var installOrder = []string{"PriorityClass", "Namespace", "NetworkPolicy",
	"ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
	"ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
	"PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition",
	"ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
	"ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
	"RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController",
	"ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job",
	"CronJob", "IngressClass", "Ingress", "APIService",
	"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"}

func kindRank(kind string) int {
	for i, k := range installOrder {
		if k == kind {
			return i
		}
	}
	return len(installOrder)
}

func sortByKind(es []*Entry) {
	sort.SliceStable(es, func(i, j int) bool {
		ki, kj := str(es[i].Object["kind"]), str(es[j].Object["kind"])
		ri, rj := kindRank(ki), kindRank(kj)
		if ri != rj {
			return ri < rj
		}
		if ri == len(installOrder) {
			return ki < kj
		}
		return false
	})
}

func str(v interface{}) string {
	s, _ := v.(string)
	return s
}

// parseDoc turns one YAML document into JSON types; a duplicated key is an
// error here (Helm would quietly keep the last).
func parseDoc(doc string) (map[string]interface{}, error) {
	j, err := yaml.YAMLToJSONStrict([]byte(doc))
	if err != nil {
		return nil, err
	}
	var v interface{}
	d := json.NewDecoder(bytes.NewReader(j))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]interface{})
	if !ok {
		return nil, fmt.Errorf("a document must be a mapping, not %T", v)
	}
	return m, nil
}

func hookOf(obj map[string]interface{}) *Hook {
	meta, _ := obj["metadata"].(map[string]interface{})
	ann, _ := meta["annotations"].(map[string]interface{})
	events, ok := ann["helm.sh/hook"].(string)
	if !ok {
		return nil
	}
	h := &Hook{Events: []string{}, DeletePolicies: []string{}}
	for _, e := range strings.Split(events, ",") {
		if e = strings.TrimSpace(e); e != "" {
			h.Events = append(h.Events, e)
		}
	}
	// As Helm: a weight that is not an integer counts as 0.
	h.Weight, _ = strconv.Atoi(str(ann["helm.sh/hook-weight"]))
	for _, p := range strings.Split(str(ann["helm.sh/hook-delete-policy"]), ",") {
		if p = strings.TrimSpace(p); p != "" {
			h.DeletePolicies = append(h.DeletePolicies, p)
		}
	}
	return h
}

func objName(obj map[string]interface{}) string {
	meta, _ := obj["metadata"].(map[string]interface{})
	return str(meta["name"])
}

func splitRendering(c *chartFiles, o *renderOptions, files map[string]string) (*rendering, error) {
	r := &rendering{
		Release: map[string]interface{}{"name": o.release.Name,
			"namespace": o.release.Namespace, "revision": o.release.Revision,
			"isInstall": o.release.IsInstall, "isUpgrade": o.release.IsUpgrade},
		Chart: map[string]string{"name": c.meta.Name, "version": c.meta.Version,
			"appVersion": c.meta.AppVersion},
		Objects: []*Entry{},
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var manifests, hooks []*Entry
	for _, name := range names {
		if strings.HasSuffix(name, "NOTES.txt") {
			r.Notes = files[name]
			continue
		}
		if ext := path.Ext(name); ext != ".yaml" && ext != ".yml" && ext != ".json" {
			// Helm sends only YAML (and JSON) files to the cluster.
			continue
		}
		for i, doc := range sepRegex.Split(files[name], -1) {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			obj, err := parseDoc(doc)
			if err != nil {
				return nil, fmt.Errorf("YAML parse error on %s (document %d): %v", name, i+1, err)
			}
			if obj == nil {
				continue // comments only
			}
			e := &Entry{Source: name, Hook: hookOf(obj), Object: obj, text: strings.TrimSpace(doc)}
			if e.Hook != nil {
				hooks = append(hooks, e)
			} else {
				manifests = append(manifests, e)
			}
		}
	}
	sortByKind(manifests)
	// Hooks are kept in kind order, then ordered by weight and name, as
	// Helm's execHook sorts them (sort.Stable over hookByWeight).
	sortByKind(hooks)
	sort.SliceStable(hooks, func(i, j int) bool {
		if hooks[i].Hook.Weight != hooks[j].Hook.Weight {
			return hooks[i].Hook.Weight < hooks[j].Hook.Weight
		}
		return objName(hooks[i].Object) < objName(hooks[j].Object)
	})
	r.Objects = append(manifests, hooks...)
	return r, nil
}

func (r *rendering) writeYAML(w io.Writer) error {
	for _, e := range r.Objects {
		if _, err := fmt.Fprintf(w, "---\n# Source: %s\n%s\n", e.Source, e.text); err != nil {
			return err
		}
	}
	return nil
}

func (r *rendering) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

// writeDir writes each entry to DIR/NNN-KIND-NAME.json, in order, into a
// directory made for it (nothing half-written is left in an existing one).
func (r *rendering) writeDir(dir string) error {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("--output-dir: %v", err)
	}
	for i, e := range r.Objects {
		name := fmt.Sprintf("%03d-%s-%s.json", i, str(e.Object["kind"]), objName(e.Object))
		data, err := indentedJSON(e)
		if err != nil {
			return err
		}
		p := filepath.Join(dir, unsafeName.ReplaceAllString(name, "_"))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			os.RemoveAll(dir)
			return fmt.Errorf("--output-dir: %v", err)
		}
	}
	return nil
}

// indentedJSON is v as the files this tool writes hold it: indented, and
// with <, > and & as they are.
func indentedJSON(v interface{}) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return b.Bytes(), err
}
