package format

import (
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestStrftimeAgreesWithDate formats random instants with every conversion curl's %time{} documents and
// compares the text with GNU date's, which is glibc's strftime in UTC.
func TestStrftimeAgreesWithDate(t *testing.T) {
	if _, err := exec.LookPath("date"); err != nil {
		t.Fatal("date is needed to compare with glibc's strftime")
	}
	if out, _ := exec.Command("date", "--version").Output(); !strings.Contains(string(out), "GNU") {
		t.Fatal("GNU date is needed to compare with glibc's strftime")
	}
	convs := "aAbBcCdDeFGghHIjklmMnpPrRsStTuUVwWxXyYz%"
	layout := ""
	for _, c := range convs {
		layout += "[%" + string(c) + "]"
	}
	layout += " %q-is-not-curl's %"
	r := rand.New(rand.NewPCG(1, 2))
	instants := []int64{0, 951782400, 1754037103, 1767225599, 1767225600, 1798761599, 2145916800}
	for range 200 {
		instants = append(instants, r.Int64N(4102444800))
	}
	for _, sec := range instants {
		tm := time.Unix(sec, 0)
		out, err := exec.Command("date", "-u", "-d", "@"+strconv.FormatInt(sec, 10), "+"+strings.ReplaceAll(layout, "%q", "%%q")).Output()
		if err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(string(out), "\n")
		if got := strftime(layout, tm); got != want {
			t.Errorf("%s (%d):\n got %q\nwant %q", tm.UTC(), sec, got, want)
		}
	}
}

// TestStrftimeCurl states curl's own test 1981: %f is the microseconds, %z and %Z are UTC's.
func TestStrftimeCurl(t *testing.T) {
	tm := time.Unix(1754037103, 37103000)
	want := "01/Aug/2025 08:31:43.037103 +0000 UTC%s 1754037103"
	if got := strftime("%d/%b/%Y %H:%M:%S.%f %z %Z%%s %s", tm); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
