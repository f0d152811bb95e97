package curlcmd

import (
	"errors"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTranslate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{`curl -X POST -H Content-Type:application/json -d {"a":1} https://api/x`,
			[]string{"request", "POST", "https://api/x", "--header", "Content-Type:application/json", "--data", `{"a":1}`, "--expect100-timeout", "1", "--ignore-stdin"}},
		// Grouped short options, values attached, curl's method rules.
		{`-sSL -XPUT -d@body.json -Hx:y example.com`,
			[]string{"request", "PUT", "example.com", "--silent", "--data", "@body.json", "--header", "x:y", "--follow", "--follow-any", "--expect100-timeout", "1", "--ignore-stdin"}},
		{`-d a=1 example.com`, []string{"request", "POST", "example.com", "--data", "a=1", "--expect100-timeout", "1", "--ignore-stdin"}},
		// curl 8.16's --NAME=VALUE: the value in the option's word, up to its first =, = and all after it.
		{`--data=a=1 --request=PUT --header=X:=y example.com`, []string{"request", "PUT", "example.com", "--data", "a=1", "--header", "X:=y", "--expect100-timeout", "1", "--ignore-stdin"}},
		{`--data= --url=example.com`, []string{"request", "POST", "example.com", "--data", "", "--expect100-timeout", "1", "--ignore-stdin"}},
		{`-G -d a=1 example.com`, []string{"request", "GET", "example.com", "--get", "--data", "a=1", "--expect100-timeout", "1", "--ignore-stdin"}},
		{`-I example.com`, []string{"request", "HEAD", "example.com", "--head", "--ignore-stdin"}},
		{`-T f.bin example.com`, []string{"request", "PUT", "example.com", "--upload-file", "f.bin", "--expect100-timeout", "1", "--ignore-stdin"}},
		{`-F a=b example.com`, []string{"request", "POST", "example.com", "--form-part", "a=b", "--expect100-timeout", "1", "--ignore-stdin"}},
		{`-T f.bin --expect100-timeout 2.5 -H Expect: example.com`, []string{"request", "PUT", "example.com", "--header", "Expect:", "--upload-file", "f.bin", "--expect100-timeout", "2.5", "--ignore-stdin"}},
		// Renamed and accepted options; standard input read only when asked.
		{`--compressed -f --max-redirs 3 -L -m 20 --connect-timeout 3.5 --data-binary @- --url example.com`,
			[]string{"request", "POST", "example.com", "--fail-no-body", "--max-redirects", "3", "--max-time", "20", "--connect-timeout", "3.5", "--data-binary", "@-", "--follow", "--follow-any", "--expect100-timeout", "1"}},
		{`-q --oauth2-bearer tok --tlsv1.2 -x socks5://p:1080 example.com`,
			[]string{"request", "GET", "example.com", "--bearer", "tok", "--tls-min", "1.2", "--proxy", "socks5://p:1080", "--ignore-stdin"}},
		// --oauth2-bearer's token is what curl sends: -u's credentials are left out (a header that reads
		// --user stays); the method as typed goes as -X.
		{`-u a:b -H --user --oauth2-bearer t -X post example.com`,
			[]string{"request", "post", "example.com", "--header", "--user", "--bearer", "t", "-X", "post", "--ignore-stdin"}},
		// -v is curl's trace in its plain layout to stderr: the last of -v, --trace-ascii, --trace wins.
		{`-sv example.com`, []string{"request", "GET", "example.com", "--silent", "--trace-verbose", "%", "--ignore-stdin"}},
		{`-v --trace-ascii t.txt example.com`, []string{"request", "GET", "example.com", "--trace-ascii", "t.txt", "--ignore-stdin"}},
		{`--trace t.txt --trace-time -v example.com`, []string{"request", "GET", "example.com", "--trace-verbose", "%", "--trace-time", "--ignore-stdin"}},
		{`-r 0-99 example.com`, []string{"request", "GET", "example.com", "--header", "Range: bytes=0-99", "--ignore-stdin"}},
		{`-sD - -o /dev/null example.com`, []string{"request", "GET", "example.com", "--silent", "--dump-header", "-", "--output", "/dev/null", "--ignore-stdin"}},
		// -g: no globbing, the URL as typed; -o and -O pair with the URLs, so extra ones are left out.
		{`-g -o a -o b example.com/x[y]`, []string{"request", "GET", "example.com/x[y]", "--output", "a", "--ignore-stdin"}},
		{`-O -o b example.com`, []string{"request", "GET", "example.com", "--remote-name", "--ignore-stdin"}},
		{`-JO example.com`, []string{"request", "GET", "example.com", "--remote-header-name", "--ignore-stdin"}},
		{`-H '' example.com`, []string{"request", "GET", "example.com", "--header", "''", "--ignore-stdin"}},
		// --form-string: the value quoted, so -F takes it as text; the low-speed limit is --timeout.
		{`--form-string a=@x"\ -Y 1 -y 5 example.com`, []string{"request", "POST", "example.com", "--form-part", `a="@x\"\\"`, "--timeout", "5", "--expect100-timeout", "1", "--ignore-stdin"}},
		{`--speed-time 7 example.com`, []string{"request", "GET", "example.com", "--timeout", "7", "--ignore-stdin"}},
		{`--socks5 127.0.0.1:1080 --tcp-nodelay example.com`, []string{"request", "GET", "example.com", "--proxy", "socks5://127.0.0.1:1080", "--ignore-stdin"}},
		{`--retry 3 --retry-all-errors example.com`, []string{"request", "GET", "example.com", "--retry", "3", "--retry-all-errors", "--retry-no-status", "--ignore-stdin"}},
		{`--retry 3 --retry-all-errors -f example.com`, []string{"request", "GET", "example.com", "--retry", "3", "--retry-all-errors", "--fail-no-body", "--ignore-stdin"}},
		{`--etag-compare e --etag-save e example.com`, []string{"request", "GET", "example.com", "--etag-compare", "e", "--etag-save", "e", "--ignore-stdin"}},
		{`-Rz f -o f example.com`, []string{"request", "GET", "example.com", "--remote-time", "--time-cond", "f", "--output", "f", "--ignore-stdin"}},
		{`--fail-early --ssl-no-revoke --ssl-revoke-best-effort example.com`, []string{"request", "GET", "example.com", "--ignore-stdin"}},
		{`--socks5-hostname p:1080 example.com`, []string{"request", "GET", "example.com", "--proxy", "socks5h://p:1080", "--ignore-stdin"}},
		// curl's --cert FILE:PASSWORD (\: is a colon of the name; a drive letter is not split), --pass.
		{`-E c.pem:pw:x --key k.pem example.com`, []string{"request", "GET", "example.com", "--cert", "c.pem", "--pass", "pw:x", "--key", "k.pem", "--ignore-stdin"}},
		{`--cert a\:b.pem --pass @lit example.com`, []string{"request", "GET", "example.com", "--cert", "a:b.pem", "--pass", "@@lit", "--ignore-stdin"}},
		{`--cert C:\certs\c.pem:pw example.com`, []string{"request", "GET", "example.com", "--cert", `C:\certs\c.pem`, "--pass", "pw", "--ignore-stdin"}},
		{`--cert pkcs11:token=a;object=b example.com`, []string{"request", "GET", "example.com", "--cert", "pkcs11:token=a;object=b", "--ignore-stdin"}},
		{`--socks4 p:1080 --socks4a q example.com`, []string{"request", "GET", "example.com", "--proxy", "socks4://p:1080", "--proxy", "socks4a://q", "--ignore-stdin"}},
		{`--disable --remote-name-all --no-alpn --no-npn --false-start --no-sessionid --ssl-reqd --expect100-timeout 2 --keepalive-time 5 --no-keepalive --cert-type p12 --key-type der example.com`,
			[]string{"request", "GET", "example.com", "--http1.1", "--remote-name", "--ignore-stdin"}},
		{`--create-file-mode 0600 example.com`, []string{"request", "GET", "example.com", "--ignore-stdin"}},
		{`--happy-eyeballs-timeout-ms 150 --tcp-fastopen example.com`, []string{"request", "GET", "example.com", "--happy-eyeballs-timeout-ms", "150", "--ignore-stdin"}},
		{`--max-filesize 100K --limit-rate 1M example.com`, []string{"request", "GET", "example.com", "--max-filesize", "100K", "--limit-rate", "1M", "--ignore-stdin"}},
		{`--keepalive --ca-native --proxy-ca-native --clobber --remove-on-error --styled-output -o f example.com`,
			[]string{"request", "GET", "example.com", "--output", "f", "--ignore-stdin"}},
		{`--follow --proto-default https --no-styled-output example.com`,
			[]string{"request", "GET", "example.com", "--default-scheme", "https", "--color=never", "--follow", "--follow-any", "--ignore-stdin"}},
		{`--local-port 4000-4010 --dns-servers 10.0.0.53 --ciphers ECDHE-RSA-AES128-GCM-SHA256 --hsts h.txt --aws-sigv4 aws:amz example.com`,
			[]string{"request", "GET", "example.com", "--local-port", "4000-4010", "--dns-servers", "10.0.0.53", "--ciphers", "ECDHE-RSA-AES128-GCM-SHA256", "--hsts", "h.txt", "--aws-sigv4", "aws:amz", "--ignore-stdin"}},
	} {
		plan, err := Translate(strings.Fields(tt.in), nil)
		if err != nil || !reflect.DeepEqual(plan.Args, tt.want) || plan.Transfers != nil {
			t.Errorf("Translate(%s)\n = %+v, %v\nwant %q", tt.in, plan, err, tt.want)
		}
	}
	for in, want := range map[string]string{
		"--ntlm example.com":                  "curl's --ntlm option",
		"-K h.txt example.com":                "-K h.txt: no config file can be read here",
		"-sM example.com":                     "curl's -M option",
		"-H":                                  "-H needs a value",
		"--header":                            "--header needs a value",
		"-s":                                  "no URL",
		"-d @- a.example b.example":           "sends 2 URLs and reads standard input",
		"-r 0-9 -T f a.example/x b.example/y": "has -r with fewer -T than URL arguments",
		"-T f -d x=1 a.example/x b.example/y": "curl refuses two methods",
		"-T f -F x=1 a.example/x":             "curl refuses two methods",
		"-C - -T f a.example/x":               "resumes an upload",
		"-T f -C 10 a.example/x":              "resumes an upload",
		"-D h a.example b.example":            "sends 2 URLs and has -D FILE",
		"--etag-save e a.example/{a,b}":       "sends 2 URLs and has --etag-save",
		"--verbose=no example.com":            "curl option --verbose=no: --verbose takes no value (curl would drop it and turn --verbose on; --no-verbose turns it off)",
		"--no-verbose=1 example.com":          "curl option --no-verbose=1: --no-verbose takes no value",
		"--usr=ann:s3cret example.com":        "--usr is not a curl option (did you mean --user? see hop curl --help)",
		"--no-url=x example.com":              "--no- turns off an option that is on or off, and --url is not one",
		"--http1.0=x example.com":             "curl's --http1.0 option",
		"-Y 2 example.com":                    "--speed-limit 0 or 1, not 2",
		"--cert-type ENG -E c example.com":    "curl's --cert-type ENG: hop reads PEM, DER, P12 only",
		"--key-type ENG -E c example.com":     "curl's --key-type ENG: hop reads PEM, DER only",
		"example.com --disable":               "curl's --disable option",
		"--form-string v example.com":         `--form-string "v": expects name=value`,
	} {
		if _, err := Translate(strings.Fields(in), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Translate(%s) error %v; want %q", in, err, want)
		}
	}
	// A URL that curl 7.88 refuses (a space anywhere: exit 3), or would send as hop cannot (a '%' that begins
	// no escape in the path, which curl sends raw and hop's own commands as %25), is refused, its password
	// hidden; a stray '%' in the query or fragment curl sends (the query) as typed, and so does hop curl.
	for in, want := range map[string]string{
		"https://u:pw@a.example/my file":   "https://u:xxxxx@a.example/my file: the URL holds a space, which curl refuses too (exit 3): write it as %20",
		"a.example/?q=a b":                 "the URL holds a space",
		"http://a.example/100%.jpg":        "a '%' in the path begins no escape; curl sends it as it is, which hop cannot: write it as %25",
		"http://a.example/a%4":             "a '%' in the path begins no escape",
		"https://u:pw@a.example/%zz/{a,b}": "https://u:xxxxx@a.example/%zz/{a,b}: a '%' in the path",
	} {
		if _, err := Translate([]string{in}, nil); err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "pw") {
			t.Errorf("Translate(%q) error %v; want %q", in, err, want)
		}
	}
	for _, in := range []string{"http://a.example/a%41?q=100%", "http://a.example?x=%/%z", "a.example/x#%z"} {
		if plan, err := Translate([]string{in}, nil); err != nil || plan.Args[2] != in {
			t.Errorf("Translate(%q) = %v, %v; want it sent as typed", in, plan, err)
		}
	}
	// -o "$UNSET": curl refuses an empty file name ("badly used", exit 2), rather than write to stdout.
	if _, err := Translate([]string{"-o", "", "example.com"}, nil); err == nil || !strings.Contains(err.Error(), "the file name is empty") {
		t.Errorf("Translate(-o '' example.com) error %v; want the empty name refused", err)
	}
}

