// SPDX-License-Identifier: MIT
// Values as Helm builds them: values.yaml, -f files and --set merged,
// YAML turned into JSON types (numbers are float64), and Helm's YAML and
// JSON template functions.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// readValuesFile reads a values file as chartutil.ReadValuesFile does.
func readValuesFile(p string, optional bool) (map[string]interface{}, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		if optional && os.IsNotExist(err) {
			return map[string]interface{}{}, nil
		}
		return nil, err
	}
	vals := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &vals); err != nil {
		return nil, fmt.Errorf("%s: %v", p, err)
	}
	if vals == nil {
		vals = map[string]interface{}{}
	}
	return vals, nil
}

// mergeMaps is how Helm merges -f files and --set: b over a, tables merged.
func mergeMaps(a, b map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if bm, ok := v.(map[string]interface{}); ok {
			if am, ok := out[k].(map[string]interface{}); ok {
				out[k] = mergeMaps(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

func userValues(files, sets, setStrings []string) (map[string]interface{}, error) {
	base := map[string]interface{}{}
	for _, f := range files {
		v, err := readValuesFile(f, false)
		if err != nil {
			return nil, fmt.Errorf("values file: %v", err)
		}
		base = mergeMaps(base, v)
	}
	for _, s := range sets {
		if err := parseSet(s, base, false); err != nil {
			return nil, fmt.Errorf("failed parsing --set data: %v", err)
		}
	}
	for _, s := range setStrings {
		if err := parseSet(s, base, true); err != nil {
			return nil, fmt.Errorf("failed parsing --set-string data: %v", err)
		}
	}
	return base, nil
}

// coalesceValues lays the user's values over the chart's defaults as
// chartutil.CoalesceValues does: tables merge, a user's null deletes the
// key, a user's scalar replaces a default table (with Helm's warning).
func coalesceValues(user, defaults map[string]interface{}) map[string]interface{} {
	out := deepCopy(user).(map[string]interface{})
	coalesceInto(out, deepCopy(defaults).(map[string]interface{}), "")
	return out
}

func coalesceInto(v, defaults map[string]interface{}, prefix string) {
	for key, dv := range defaults {
		uv, ok := v[key]
		if !ok {
			v[key] = dv
			continue
		}
		if uv == nil {
			delete(v, key)
			continue
		}
		um, uIsMap := uv.(map[string]interface{})
		dm, dIsMap := dv.(map[string]interface{})
		switch {
		case uIsMap && dIsMap:
			coalesceInto(um, dm, prefix+key+".")
		case uIsMap && dv != nil:
			fmt.Fprintf(os.Stderr, "hookbox-render: warning: skipped value for %s%s: Not a table.\n", prefix, key)
		case !uIsMap && dIsMap:
			fmt.Fprintf(os.Stderr, "hookbox-render: warning: destination for %s%s is a table. Ignoring non-table value (%v)\n",
				prefix, key, uv)
		}
	}
}

func deepCopy(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		m := make(map[string]interface{}, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []interface{}:
		l := make([]interface{}, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// typedVal is --set's typing (Helm's strvals): true, false, null, and
// integers that do not start with 0; the rest stays a string.
func typedVal(s string, asString bool) interface{} {
	if asString {
		return s
	}
	switch {
	case strings.EqualFold(s, "true"):
		return true
	case strings.EqualFold(s, "false"):
		return false
	case strings.EqualFold(s, "null"):
		return nil
	case s == "0":
		return int64(0)
	}
	if s != "" && s[0] != '0' {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
	}
	return s
}

// splitUnescaped splits s at sep outside braces, keeping backslash escapes
// for the next stage.
func splitUnescaped(s string, sep byte, braces bool) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\':
			i++
		case braces && s[i] == '{':
			depth++
		case braces && s[i] == '}' && depth > 0:
			depth--
		case s[i] == sep && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// parseSet applies one --set argument: a.b=v[,c=w], lists as {x,y},
// "\" escaping "." "," "=" and braces. Index syntax (a[0]=v) is refused
// rather than guessed at.
func parseSet(arg string, base map[string]interface{}, asString bool) error {
	for _, kv := range splitUnescaped(arg, ',', true) {
		eq := strings.IndexByte(kv, '=')
		for eq > 0 && kv[eq-1] == '\\' {
			next := strings.IndexByte(kv[eq+1:], '=')
			if next < 0 {
				eq = -1
				break
			}
			eq += next + 1
		}
		if eq <= 0 {
			return fmt.Errorf("key %q has no value", kv)
		}
		key, raw := kv[:eq], kv[eq+1:]
		if strings.ContainsAny(key, "[]") {
			return fmt.Errorf("key %q: list indexes are not supported by this renderer", key)
		}
		var val interface{}
		if !asString && len(raw) >= 2 && raw[0] == '{' && raw[len(raw)-1] == '}' {
			list := []interface{}{}
			if inner := raw[1 : len(raw)-1]; inner != "" {
				for _, e := range splitUnescaped(inner, ',', false) {
					list = append(list, typedVal(unescape(e), false))
				}
			}
			val = list
		} else {
			val = typedVal(unescape(raw), asString)
		}
		path := splitUnescaped(key, '.', false)
		m := base
		for i, p := range path {
			p = unescape(p)
			if p == "" {
				return fmt.Errorf("key %q: empty name", key)
			}
			if i == len(path)-1 {
				m[p] = val
				break
			}
			next, ok := m[p].(map[string]interface{})
			if !ok {
				next = map[string]interface{}{}
				m[p] = next
			}
			m = next
		}
	}
	return nil
}

// Helm's template functions; errors are swallowed (toYaml) or put under
// "Error" (fromYaml) exactly as Helm does, since charts rely on it.
func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

// decodeMap and decodeList are Helm's from* functions over one decoder:
// a failure is returned in the value (under "Error", or as the list's one
// element), as Helm returns it, for the template to test.
func decodeMap(unmarshal func([]byte, interface{}) error, s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func decodeList(unmarshal func([]byte, interface{}) error, s string) []interface{} {
	a := []interface{}{}
	if err := unmarshal([]byte(s), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

func yamlUnmarshal(data []byte, v interface{}) error { return yaml.Unmarshal(data, v) }

func fromYAML(s string) map[string]interface{} { return decodeMap(yamlUnmarshal, s) }
func fromYAMLArray(s string) []interface{}     { return decodeList(yamlUnmarshal, s) }
func fromJSON(s string) map[string]interface{} { return decodeMap(json.Unmarshal, s) }
func fromJSONArray(s string) []interface{}     { return decodeList(json.Unmarshal, s) }

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}
