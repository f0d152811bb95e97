package curlcmd

import (
	"reflect"
	"strings"
	"testing"
)

// The expansions are those curl 7.88 sends (curl -w '%{url_effective}\n' against a local server); the
// cmd tests compare what the server receives from curl and from hop curl.
func TestGlob(t *testing.T) {
	for url, want := range map[string][]string{
		"h/{a,b}/[1-2]":            {"h/a/1", "h/a/2", "h/b/1", "h/b/2"},
		"h/{a}":                    {"h/a"},
		"h/[1-3:2]":                {"h/1", "h/3"},
		"h/[08-10]":                {"h/08", "h/09", "h/10"},
		"h/[a-c]{,x}":              {"h/a", "h/ax", "h/b", "h/bx", "h/c", "h/cx"},
		"h/a[]b":                   {"h/a[]b"},
		"h/[A-C:2]":                {"h/A", "h/C"},
		"h/[5-5]":                  {"h/5"},
		"h/[1- 2]":                 {"h/1", "h/2"},
		`h/\{a\}\[1\]`:             {"h/{a}[1]"},
		`h/{a\,b,c\}}`:             {"h/a,b", "h/c}"},
		`h/\x`:                     {`h/\x`},
		"http://[::1]:8/x":         {"http://[::1]:8/x"},
		"http://[::1]/[1-2]":       {"http://[::1]/1", "http://[::1]/2"},
		"http://[fe80::1%25eth0]/": {"http://[fe80::1%25eth0]/"},
		"plain":                    {"plain"},
	} {
		g, err := ParseGlob(url)
		if err != nil {
			t.Errorf("ParseGlob(%q): %v", url, err)
			continue
		}
		var got []string
		for u := range g.All() {
			got = append(got, u)
		}
		if !reflect.DeepEqual(got, want) || g.Len() != uint64(len(want)) {
			t.Errorf("ParseGlob(%q) = %q (Len %d); want %q", url, got, g.Len(), want)
		}
	}
}

// What curl refuses (exit 3, "bad range" and the like) is an error saying what and where.
func TestGlobErrors(t *testing.T) {
	for url, want := range map[string]string{
		"h/a[b]":                         "bad range at position 4",
		"h/filter[name]=x":               "bad range",
		"h/[3-1]":                        "bad range",
		"h/[1-3:0]":                      "bad range",
		"h/[1-3:5]":                      "bad range",
		"h/[5-5:2]":                      "bad range",
		"h/[a-Z]":                        "bad range",
		"h/[A-z]":                        "bad range",
		"h/[+1-2]":                       "bad range",
		"h/[1-2":                         "unmatched bracket",
		"h/{a,b":                         "unmatched brace",
		"h/{}":                           "empty {} set",
		"h/{a,{b}}":                      "nested brace",
		"h/{a]}":                         "unexpected close bracket",
		"h/a}":                           "unmatched close brace or bracket at position 4",
		"h/a]":                           "unmatched close",
		"h/[1-9223372036854775807]":      "bad range",
		"h/[1-4294967296][1-4294967296]": "range overflow",
		strings.Repeat("{a}", 256):       "too many",
	} {
		_, err := ParseGlob(url)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "curl's globbing: ") {
			t.Errorf("ParseGlob(%q) error %v; want %q", url, err, want)
		}
	}
}

func TestGlobValuesAndOutputName(t *testing.T) {
	g, err := ParseGlob("h/x[1-3]/{a,b}")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, values := range g.All() {
		names = append(names, OutputName("f_#1_#2_#3#x#.txt", values))
	}
	want := []string{"f_1_a_#3#x#.txt", "f_1_b_#3#x#.txt", "f_2_a_#3#x#.txt", "f_2_b_#3#x#.txt", "f_3_a_#3#x#.txt", "f_3_b_#3#x#.txt"}
	if !reflect.DeepEqual(names, want) || g.Patterns() != 2 {
		t.Errorf("names %q (patterns %d); want %q", names, g.Patterns(), want)
	}
	// Stopping early stops the expansion: a huge range costs nothing it does not yield.
	big, err := ParseGlob("h/[1-1000000000000]")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range big.All() {
		if n++; n == 3 {
			break
		}
	}
	if n != 3 || big.Len() != 1000000000000 {
		t.Errorf("yielded %d, Len %d", n, big.Len())
	}
	if got := OutputName("#1", nil); got != "#1" {
		t.Errorf("without patterns, #1 became %q", got)
	}
}
