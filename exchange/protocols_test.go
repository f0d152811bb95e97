package exchange

import (
	"strings"
	"testing"
)

// TestParseProtocols: curl's --proto grammar, left to right, over hop's two schemes.
func TestParseProtocols(t *testing.T) {
	for list, want := range map[string]string{
		"=https":            "https",
		"-http":             "https",
		"-all,+https":       "https",
		"=http,https":       "http https",
		"all":               "http https",
		"-all":              "",
		"=ftp":              "",
		"-ftps":             "http https",
		"=https,+HTTP,-ftp": "http https",
		"":                  "http https",
		"=+https":           "http https", // the last modifier counts, as in curl
	} {
		got := ParseProtocols(list)
		if got == nil || strings.Join(got, " ") != want {
			t.Errorf("ParseProtocols(%q) = %q, want %q", list, got, want)
		}
	}
}
