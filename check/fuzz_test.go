package check

import "testing"

// Check expressions of any text parse or are refused; never a panic.
func FuzzSpec(f *testing.F) {
	f.Add("2xx", "Content-Type: json", "a.b == 1", "total=1s", "30d")
	f.Add("200,204", "!X", "a.# > 5", "p95:server=0.2", "2w")
	f.Fuzz(func(t *testing.T, status, header, jsonExpr, slo, window string) {
		Parse(Spec{Status: status, Headers: []string{header}, JSON: []string{jsonExpr}, SLO: []string{slo}, ExpiresWithin: window})
		ParseDuration(slo)
		ParseWindow(window)
	})
}
