package format

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTraceBlockAsCurl compares TraceBlock with what curl 7.88's --trace-ascii and --trace wrote for the
// same bodies (testdata/curltrace: NAME.body as served, NAME.ascii and NAME.hex as curl dumped it): CRLFs
// at, before and after the width, lone CRs and LFs, every byte value, UTF-8 and escape sequences.
func TestTraceBlockAsCurl(t *testing.T) {
	bodies, _ := filepath.Glob("testdata/curltrace/*.body")
	if len(bodies) == 0 {
		t.Fatal("no bodies in testdata/curltrace")
	}
	for _, path := range bodies {
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, hex := range []bool{false, true} {
			want, err := os.ReadFile(strings.TrimSuffix(path, ".body") + map[bool]string{false: ".ascii", true: ".hex"}[hex])
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := TraceBlock(&b, "", TraceRecvData, body, hex); err != nil {
				t.Fatal(err)
			}
			if b.String() != string(want) {
				t.Errorf("%s (hex %v):\n%s\nwant (curl's):\n%s", path, hex, b.String(), want)
			}
		}
	}
}

func TestTraceInfoEscapes(t *testing.T) {
	var b strings.Builder
	TraceInfo(&b, "12:00:00.000001 ", "Connected to a\x1b[31m (127.0.0.1) port 80 (#0)")
	if got := b.String(); strings.ContainsRune(got, '\x1b') || !strings.HasPrefix(got, "12:00:00.000001 == Info: Connected to a") {
		t.Errorf("TraceInfo = %q", got)
	}
}
