package format

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Build is what hop was built with: what hop version -v says and its --format json writes.
type Build struct {
	Version      string    `json:"version"`
	Go           string    `json:"go"`       // the toolchain
	Platform     string    `json:"platform"` // GOOS/GOARCH
	Protocols    []string  `json:"protocols"`
	HTTPVersions []string  `json:"http_versions"`
	Proxies      []string  `json:"proxies"` // the proxy URL schemes hop takes
	Decodes      []string  `json:"decodes"` // the content codings hop asks for and decodes
	Libraries    []Library `json:"libraries"`
}

// Library is a module linked into hop.
type Library struct {
	Path    string `json:"path"`
	Version string `json:"version"`
}

// WriteBuild writes b as the lines hop version -v adds under the version.
func WriteBuild(w io.Writer, b Build) {
	fmt.Fprintf(w, "built with %s for %s\n", b.Go, b.Platform)
	fmt.Fprintf(w, "protocols: %s (%s); proxies: %s\n", strings.Join(b.Protocols, " "), strings.Join(b.HTTPVersions, ", "), strings.Join(b.Proxies, " "))
	fmt.Fprintf(w, "decodes: %s\n", strings.Join(b.Decodes, ", "))
	if len(b.Libraries) > 0 {
		fmt.Fprintln(w, "libraries:")
		for _, l := range b.Libraries {
			fmt.Fprintf(w, "  %s %s\n", l.Path, l.Version)
		}
	}
}

// WriteBuildDocument writes b as hop version --format json's one document.
func WriteBuildDocument(w io.Writer, b Build) error {
	out, err := json.MarshalIndent(struct {
		Schema int `json:"schema_version"`
		Build
	}{1, b}, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", out)
	return err
}
