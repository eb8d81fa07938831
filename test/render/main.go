// SPDX-License-Identifier: MIT
// hookbox-render renders a Helm chart with the engine Helm uses (Go's
// text/template with sprig v3 and Helm's own functions) and checks the
// shape of every object it renders; Helm itself cannot be installed here.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

const usage = `usage: hookbox-render template CHART [-f VALUES]... [--set K=V]...
           [--set-string K=V]... [--name R] [--namespace NS] [--revision N]
           [--upgrade] [--kube-version V] [--api-versions G/V]...
           [--output yaml|json] [--output-dir DIR]
       hookbox-render check [RENDERED.json|-]
       hookbox-render pod RENDERED.json NAME DIR

template: renders CHART as "helm template" (helm install --dry-run) would,
  in Helm's strict mode: a missing value or an undefined function fails.
  --output yaml prints each object as helm template does ("# Source:");
  json prints {"release", "chart", "objects": [{"source", "hook",
  "object"}...], "notes"}, manifests in Helm's install order, then hooks
  by kind, weight and name as Helm runs them; --output-dir writes each
  entry to DIR/NNN-KIND-NAME.json in that order.
check: checks the shape of each object of a json rendering: required
  fields per kind, hook annotations, Pod Security "restricted" on every
  pod spec, and that the chart's NetworkPolicies let its test pods reach
  what they check. One line per problem; exit 1 when there is any.
pod: lays out what the kubelet gives the pod of the Pod, Job or
  Deployment NAME: each volume's files under DIR/volumes/VOLUME (ConfigMap
  and Secret items, the downward API's labels and annotations, owned by
  the fsGroup), and DIR/pod.json: the pod's name, labels, annotations and
  each container's image, command and args ($(VAR) expanded), env
  (Secrets and fields resolved), mounts (source, target, readOnly) and
  securityContext (the pod's, overridden by the container's).
exit status: 0 ok, 1 render or check failed, 2 usage
`

// multiFlag gathers a repeatable flag in order.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	switch os.Args[1] {
	case "template":
		os.Exit(cmdTemplate(os.Args[2:]))
	case "check":
		os.Exit(cmdCheck(os.Args[2:]))
	case "pod":
		os.Exit(cmdPod(os.Args[2:]))
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "hookbox-render: unknown command %q\n%s", os.Args[1], usage)
		os.Exit(2)
	}
}

// parseInterspersed lets the positional arguments sit among the flags, as
// helm's command line does.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func cmdTemplate(args []string) int {
	fs := flag.NewFlagSet("template", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var opts renderOptions
	var valueFiles, sets, setStrings, apiVersions multiFlag
	fs.Var(&valueFiles, "f", "values file")
	fs.Var(&valueFiles, "values", "values file")
	fs.Var(&sets, "set", "K=V")
	fs.Var(&setStrings, "set-string", "K=V")
	fs.Var(&apiVersions, "api-versions", "G/V")
	fs.StringVar(&opts.release.Name, "name", "release-name", "")
	fs.StringVar(&opts.release.Namespace, "namespace", "default", "")
	fs.IntVar(&opts.release.Revision, "revision", 1, "")
	upgrade := fs.Bool("upgrade", false, "")
	fs.StringVar(&opts.kubeVersion, "kube-version", "v1.29.0", "")
	output := fs.String("output", "yaml", "")
	outDir := fs.String("output-dir", "", "")
	pos, err := parseInterspersed(fs, args)
	if err != nil || len(pos) != 1 {
		if err == nil {
			err = fmt.Errorf("want exactly one CHART directory")
		}
		fmt.Fprintf(os.Stderr, "hookbox-render: template: %v\n%s", err, usage)
		return 2
	}
	if *output != "yaml" && *output != "json" {
		fmt.Fprintf(os.Stderr, "hookbox-render: --output %q: want yaml or json\n", *output)
		return 2
	}
	opts.release.IsUpgrade = *upgrade
	opts.release.IsInstall = !*upgrade
	opts.apiVersions = apiVersions
	vals, err := userValues(valueFiles, sets, setStrings)
	if err != nil {
		fmt.Fprintf(os.Stderr, "hookbox-render: %v\n", err)
		return 1
	}
	opts.values = vals
	r, err := renderChart(pos[0], &opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "hookbox-render: %v\n", err)
		return 1
	}
	if *outDir != "" {
		if err := r.writeDir(*outDir); err != nil {
			fmt.Fprintf(os.Stderr, "hookbox-render: %v\n", err)
			return 1
		}
		return 0
	}
	if *output == "json" {
		err = r.writeJSON(os.Stdout)
	} else {
		err = r.writeYAML(os.Stdout)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "hookbox-render: writing: %v\n", err)
		return 1
	}
	return 0
}

func cmdCheck(args []string) int {
	in := "-"
	if len(args) > 1 {
		fmt.Fprintf(os.Stderr, "hookbox-render: check: want one file\n%s", usage)
		return 2
	}
	if len(args) == 1 {
		in = args[0]
	}
	var data []byte
	var err error
	if in == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(in)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "hookbox-render: check: %v\n", err)
		return 1
	}
	problems, n, err := checkRendering(data)
	if err != nil {
		fmt.Fprintf(os.Stderr, "hookbox-render: check: %s: %v\n", in, err)
		return 1
	}
	for _, p := range problems {
		fmt.Println(p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(os.Stderr, "hookbox-render: check: %d problem(s) in %d objects\n", len(problems), n)
		return 1
	}
	fmt.Fprintf(os.Stderr, "hookbox-render: check: %d objects, no problem\n", n)
	return 0
}
