package cmd_test

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestLayout keeps the house's data flowing one way (DESIGN.md): cmd → exchange → request, and cmd →
// transport (which reads hosts by request's rules and answers a proxy's challenge by auth's), format, check; below cmd nothing imports cmd, exchange and transport never import each other,
// format renders without knowing how an exchange runs, and the lowest floors import no other hop package
// but what is listed. A package below cmd neither prints to the process's streams nor exits.
func TestLayout(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-json", "github.com/hop-cli/hop/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	// Every hop package below cmd, with the hop packages it may import.
	allowed := map[string][]string{
		"argfile":    nil,
		"redact":     nil,
		"decompress": nil,
		"download":   {"argfile"},
		"trace":      nil,
		"tlsinfo":    {"argfile"},
		"request":    {"argfile", "decompress", "redact"},
		"auth":       {"argfile", "request"},
		"transport":  {"argfile", "auth", "redact", "request", "tlsinfo", "trace"}, // auth: a proxy's Digest challenge
		"exchange":   {"decompress", "request", "tlsinfo", "trace"},
		"check":      {"exchange", "tlsinfo", "trace"},
		"stats":      {"trace"},
		// format reads a cookie's date with download.ParseDate, a pure function on the lowest
		// floor, so that HAR and the jar agree on what a date means.
		"format": {"download", "redact", "stats", "tlsinfo", "trace"},
	}
	const prefix = "github.com/hop-cli/hop/"
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := map[string]bool{}
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
			GoFiles    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(p.ImportPath, prefix)
		may, below := allowed[name]
		if !below {
			continue
		}
		seen[name] = true
		for _, imp := range p.Imports {
			dep, ok := strings.CutPrefix(imp, prefix)
			if !ok {
				continue
			}
			if !slices.Contains(may, dep) {
				t.Errorf("%s imports %s, which the layout does not allow", name, dep)
			}
		}
		for _, imp := range p.Imports {
			if imp == "log" {
				t.Errorf("%s imports log: a package below cmd tells the user through its caller", name)
			}
		}
	}
	for name := range allowed {
		if !seen[name] {
			t.Errorf("package %s is in the layout but go list did not list it", name)
		}
	}
	// Printing to the process's streams or exiting is cmd's alone.
	grep := exec.Command("grep", "-rlE", `os\.(Stdout|Stderr|Exit)\b|log\.Fatal`, "--include=*.go", "--exclude=*_test.go",
		"../argfile", "../redact", "../auth", "../check", "../decompress", "../download", "../exchange", "../format", "../request",
		"../tlsinfo", "../trace", "../transport")
	if found, _ := grep.Output(); len(found) > 0 {
		t.Errorf("packages below cmd print to the process's streams or exit:\n%s", found)
	}
}