// Several URLs: each with the nth -o or -O (--remote-name-all for the rest), globbed unless -g; Args are the
// first URL's request.
func TestTranslateTransfers(t *testing.T) {
	plan, err := Translate(strings.Fields(`-s a.example/[1-2] -o one#1 --remote-name-all --url b.example/{x,y} -O c.example/x[y] -o two -o extra -g --fail-early -d @f`), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantArgs := []string{"request", "POST", "a.example/[1-2]", "--silent", "--data", "@f", "--output", "one#1", "--expect100-timeout", "1", "--ignore-stdin"}
	if !reflect.DeepEqual(plan.Args, wantArgs) || !plan.FailEarly || plan.Len() != 3 || len(plan.Warnings) != 1 {
		t.Fatalf("plan %+v; want args %q, --fail-early, 3 URLs, one warning", plan, wantArgs)
	}
	type sent struct {
		url, output string
		remote      bool
	}
	var got []sent
	for _, tr := range plan.Transfers {
		for u, values := range tr.URL.All() {
			got = append(got, sent{u, OutputName(tr.Output, values), tr.Remote})
		}
	}
	// -g is global, as in curl: no URL of the command is globbed.
	want := []sent{{"a.example/[1-2]", "one#1", false}, {"b.example/{x,y}", "", true}, {"c.example/x[y]", "two", false}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("transfers %+v; want %+v", got, want)
	}
	plan, err = Translate(strings.Fields(`a.example/[1-2]/{x,y} -o f#2#1`), nil)
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for u, values := range plan.Transfers[0].URL.All() {
		got = append(got, sent{u, OutputName(plan.Transfers[0].Output, values), false})
	}
	want = []sent{{"a.example/1/x", "fx1", false}, {"a.example/1/y", "fy1", false}, {"a.example/2/x", "fx2", false}, {"a.example/2/y", "fy2", false}}
	if !reflect.DeepEqual(got, want) || plan.Args[2] != "a.example/1/x" || plan.FailEarly {
		t.Errorf("transfers %+v, args %q; want %+v", got, plan.Args, want)
	}
}

// A URL curl cannot glob (curl stops, exit 3) is sent as typed, with a warning saying why; its password
// is not repeated there.
func TestTranslateUnglobbable(t *testing.T) {
	plan, err := Translate([]string{"https://ann:pw@a.example/x?filter[id]=7"}, nil)
	if err != nil || plan.Transfers != nil || plan.Args[2] != "https://ann:pw@a.example/x?filter[id]=7" || len(plan.Warnings) != 1 ||
		!strings.Contains(plan.Warnings[0], "curl's globbing: bad range at position 34; sent as typed, as with -g") ||
		strings.Contains(plan.Warnings[0], "pw") {
		t.Errorf("plan %+v, %v", plan, err)
	}
}

// curl's --rate N/U: the least interval between two starts; an hour when U is not given; no limit above
// one a millisecond.
func TestParseRate(t *testing.T) {
	for in, want := range map[string]time.Duration{"2/s": 500 * time.Millisecond, "25/h": 144 * time.Second, "10": 6 * time.Minute,
		"1/d": 24 * time.Hour, "3/m": 20 * time.Second, "1000/s": time.Millisecond, "2000/s": 0} {
		if got, err := ParseRate(in); err != nil || got != want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0/s", "x/s", "2/w", "2/", "-1/s", "/s", "1.5/s"} {
		if _, err := ParseRate(in); err == nil || !strings.Contains(err.Error(), "such as 2/s") {
			t.Errorf("ParseRate(%q) error %v", in, err)
		}
	}
	plan, err := Translate(strings.Fields("--rate 2/m a.example/[1-3]"), nil)
	if err != nil || plan.Interval != 30*time.Second {
		t.Errorf("plan %+v, %v", plan, err)
	}
}

// --next (-:) starts a part of the command with options of its own, as in curl: the method, headers, data,
// -o and -w of one part do not reach the next; curl's global options (-v, -s, --fail-early, -Z...) hold for
// every part wherever they are typed; --stderr and -v's dump go with the first part only (hop's stderr is
// redirected once, one dump serves all). A part with no URL is refused, as is standard input read by two parts.
func TestTranslateNext(t *testing.T) {
	plan, err := Translate([]string{"-s", "-u", "a:b", "-d", "x", "-o", "out", "a.example", "--next", "-H", "X: 1", "b.example/[1-2]", "-v",
		"-:", "--stderr", "log", "-X", "DELETE", "c.example"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"request", "POST", "a.example", "--silent", "--user", "a:b", "--data", "x", "--stderr", "log", "--trace-verbose", "%", "--output", "out", "--expect100-timeout", "1", "--ignore-stdin"},
		{"request", "GET", "b.example/1", "--header", "X: 1", "--silent", "--ignore-stdin"},
		{"request", "DELETE", "c.example", "--silent", "--ignore-stdin"},
	}
	if !reflect.DeepEqual(plan.Parts, want) || !reflect.DeepEqual(plan.Args, want[0]) {
		t.Errorf("parts\n%q\nwant\n%q", plan.Parts, want)
	}
	var parts []int
	var outputs []string
	for _, tr := range plan.Transfers {
		parts, outputs = append(parts, tr.Part), append(outputs, tr.Output)
	}
	if plan.Len() != 4 || !slices.Equal(parts, []int{0, 1, 2}) || !slices.Equal(outputs, []string{"out", "", ""}) {
		t.Errorf("%d URLs, parts %v, outputs %q", plan.Len(), parts, outputs)
	}
	// A -K file's "next" lines split it too (curl's test 430), and globals typed after --next hold before it.
	files := map[string]string{"k": "url = a.example\nheader = \"a: a\"\ndata = \"a\"\nnext\nurl = b.example\nfail-early\n"}
	plan, err = Translate([]string{"-K", "k"}, func(name string) ([]byte, error) { return []byte(files[name]), nil })
	if err != nil || len(plan.Parts) != 2 || !plan.FailEarly || plan.Parts[1][1] != "GET" || slices.Contains(plan.Parts[1], "--data") {
		t.Errorf("-K with next: %q, %v", plan.Parts, err)
	}
	for in, want := range map[string]string{
		"--next a.example":                   "part 1 of 2 of the curl command (--next separates them) has no URL",
		"a.example -:":                       "part 2 of 2",
		"-d @- a.example -: -T - b":          "2 parts of the curl command (--next separates them) read standard input",
		"a.example -: -d @- b c":             "sends 2 URLs and reads standard input",
		"-Z a.example -: --parallel-max x b": "expected a number",
	} {
		if _, err := Translate(strings.Fields(in), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Translate(%s) error %v; want %q", in, err, want)
		}
	}
}

// curl's --no-NAME turns a boolean option off again, as curl 7.88 does: the last of --NAME and --no-NAME
// holds, in the part of the command typed, or everywhere for a global option. --no-verbose ends any
// --trace too; --no-remote-name sends a URL's body to stdout; --no- before any other option is refused.
func TestTranslateNegations(t *testing.T) {
	for _, tt := range []struct {
		in     string
		want   [][]string // the parts' arguments
		remote []bool     // -O for each URL, when there are several
	}{
		{`-v --no-verbose a.example`, [][]string{{"request", "GET", "a.example", "--ignore-stdin"}}, nil},
		{`--no-verbose -v a.example`, [][]string{{"request", "GET", "a.example", "--trace-verbose", "%", "--ignore-stdin"}}, nil},
		{`--trace-ascii t.txt --no-verbose a.example`, [][]string{{"request", "GET", "a.example", "--ignore-stdin"}}, nil},
		{`-sLk --no-location --no-insecure -L a.example`, [][]string{{"request", "GET", "a.example", "--silent", "--follow", "--follow-any", "--ignore-stdin"}}, nil},
		{`-G --no-get -d a=1 a.example`, [][]string{{"request", "POST", "a.example", "--data", "a=1", "--expect100-timeout", "1", "--ignore-stdin"}}, nil},
		{`--no-head -i --no-include --no-path-as-is a.example`, [][]string{{"request", "GET", "a.example", "--ignore-stdin"}}, nil},
		{`--show-headers --keepalive-cnt 3 a.example`, [][]string{{"request", "GET", "a.example", "--include", "--ignore-stdin"}}, nil}, // curl 8's names
		{`--show-headers --no-show-headers --skip-existing --no-skip-existing a.example`, [][]string{{"request", "GET", "a.example", "--ignore-stdin"}}, nil},
		{`-I -I a.example`, [][]string{{"request", "HEAD", "a.example", "--head", "--ignore-stdin"}}, nil},
		// One switch for following: --location-trusted is -L too, and either --no- form ends it;
		// --no-anyauth changes nothing, as in curl.
		{`--location-trusted a.example`, [][]string{{"request", "GET", "a.example", "--follow", "--follow-any", "--location-trusted", "--ignore-stdin"}}, nil},
		{`-L --location-trusted --no-location a.example`, [][]string{{"request", "GET", "a.example", "--location-trusted", "--ignore-stdin"}}, nil},
		{`-L --no-location-trusted a.example`, [][]string{{"request", "GET", "a.example", "--ignore-stdin"}}, nil},
		{`--anyauth --no-anyauth -u u:p a.example`, [][]string{{"request", "GET", "a.example", "--auth-type=any", "--user", "u:p", "--ignore-stdin"}}, nil},
		// The proxy's: --proxy-anyauth over --proxy-digest over --proxy-basic, in any order; their --no-
		// forms turn each off.
		{`--proxy-anyauth --proxy-digest -x p a.example`, [][]string{{"request", "GET", "a.example", "--proxy", "p", "--proxy-auth-type=any", "--ignore-stdin"}}, nil},
		{`--proxy-digest --proxy-basic -x p a.example`, [][]string{{"request", "GET", "a.example", "--proxy", "p", "--proxy-auth-type=digest", "--ignore-stdin"}}, nil},
		{`--proxy-digest --no-proxy-digest --proxy-basic -x p a.example`, [][]string{{"request", "GET", "a.example", "--proxy", "p", "--ignore-stdin"}}, nil},
		{`--proxy-anyauth --no-proxy-anyauth --proxy-digest a.example`, [][]string{{"request", "GET", "a.example", "--proxy-auth-type=digest", "--ignore-stdin"}}, nil},
		// --ech: curl keeps the keyword and the list apart; false wins over a list, which true and hard use;
		// the last of each kind holds.
		{`--ech ecl:AAAA --ech hard a.example`, [][]string{{"request", "GET", "a.example", "--ech", "ecl:AAAA", "--ignore-stdin"}}, nil},
		{`--ech true --ech ecl:AAAA --ech ecl:BBBB a.example`, [][]string{{"request", "GET", "a.example", "--ech", "ecl:BBBB", "--ignore-stdin"}}, nil},
		{`--ech ecl:AAAA --ech false a.example`, [][]string{{"request", "GET", "a.example", "--ignore-stdin"}}, nil},
		{`--ech hard --ech true a.example`, [][]string{{"request", "GET", "a.example", "--ech", "true", "--ignore-stdin"}}, nil},
		{`--ech grease a.example`, [][]string{{"request", "GET", "a.example", "--ech", "grease", "--ignore-stdin"}}, nil},
		// --digest and --anyauth with no credentials (no -u, none in the URL, no -n): curl sends none, and
		// reads no .netrc.
		{`--digest a.example`, [][]string{{"request", "GET", "a.example", "--no-netrc", "--ignore-stdin"}}, nil},
		{`--anyauth a.example`, [][]string{{"request", "GET", "a.example", "--no-netrc", "--ignore-stdin"}}, nil},
		{`--digest -n a.example`, [][]string{{"request", "GET", "a.example", "--digest", "--ignore-stdin"}}, nil},
		{`--digest --netrc-file f a.example`, [][]string{{"request", "GET", "a.example", "--digest", "--netrc-file", "f", "--ignore-stdin"}}, nil},
		{`--digest http://u:p@a.example`, [][]string{{"request", "GET", "http://u:p@a.example", "--digest", "--ignore-stdin"}}, nil},
		{`--digest -u u:p a.example`, [][]string{{"request", "GET", "a.example", "--digest", "--user", "u:p", "--ignore-stdin"}}, nil},
		// curl's options known by their --no- form turn back on too, and their positive forms are taken.
		{`--no-alpn --alpn --no-clobber --clobber --progress-meter --sessionid --npn --buffer a.example`, [][]string{{"request", "GET", "a.example", "--ignore-stdin"}}, nil},
		{`--no-alpn --no-clobber a.example`, [][]string{{"request", "GET", "a.example", "--http1.1", "--no-clobber", "--ignore-stdin"}}, nil},
		{`--no-styled-output a.example --next --styled-output b.example`, [][]string{
			{"request", "GET", "a.example", "--ignore-stdin"},
			{"request", "GET", "b.example", "--ignore-stdin"}}, []bool{false, false}},
		{`--no-netrc --no-compressed --no-fail a.example`, [][]string{{"request", "GET", "a.example", "--no-netrc", "--ignore-stdin"}}, nil},
		// Global: --no-silent in the second part turns -s off for both; -L belongs to its part.
		{`-s -L a.example --next --no-silent --no-location b.example`, [][]string{
			{"request", "GET", "a.example", "--follow", "--follow-any", "--ignore-stdin"},
			{"request", "GET", "b.example", "--ignore-stdin"}}, []bool{false, false}},
		// -O and --no-remote-name each take the next URL's output, as curl's list of them does; with none
		// left, --no-remote-name takes none.
		{`a.example b.example -O --no-remote-name`, [][]string{{"request", "GET", "a.example", "--remote-name", "--ignore-stdin"}}, []bool{true, false}},
		{`-O --no-remote-name a.example`, [][]string{{"request", "GET", "a.example", "--remote-name", "--ignore-stdin"}}, nil},
		{`--remote-name-all --no-remote-name a.example b.example`, [][]string{{"request", "GET", "a.example", "--ignore-stdin"}}, []bool{false, true}},
	} {
		plan, err := Translate(strings.Fields(tt.in), nil)
		if err != nil {
			t.Errorf("Translate(%s): %v", tt.in, err)
			continue
		}
		parts := plan.Parts
		if parts == nil {
			parts = [][]string{plan.Args}
		}
		var remote []bool
		for _, tr := range plan.Transfers {
			remote = append(remote, tr.Remote)
		}
		if !reflect.DeepEqual(parts, tt.want) || !slices.Equal(remote, tt.remote) {
			t.Errorf("Translate(%s)\n%q, -O %v\nwant\n%q, -O %v", tt.in, parts, remote, tt.want, tt.remote)
		}
	}
	// -K files take negations by name, as curl's config lines do.
	files := map[string]string{"k": "verbose\nno-verbose\nurl = a.example\n"}
	if plan, err := Translate([]string{"-K", "k"}, func(name string) ([]byte, error) { return []byte(files[name]), nil }); err != nil || slices.Contains(plan.Args, "--trace-verbose") {
		t.Errorf("-K with no-verbose: %+v, %v", plan, err)
	}
	for in, want := range map[string]string{
		"--no-http2 a.example":  "curl option --no-http2: --no- turns off an option that is on or off, and --http2 is not one",
		"--no-header a.example": "--header is not one",
		"--no-frob a.example":   "--no-frob is not a curl option",
		"--no- a.example":       "--no- is not a curl option",
		// -I picks HEAD and --no-head GET, either way round; curl 7.88 refuses the second method (exit 2),
		// as it refuses --no-head beside a body's POST or -T's PUT.
		"-I --no-head a.example":     "--no-head asks for GET, and -I, a body (-d, -F) or -T for another method: curl refuses two (exit 2)",
		"--no-head -I a.example":     "--no-head asks for GET",
		"-i -I --no-head a.example":  "--no-head asks for GET",
		"-d x --no-head a.example":   "--no-head asks for GET",
		"-F a=b --no-head a.example": "--no-head asks for GET",
		"-T f --no-head a.example":   "--no-head asks for GET",
		// -J's name comes with the answer, -C - resumes a file known before the request: curl refuses both.
		"-C - -J -O a.example/f":                      "-C - with -J: curl refuses the two together (exit 2)",
		"-O -J a.example/f -: -C - -J -O b.example/g": "-C - with -J",
	} {
		if _, err := Translate(strings.Fields(in), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Translate(%s) error %v; want %q", in, err, want)
		}
	}
}

// -Z sends URLs in parallel, at most --parallel-max at once, which curl 7.88 reads as 50 when it is under
// 1 and 300 when it is over 300; without -Z it changes nothing.
func TestTranslateParallel(t *testing.T) {
	for in, want := range map[string]int{
		"-Z a.example b.example":                                        50,
		"--parallel-max 3 -Z a.example/[1-9]":                           3,
		"-Z --parallel-max 0 a.example b.example":                       50,
		"-Z --parallel-max 999 a.example b.example":                     300,
		"-Z --parallel-max 99999999999999999999999 a.example b.example": 300,
		"--parallel-max 5 a.example b.example":                          0,
		"a.example b.example --parallel-immediate":                      0,
	} {
		plan, err := Translate(strings.Fields(in), nil)
		if err != nil || plan.Parallel != want {
			t.Errorf("Translate(%s): parallel %+v, %v; want %d", in, plan, err, want)
		}
	}
	if _, err := Translate(strings.Fields("-Z --parallel-max x a.example"), nil); err == nil || !strings.Contains(err.Error(), "expected a number") {
		t.Errorf("--parallel-max x: %v", err)
	}
}

// Quote's output, read back by a real shell, is the string quoted. (No argument can hold a NUL byte: a
// body with one is piped in by printf, tested with curl in cmd.)
func TestQuoteThroughShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, s := range []string{"plain", "", "two words", "it's", `"double" $HOME \back`, "tab\tnew\nline", "ünï", "\x01\xff bytes", "'"} {
		q := Quote(s)
		cmd := "printf %s " + q
		if strings.HasPrefix(q, "$'") {
			bash, err := exec.LookPath("bash")
			if err != nil {
				continue // $'...' is bash's; sh may not read it
			}
			sh = bash
		}
		out, err := exec.Command(sh, "-c", cmd).Output()
		if err != nil || string(out) != s {
			t.Errorf("Quote(%q) = %s; the shell read back %q (%v)", s, q, out, err)
		}
	}
}

