// SPDX-License-Identifier: MIT
// Loading a chart and executing its templates as Helm's pkg/engine does.
package main

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/semver/v3"
	"github.com/Masterminds/sprig/v3"
	"sigs.k8s.io/yaml"
)

// Maintainer and Dependency are Chart.yaml's, as Helm's chart.Metadata has
// them, so that a template sees the same fields (and an unknown one fails).
type Maintainer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

type Dependency struct {
	Name         string        `json:"name"`
	Version      string        `json:"version,omitempty"`
	Repository   string        `json:"repository"`
	Condition    string        `json:"condition,omitempty"`
	Tags         []string      `json:"tags,omitempty"`
	Enabled      bool          `json:"enabled,omitempty"`
	ImportValues []interface{} `json:"import-values,omitempty"`
	Alias        string        `json:"alias,omitempty"`
}

type Metadata struct {
	Name         string            `json:"name,omitempty"`
	Home         string            `json:"home,omitempty"`
	Sources      []string          `json:"sources,omitempty"`
	Version      string            `json:"version,omitempty"`
	Description  string            `json:"description,omitempty"`
	Keywords     []string          `json:"keywords,omitempty"`
	Maintainers  []*Maintainer     `json:"maintainers,omitempty"`
	Icon         string            `json:"icon,omitempty"`
	APIVersion   string            `json:"apiVersion,omitempty"`
	Condition    string            `json:"condition,omitempty"`
	Tags         string            `json:"tags,omitempty"`
	AppVersion   string            `json:"appVersion,omitempty"`
	Deprecated   bool              `json:"deprecated,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	KubeVersion  string            `json:"kubeVersion,omitempty"`
	Dependencies []*Dependency     `json:"dependencies,omitempty"`
	Type         string            `json:"type,omitempty"`
}

// Release is what {{ .Release }} holds (Helm's chartutil.ReleaseOptions
// turned into render values).
type Release struct {
	Name      string
	Namespace string
	Revision  int
	IsUpgrade bool
	IsInstall bool
}

type KubeVersion struct {
	Version    string
	Major      string
	Minor      string
	GitVersion string
}

// VersionSet is .Capabilities.APIVersions, with Helm's Has.
type VersionSet []string

func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion struct{ Version string }
}

// The API groups a cluster of the default version serves (a minimal set:
// what charts commonly ask .Capabilities.APIVersions.Has about).
var defaultAPIVersions = []string{"v1", "apps/v1", "batch/v1", "networking.k8s.io/v1",
	"policy/v1", "rbac.authorization.k8s.io/v1", "autoscaling/v2",
	"storage.k8s.io/v1", "apiextensions.k8s.io/v1"}

type renderOptions struct {
	release     Release
	kubeVersion string
	apiVersions []string
	values      map[string]interface{}
}

type chartFiles struct {
	meta      Metadata
	defaults  map[string]interface{}
	templates map[string]string // "<chart>/templates/<path>" -> source
}

func loadChart(dir string) (*chartFiles, error) {
	c := &chartFiles{templates: map[string]string{}}
	data, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("chart %q: %v", dir, err)
	}
	if err := yaml.UnmarshalStrict(data, &c.meta); err != nil {
		return nil, fmt.Errorf("%s/Chart.yaml: %v", dir, err)
	}
	// What helm lint and helm install refuse in Chart.yaml.
	switch {
	case c.meta.APIVersion != "v2" && c.meta.APIVersion != "v1":
		return nil, fmt.Errorf("%s/Chart.yaml: apiVersion %q: want v2", dir, c.meta.APIVersion)
	case c.meta.Name == "":
		return nil, fmt.Errorf("%s/Chart.yaml: name is required", dir)
	case c.meta.Version == "":
		return nil, fmt.Errorf("%s/Chart.yaml: version is required", dir)
	}
	if _, err := semver.StrictNewVersion(c.meta.Version); err != nil {
		return nil, fmt.Errorf("%s/Chart.yaml: version %q is not semantic (SemVer 2): %v",
			dir, c.meta.Version, err)
	}
	if c.meta.Type != "" && c.meta.Type != "application" {
		return nil, fmt.Errorf("%s/Chart.yaml: type %q: only application charts are rendered", dir, c.meta.Type)
	}
	if len(c.meta.Dependencies) > 0 {
		return nil, fmt.Errorf("%s/Chart.yaml: dependencies are not supported by this renderer", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "charts")); err == nil {
		return nil, fmt.Errorf("%s/charts: subcharts are not supported by this renderer", dir)
	}
	c.defaults, err = readValuesFile(filepath.Join(dir, "values.yaml"), true)
	if err != nil {
		return nil, err
	}
	tdir := filepath.Join(dir, "templates")
	err = filepath.Walk(tdir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		rel, err := filepath.Rel(tdir, p)
		if err != nil {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		c.templates[path.Join(c.meta.Name, "templates", filepath.ToSlash(rel))] = string(src)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("chart %q: templates: %v", dir, err)
	}
	return c, nil
}

const (
	warnStart = "HELM_ERR_START"
	warnEnd   = "HELM_ERR_END"
	// As Helm's recursionMaxNums: include's depth for one name.
	maxIncludeDepth = 1000
)

var warnRegex = regexp.MustCompile(warnStart + `((?s).*)` + warnEnd)

func warnWrap(s string) string { return warnStart + s + warnEnd }

// funcMap is sprig's text functions less env and expandenv (a chart must
// not read the machine's environment), with Helm's additions; include and
// tpl close over the template set (bindFuncs).
func funcMap() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	extra := template.FuncMap{
		"toYaml":        toYAML,
		"fromYaml":      fromYAML,
		"fromYamlArray": fromYAMLArray,
		"toJson":        toJSON,
		"fromJson":      fromJSON,
		"fromJsonArray": fromJSONArray,
		// helm template has no cluster: lookup finds nothing.
		"lookup": func(string, string, string, string) (map[string]interface{}, error) {
			return map[string]interface{}{}, nil
		},
		// Helm answers "" unless --enable-dns.
		"getHostByName": func(string) string { return "" },
		"required": func(warn string, val interface{}) (interface{}, error) {
			if val == nil {
				return val, errors.New(warnWrap(warn))
			}
			if s, ok := val.(string); ok && s == "" {
				return val, errors.New(warnWrap(warn))
			}
			return val, nil
		},
		"fail": func(msg string) (string, error) {
			return "", errors.New(warnWrap(msg))
		},
		"include": func(string, interface{}) (string, error) { return "", nil },
		"tpl":     func(string, interface{}) (string, error) { return "", nil },
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// bindFuncs gives t its own include and tpl, as Helm's engine does for the
// set of a chart's templates and for each tpl's clone of it.
func bindFuncs(t *template.Template, depth map[string]int) {
	t.Funcs(template.FuncMap{
		"include": func(name string, data interface{}) (string, error) {
			if depth[name] > maxIncludeDepth {
				return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
			}
			depth[name]++
			defer func() { depth[name]-- }()
			var b strings.Builder
			err := t.ExecuteTemplate(&b, name, data)
			return b.String(), err
		},
		"tpl": func(text string, vals interface{}) (string, error) {
			c, err := t.Clone()
			if err != nil {
				return "", fmt.Errorf("cannot clone template: %v", err)
			}
			c.Option("missingkey=error")
			bindFuncs(c, depth)
			c, err = c.New(t.Name()).Parse(text)
			if err != nil {
				return "", fmt.Errorf("cannot parse template %q: %v", text, err)
			}
			var b strings.Builder
			if err := c.Execute(&b, vals); err != nil {
				return "", fmt.Errorf("error during tpl function execution for %q: %v", text, err)
			}
			return b.String(), nil
		},
	})
}

// Helm's parse order (sort.Reverse(byPathLen)): deeper files first, then
// names in reverse order.
func sortedTemplateNames(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		ca, cb := strings.Count(a, "/"), strings.Count(b, "/")
		if ca != cb {
			return ca > cb
		}
		return a > b
	})
	return keys
}

// cleanupParseError and cleanupExecError word errors as Helm does:
// "parse error at (FILE:LINE): ..." and "execution error at (FILE:L:C): ...".
func cleanupParseError(filename string, err error) error {
	tokens := strings.Split(err.Error(), ": ")
	if len(tokens) == 1 {
		return fmt.Errorf("parse error in (%s): %s", filename, err)
	}
	return fmt.Errorf("parse error at (%s): %s", tokens[1], tokens[len(tokens)-1])
}

func cleanupExecError(filename string, err error) error {
	var ee template.ExecError
	if !errors.As(err, &ee) {
		return err
	}
	tokens := strings.SplitN(err.Error(), ": ", 3)
	if len(tokens) != 3 {
		return fmt.Errorf("execution error in (%s): %s", filename, err)
	}
	if parts := warnRegex.FindStringSubmatch(tokens[2]); len(parts) >= 2 {
		return fmt.Errorf("execution error at (%s): %s", tokens[1], parts[1])
	}
	return err
}

func kubeVersion(v string) (KubeVersion, error) {
	sv, err := semver.NewVersion(v)
	if err != nil {
		return KubeVersion{}, fmt.Errorf("--kube-version %q: %v", v, err)
	}
	full := fmt.Sprintf("v%d.%d.%d", sv.Major(), sv.Minor(), sv.Patch())
	return KubeVersion{Version: full, GitVersion: full,
		Major: fmt.Sprint(sv.Major()), Minor: fmt.Sprint(sv.Minor())}, nil
}

// execute renders every template that is not a partial ("_*"), as Helm's
// renderWithReferences does in strict mode.
func execute(c *chartFiles, top map[string]interface{}) (map[string]string, error) {
	t := template.New("gotpl")
	t.Option("missingkey=error")
	t.Funcs(funcMap())
	bindFuncs(t, map[string]int{})
	names := sortedTemplateNames(c.templates)
	for _, name := range names {
		if _, err := t.New(name).Parse(c.templates[name]); err != nil {
			return nil, cleanupParseError(name, err)
		}
	}
	out := map[string]string{}
	for _, name := range names {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		top["Template"] = map[string]interface{}{"Name": name,
			"BasePath": path.Join(c.meta.Name, "templates")}
		var b strings.Builder
		if err := t.ExecuteTemplate(&b, name, top); err != nil {
			return nil, cleanupExecError(name, err)
		}
		out[name] = b.String()
	}
	return out, nil
}

func renderChart(dir string, o *renderOptions) (*rendering, error) {
	c, err := loadChart(dir)
	if err != nil {
		return nil, err
	}
	kv, err := kubeVersion(o.kubeVersion)
	if err != nil {
		return nil, err
	}
	if c.meta.KubeVersion != "" {
		con, err := semver.NewConstraint(c.meta.KubeVersion)
		if err != nil {
			return nil, fmt.Errorf("Chart.yaml: kubeVersion %q: %v", c.meta.KubeVersion, err)
		}
		if !con.Check(semver.MustParse(kv.Version)) {
			return nil, fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s",
				c.meta.KubeVersion, kv.Version)
		}
	}
	caps := Capabilities{KubeVersion: kv,
		APIVersions: append(VersionSet(defaultAPIVersions), o.apiVersions...)}
	caps.HelmVersion.Version = "v3.14.0"
	vals := coalesceValues(o.values, c.defaults)
	release := map[string]interface{}{
		"Name": o.release.Name, "Namespace": o.release.Namespace,
		"Revision": o.release.Revision, "IsUpgrade": o.release.IsUpgrade,
		"IsInstall": o.release.IsInstall, "Service": "Helm",
	}
	top := map[string]interface{}{
		"Values": vals, "Release": release, "Chart": &c.meta,
		"Capabilities": &caps,
	}
	files, err := execute(c, top)
	if err != nil {
		return nil, err
	}
	return splitRendering(c, o, files)
}