// Each curl option is in the table once: a second entry would never be reached, and --help lists it twice.
func TestOptionsUnique(t *testing.T) {
	longs, shorts := map[string]bool{}, map[byte]bool{}
	for _, o := range options {
		if longs[o.long] || o.short != 0 && shorts[o.short] {
			t.Errorf("--%s (-%c) is in the table twice", o.long, o.short)
		}
		longs[o.long], shorts[o.short] = true, o.short != 0
	}
}

// TestConfig: a -K file stands for its options, in its place, by curl's rules for config lines.
func TestConfig(t *testing.T) {
	files := map[string]string{
		"c": "# comment\n  # indented comment\r\n\n// curl skips a line that begins with / or *\n* too\n /* and so */\n" +
			"url = \"https://example.com/a?b=c#d\"\n" + // quoted: # is no comment
			"header = \"X-Q: a \\\"b\\\"\\tc\\q\\\\\"\n" + // \" \t \\ escapes; \q is q
			"--header X-Dashed:yes\n" +
			"-H \"X-Short: 1\"\n" +
			"user-agent: agent/1.0 # a comment may follow\n" +
			"location\n" +
			"-sS\n",
		"nested": "-K c\nretry 2\n",
		"self":   "config = self\n",
		"-":      "oauth2-bearer = secret\n",
		"eq":     "--data=a=1 # curl 8.16's --NAME=VALUE\n--url=example.com\n",
	}
	read := func(name string) ([]byte, error) {
		if text, ok := files[name]; ok {
			return []byte(text), nil
		}
		return nil, errors.New("no such file")
	}
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{`-K c`, []string{"request", "GET", "https://example.com/a?b=c#d", "--header", "X-Q: a \"b\"\tcq\\", "--header", "X-Dashed:yes", "--header", "X-Short: 1", "--user-agent", "agent/1.0", "--silent", "--follow", "--follow-any", "--ignore-stdin"}},
		{`--config nested -X POST`, []string{"request", "POST", "https://example.com/a?b=c#d", "--header", "X-Q: a \"b\"\tcq\\", "--header", "X-Dashed:yes", "--header", "X-Short: 1", "--user-agent", "agent/1.0", "--silent", "--retry", "2", "--follow", "--follow-any", "--ignore-stdin"}},
		{`-sK - example.com`, []string{"request", "GET", "example.com", "--silent", "--bearer", "secret", "--ignore-stdin"}},
		{`-K eq`, []string{"request", "POST", "example.com", "--data", "a=1", "--expect100-timeout", "1", "--ignore-stdin"}},
	} {
		plan, err := Translate(strings.Fields(tt.in), read)
		if err != nil || !reflect.DeepEqual(plan.Args, tt.want) {
			t.Errorf("Translate(%s)\n = %+v, %v\nwant %q", tt.in, plan, err, tt.want)
		}
	}
	for text, want := range map[string]string{
		"silent yes\n":           `-K bad, line 1: --silent takes no value, but "yes" follows it`,
		"\n\nheader\n":           `-K bad, line 3: --header needs a value`,
		"header = \"X: open\n":   `-K bad, line 1: the quoted value has no closing quote`,
		"ntlm\n":                 `-K bad, line 1: hop curl does not know curl's --ntlm option`,
		"https://example.com\n":  `-K bad, line 1: --https is not a curl option (did you mean --http2, --http3 or --hsts? see hop curl --help)`,
		"verbos\n":               `-K bad, line 1: --verbos is not a curl option (did you mean --verbose? see hop curl --help)`,
		"-sH x\nurl a.example\n": "", // -s, then -H with the line's value
		"-Hs x\n":                `-K bad, line 1: in -Hs, -H takes a value`,
		"-K self\n":              `-K self: more than 10 config files (does one name itself?)`,
		"-K missing\n":           `-K missing: no such file`,
		"url example.com\n-m\n":  `-K bad, line 2: -m needs a value`,
		"--data=a b\n":           `-K bad, line 1: --data has its value after =, but "b" follows it`,
		"--verbose=no\n":         `-K bad, line 1: --verbose takes no value, but "no" follows it`,
	} {
		files["bad"] = text
		_, err := Translate([]string{"-K", "bad"}, read)
		if strings.HasPrefix(text, "-sH") {
			if err != nil {
				t.Errorf("-sH x in a config: %v, want it taken as -s -H x", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("config %q: error %v; want %q", text, err, want)
		}
	}
}

// curl 8.3's --variable and --expand-OPTION, by curl's rules (curl 7.88, here, has neither): variables
// set in order, from a value, a file, the environment (with or without a default); {{NAME}} and
// {{NAME:FN:FN}} expanded only in --expand- options; \{{ kept; an unset variable is empty.
func TestVariables(t *testing.T) {
	t.Setenv("HOP_TEST_VAR", "from env")
	files := map[string]string{"f": "  file content\n", "cfg": "variable = \"c=from config\"\nexpand-header = \"X-C: {{c}}\"\n"}
	read := func(name string) ([]byte, error) {
		if text, ok := files[name]; ok {
			return []byte(text), nil
		}
		return nil, errors.New("no such file")
	}
	for _, tt := range []struct {
		args []string
		want []string // the hop arguments after "request GET URL"
	}{
		{[]string{"--variable", "a=1", "--expand-header", "X-A: {{a}}", "-H", "X-B: {{a}}"}, []string{"--header", "X-A: 1", "--header", "X-B: {{a}}"}},
		{[]string{"--variable", "%HOP_TEST_VAR", "--expand-header", "X: {{HOP_TEST_VAR:url}}|{{HOP_TEST_VAR:b64}}|{{HOP_TEST_VAR:json}}"}, []string{"--header", "X: from%20env|ZnJvbSBlbnY=|from env"}},
		{[]string{"--variable", "%HOP_UNSET_VAR=dflt", "--variable", "f@f", "--expand-header", "X: {{HOP_UNSET_VAR}} [{{f:trim}}] [{{f:trim:b64:64dec}}] {{nope}}|\\{{a}}|{{bad-name}}"}, []string{"--header", "X: dflt [file content] [file content] |{{a}}|{{bad-name}}"}},
		{[]string{"--variable", "q=a\"b\\\n", "--expand-data", "{\"q\":\"{{q:json}}\"}", "--variable", "q=2", "--expand-header", "X: {{q}}{{q}}"}, []string{"--data", "{\"q\":\"a\\\"b\\\\\\n\"}", "--header", "X: 22"}},
		{[]string{"-K", "cfg"}, []string{"--header", "X-C: from config"}},
		{[]string{"--variable", "a=A", "--variable", "b=B", "--expand-variable", "ab={{a}}-{{b}}", "--expand-header", "X: {{ab}}"}, []string{"--header", "X: A-B"}},
		{[]string{"--variable", "x=@/-{{", "--expand-header", "X: {{x:64dec}} {{x:url}}"}, []string{"--header", "X: [64dec-fail] %40%2F-%7B%7B"}},
	} {
		plan, err := Translate(append(tt.args, "https://example.com/"), read)
		if err != nil {
			t.Errorf("Translate(%q): %v", tt.args, err)
			continue
		}
		if got := plan.Args[3:]; len(got) < len(tt.want) || !slices.Equal(got[:len(tt.want)], tt.want) { // then hop curl's own additions
			t.Errorf("Translate(%q)\n = %q\nwant %q", tt.args, got, tt.want)
		}
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--variable", "%HOP_UNSET_VAR"}, "the environment variable HOP_UNSET_VAR is not set"},
		{[]string{"--variable", "a-b=1"}, "a variable's name is 1 to 127 letters"},
		{[]string{"--variable", "a[0-2]@f"}, "byte ranges"},
		{[]string{"--variable", "a"}, "expected NAME=CONTENT"},
		{[]string{"--variable", "a@missing"}, "no such file"},
		{[]string{"--variable", "a=1", "--expand-header", "X: {{a:upper}}"}, "--expand-header: unknown variable function upper"},
		{[]string{"--variable", "z=AA==", "--expand-header", "X: {{z:64dec}}"}, "holds a zero byte"},
		{[]string{"--expand-silent", "x"}, "takes no value to expand"},
		{[]string{"--variable"}, "a variable's name"}, // the URL taken as its value
	} {
		_, err := Translate(append(tt.args, "https://example.com/"), read)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Translate(%q) = %v, want an error with %q", tt.args, err, tt.want)
		}
	}
}

// An option hop curl does not take is said to be curl's only when curl has it; one curl has not either (a
// typo: curl 8 calls --verbos unknown, where 7.x took it for --verbose) is said so, with hop curl's options
// near it.
func TestUnknownOptions(t *testing.T) {
	for in, want := range map[string]string{
		"--http1.0":   "hop curl does not know curl's --http1.0 option (hop never drops one silently); see hop curl --help",
		"-0":          "hop curl does not know curl's -0 option (hop never drops one silently); see hop curl --help",
		"--no-npn":    "", // curl's, a switch hop curl takes
		"--krb4":      "hop curl does not know curl's --krb4 option (hop never drops one silently); see hop curl --help",
		"--verbos":    "--verbos is not a curl option (did you mean --verbose? see hop curl --help)",
		"--no-verbos": "--no-verbos is not a curl option (did you mean --no-verbose? see hop curl --help)",
		"--Location":  "--Location is not a curl option (did you mean --location or --location-trusted? see hop curl --help)",
		"--http":      "--http is not a curl option (did you mean --http2, --http3, --http1.1 or --http2-prior-knowledge? see hop curl --help)",
		"-W":          "-W is not a curl option (see hop curl --help)",
		"-vW":         "-W is not a curl option (see hop curl --help)",
		"--xyzzy":     "--xyzzy is not a curl option (see hop curl --help)",
	} {
		_, err := Translate([]string{in, "https://example.com/"}, nil)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("hop curl %s: %q, want %q", in, got, want)
		}
	}
	// Every option hop curl takes is one of curl's, so the list that tells them apart holds them all.
	for _, o := range options {
		if !isCurlOption("--" + o.long) {
			t.Errorf("--%s is hop curl's and missing from curlLongs", o.long)
		}
		if o.short != 0 && !isCurlOption("-"+string(o.short)) {
			t.Errorf("-%c is hop curl's and missing from curlShorts", o.short)
		}
	}
}

// ValueOption names the option a completed word is the value of: by hop's flag where curl's becomes one,
// the last of a group of short options, nothing after a switch, a --NAME=VALUE or a word that is no option.
func TestValueOption(t *testing.T) {
	for arg, want := range map[string]string{
		"-o": "output", "--output": "output", "-sSo": "output", "-F": "form-part", "--max-redirs": "max-redirects",
		"--connect-timeout": "connect-timeout", "-K": "config", "-s": "", "--silent": "", "--data=x": "",
		"https://x": "", "-": "", "--no-verbose": "", "--nope": "",
	} {
		got, ok := ValueOption(arg)
		if got != want || ok != (want != "") {
			t.Errorf("ValueOption(%q) = %q, %v; want %q", arg, got, ok, want)
		}
	}
}
