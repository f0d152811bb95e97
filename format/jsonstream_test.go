package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tidwall/pretty"
)

// genValue makes a random JSON value: every kind pretty lays out differently (short arrays that fit on one
// line, long ones that do not, objects, empty containers, strings with escapes and characters a terminal
// would obey).
func genValue(r *rand.Rand, depth int) string {
	strs := []string{`"plain"`, `"quote \" and \\ backslash"`, `"tab\tnew\nline"`, `"\u00e9t\u00e9"`, `"é ✓ 日本"`,
		"\"c1 \u009b del \u007f\"", `"\u001b[31m"`, `""`, `"` + strings.Repeat("long ", 20) + `"`}
	switch k := r.IntN(10); {
	case depth > 3 || k < 3:
		switch r.IntN(6) {
		case 0:
			return fmt.Sprint(r.IntN(100000) - 500)
		case 1:
			return fmt.Sprintf("%.3f", r.Float64()*1e4)
		case 2:
			return []string{"true", "false", "null"}[r.IntN(3)]
		case 3:
			return "-1.5e10"
		}
		return strs[r.IntN(len(strs))]
	case k < 6:
		n := r.IntN(12)
		var items []string
		for i := 0; i < n; i++ {
			items = append(items, genValue(r, depth+1))
		}
		sep := []string{",", ", ", " ,\n "}[r.IntN(3)]
		return "[" + strings.Join(items, sep) + "]"
	default:
		n := r.IntN(6)
		var items []string
		for i := 0; i < n; i++ {
			items = append(items, fmt.Sprintf(`"k%d":%s`, i, genValue(r, depth+1)))
		}
		return "{" + strings.Join(items, ",") + "}"
	}
}

func genArray(r *rand.Rand, n int) []byte {
	var items []string
	for i := 0; i < n; i++ {
		items = append(items, genValue(r, 1))
	}
	ws := []string{"", " ", "\n  ", "\t"}[r.IntN(4)]
	return []byte(ws + "[" + ws + strings.Join(items, ","+ws) + ws + "]" + ws)
}

// genObject is genArray's top-level object: n members, keys repeated now and then (pretty keeps them all).
func genObject(r *rand.Rand, n int) []byte {
	var items []string
	for i := 0; i < n; i++ {
		items = append(items, fmt.Sprintf(`"m%d":%s`, r.IntN(n+1), genValue(r, 1)))
	}
	ws := []string{"", " ", "\n  ", "\t"}[r.IntN(4)]
	return []byte(ws + "{" + ws + strings.Join(items, ","+ws) + ws + "}" + ws)
}

func streamed(t testing.TB, doc []byte, colored, terminal bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	res, err := Body(&buf, bytes.NewReader(doc), BodyOptions{ContentType: "application/json", Format: true, Color: colored, Terminal: terminal})
	if err != nil {
		t.Fatalf("Body: %v", err)
	}
	if res.Note != "" {
		t.Fatalf("unexpected note %q for valid JSON %q", res.Note, doc)
	}
	return buf.Bytes()
}

// TestStreamingMatchesWhole proves the element-by-element formatting byte-identical to formatting the whole
// document, with and without colour and terminal escaping.
func TestStreamingMatchesWhole(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	docs := [][]byte{
		[]byte(`[]`), []byte(`[1]`), []byte(` [ 1 , 2 ] `), []byte(`[{}]`), []byte(`[[]]`), []byte(`[{"a":1}]`),
		[]byte(`["` + strings.Repeat("x", 100) + `"]`), []byte(`[` + strings.Repeat(`1,`, 60) + `1]`),
		[]byte(`[[1,2,3],[` + strings.Repeat(`"ab",`, 30) + `"c"],{"k":[1,[2,[3]]]}]`),
		[]byte(`{}`), []byte(` { } `), []byte(`{"a":1}`), []byte(`{"":{"":[]}}`), []byte(`{"a":[1,2],"a":{"b":[{}]}}`),
		[]byte(`{"\"k\\":"v,}","k2":"]"}`),
	}
	for i := 0; i < 400; i++ {
		docs = append(docs, genArray(r, r.IntN(40)), genObject(r, r.IntN(40)))
	}
	// Objects of many batches: their members are formatted and coloured apart.
	for i := 0; i < 4; i++ {
		docs = append(docs, genObject(r, 4000+r.IntN(4000)))
	}
	for _, doc := range docs {
		if !json.Valid(doc) {
			t.Fatalf("generator made invalid JSON: %s", doc)
		}
		for _, colored := range []bool{false, true} {
			for _, terminal := range []bool{false, true} {
				want := formatJSON(doc, BodyOptions{Format: true, Color: colored, Terminal: terminal})
				if got := streamed(t, doc, colored, terminal); !bytes.Equal(got, want) {
					t.Fatalf("color=%v terminal=%v: streamed output differs for %s\ngot:\n%s\nwant:\n%s", colored, terminal, doc, got, want)
				}
			}
		}
	}
}

func FuzzStreamingMatchesWhole(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20; i++ {
		f.Add(genArray(r, r.IntN(10)))
	}
	f.Add([]byte(`[1,{"a":[1,2]},"x"]`))
	f.Add([]byte(`{"a":[1,2],"b":{"c":"d"},"e":"\\\""}`))
	f.Add(genObject(r, 5))
	f.Fuzz(func(t *testing.T, doc []byte) {
		// Invalid UTF-8 is binary to hop (never formatted), whatever json.Valid says.
		if !json.Valid(doc) || !utf8.Valid(doc) || bytes.IndexByte(doc, 0) >= 0 {
			return
		}
		for _, colored := range []bool{false, true} {
			want := formatJSON(doc, BodyOptions{Format: true, Color: colored, Terminal: true})
			if got := streamed(t, doc, colored, true); !bytes.Equal(got, want) {
				t.Fatalf("streamed output differs for %q\ngot:\n%q\nwant:\n%q", doc, got, want)
			}
		}
	})
}

func TestStreamingInvalidJSON(t *testing.T) {
	// Past the first batch, output has begun: the rest is shown as text.
	big := string(jsonArray(2 * batchSize))
	big = big[:len(big)-1] + ","
	// Within the first batch nothing has been written: the whole body is shown as text.
	small := `[{"a":1},` + strings.Repeat(`{"b":2},`, 10)
	bigObject := string(jsonObject(2 * batchSize))
	bigObject = bigObject[:len(bigObject)-1] + ","
	for _, tt := range []struct {
		doc      string
		wantNote string
		wantOut  string
	}{
		{big + `{"c":}]`, "not valid JSON (an array element is not valid JSON); the rest is shown as text", `{"c":}]`},
		// An element deeper than encoding/json goes is said to be, not called invalid.
		{big + `{"c":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "}]",
			"shown as received from here on: an array element is nested 10003 levels deep, deeper than hop checks (10000)", "]]]}]"},
		{big, "not valid JSON (the body ended inside the array)", ""},
		{small + `{"c":}]`, "labelled JSON but is not valid JSON; shown as text", small + `{"c":}]`},
		{`[1, 2,`, "labelled JSON but is not valid JSON", "[1, 2,"},
		{`[1] x`, "labelled JSON but is not valid JSON", "[1] x"},
		{`{"a":`, "labelled JSON but is not valid JSON", `{"a":`},
		// A large object: past its first batch, a member that breaks sends the rest as text.
		{bigObject + `"c":}`, "not valid JSON (an object member is not valid JSON); the rest is shown as text", `"c":}`},
		{bigObject + `"c":1]`, "not valid JSON (a ] closes the object); the rest is shown as text", `"c":1]`},
		{bigObject + `"c":1`, "not valid JSON (the body ended inside the object)", `"c":1`},
		{bigObject + `"c":1} x`, "not valid JSON (data after the closing })", ""},
		{`{"a":1]`, "labelled JSON but is not valid JSON", `{"a":1]`},
		{`[1}`, "labelled JSON but is not valid JSON", `[1}`},
		// Valid, but deeper than encoding/json goes: said so, rather than called invalid.
		{`{"a":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "}", "labelled JSON and nested 10002 levels deep, deeper than hop checks (10000); shown as text", "]]]}"},
	} {
		var buf bytes.Buffer
		res, err := Body(&buf, strings.NewReader(tt.doc), BodyOptions{ContentType: "application/json", Format: true})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.Note, tt.wantNote) || !strings.Contains(buf.String(), tt.wantOut) {
			t.Errorf("Body(%.60q…): note %q, output …%q; want note %q and output containing %q", tt.doc, res.Note, tail(buf.String()), tt.wantNote, tt.wantOut)
		}
	}
}

// TestStreamingOversizedElement: an element over the cap, past the first batch, goes out as text with
// every byte it came with, whether the scanner finds it too large between reads or at the comma or bracket
// that ends it (the element sizes sweep where those fall).
func TestStreamingOversizedElement(t *testing.T) {
	first := string(jsonArray(batchSize))
	first = first[:len(first)-1] + ","
	const limit = 300 << 10
	for n := limit - 8<<10; n < limit+80<<10; n += 3<<10 + 7 {
		e := `"` + strings.Repeat("x", n) + `"`
		for _, end := range []string{",1,2]", "]"} {
			var buf bytes.Buffer
			res, err := Body(&buf, strings.NewReader(first+e+end), BodyOptions{ContentType: "application/json", Format: true, Cap: limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(e) > limit && (!strings.HasSuffix(buf.String(), ",\n"+e+end) || !strings.Contains(res.Note, "larger than")) {
				t.Fatalf("a %d-byte element then %q: note %q, output ends …%q", len(e), end, res.Note, tail(buf.String()))
			}
		}
	}
}

func tail(s string) string { return s[max(0, len(s)-60):] }

// TestStreamingLargeArrays covers arrays that span many batches, with and without objects, and an object
// that does.
func TestStreamingLargeArrays(t *testing.T) {
	numbers := "[" + strings.Repeat("12345,", 3*batchSize/6) + "1]"
	for _, doc := range [][]byte{jsonArray(3 * batchSize), []byte(numbers), jsonObject(3 * batchSize)} {
		for _, colored := range []bool{false, true} {
			if got, want := streamed(t, doc, colored, true), formatJSON(doc, BodyOptions{Format: true, Color: colored, Terminal: true}); !bytes.Equal(got, want) {
				t.Fatalf("color=%v: streamed output of a %d-byte array differs from formatting it whole", colored, len(doc))
			}
		}
	}
}

// TestColorMatchesPretty holds colorJSON to tidwall/pretty's Color, byte for byte, on pretty-printed and raw
// JSON, escapes and odd tokens included.
func TestColorMatchesPretty(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	docs := [][]byte{
		[]byte(`{"a\"b":"c\\","u":"\u00e9x","n":[1,-2.5e3,true,false,null],"e":{}}`), []byte(`"\\"`),
		[]byte(`[NaN, Infinity, -Infinity, +1, nan]`), []byte(`{"k":"v"}}]]`), []byte(`"\u12`), []byte(`"a\`),
		[]byte("{\"x\":\"tab\t\"}\n"), []byte("  \x01 raw control"),
	}
	for i := 0; i < 300; i++ {
		doc := genArray(r, r.IntN(30))
		docs = append(docs, doc, pretty.Pretty(doc), escapeJSONStrings(pretty.Pretty(doc)))
	}
	for _, doc := range docs {
		if got, want := colorJSON(doc), pretty.Color(doc, nil); !bytes.Equal(got, want) {
			t.Fatalf("colorJSON(%q)\n= %q\nwant %q", doc, got, want)
		}
	}
}

func FuzzColorMatchesPretty(f *testing.F) {
	f.Add([]byte(`{"a":[1,"b\\\"c"],"d":{"e":null}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if got, want := colorJSON(doc), pretty.Color(doc, nil); !bytes.Equal(got, want) {
			t.Fatalf("colorJSON(%q)\n= %q\nwant %q", doc, got, want)
		}
	})
}

// objectArray is a JSON array of n elements, the ith elem(i): large enough to be formatted in batches.
func objectArray(n int, elem func(i int) string) []byte {
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(elem(i))
	}
	b.WriteByte(']')
	return []byte(b.String())
}

// TestStreamedSortedKeys: --sorted sorts every object's keys in a large array formatted batch by batch, as
// it would the array formatted whole.
func TestStreamedSortedKeys(t *testing.T) {
	doc := objectArray(20000, func(i int) string { return fmt.Sprintf(`{"z":%d,"a":{"y":"%d","b":[3,{"k":1,"c":2}]}}`, i, i) })
	var buf bytes.Buffer
	opts := BodyOptions{ContentType: "application/json", Format: true, SortKeys: true}
	if _, err := Body(&buf, bytes.NewReader(doc), opts); err != nil {
		t.Fatal(err)
	}
	if want := formatJSON(doc, opts); !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("streamed and sorted differs from sorted whole")
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("[\n  {\n    \"a\": {\n      \"b\": [\n        3,\n        {\n          \"c\": 2,\n          \"k\": 1\n        }\n      ],\n      \"y\": \"0\"\n    },\n    \"z\": 0\n  },")) {
		t.Errorf("not sorted: %.120s", buf.Bytes())
	}
	// A large object's keys are sorted across the whole object: it is formatted whole.
	n := 0
	obj := jsonDoc('{', 2*batchSize, func(b *bytes.Buffer, i int) { n++; fmt.Fprintf(b, `"k%07d":{"z":1,"a":2}`, 9999999-i) })
	buf.Reset()
	if _, err := Body(&buf, bytes.NewReader(obj), opts); err != nil {
		t.Fatal(err)
	}
	if want := formatJSON(obj, opts); !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("sorted object differs from sorted whole")
	}
	if first := fmt.Sprintf("{\n  \"k%07d\": {\n    \"a\": 2,\n    \"z\": 1\n  },", 9999999-(n-1)); !bytes.HasPrefix(buf.Bytes(), []byte(first)) {
		t.Errorf("object not sorted: %.80q, want it to start %q", buf.Bytes(), first)
	}
}

// TestStreamedObjectOverCap: an object larger than the most hop holds to format, whose members are not, is
// formatted member by member, as it would be whole (it was shown unformatted, as one larger than that).
func TestStreamedObjectOverCap(t *testing.T) {
	doc := jsonObject(4 << 20)
	for _, colored := range []bool{false, true} {
		var buf bytes.Buffer
		opts := BodyOptions{ContentType: "application/json", Format: true, Color: colored, Cap: 1 << 20}
		res, err := Body(&buf, bytes.NewReader(doc), opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.Note != "" || res.Kind != "json" || res.Bytes != int64(len(doc)) {
			t.Errorf("color=%v: result %+v, want JSON of %d bytes and no note", colored, res, len(doc))
		}
		if want := formatJSON(doc, opts); !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("color=%v: %d MiB object formatted in batches differs from formatting it whole", colored, len(doc)>>20)
		}
	}
	// A member larger than that is not formatted: the body is shown as received.
	big := []byte(`{"a":"` + strings.Repeat("x", 2<<20) + `"}`)
	var buf bytes.Buffer
	res, err := Body(&buf, bytes.NewReader(big), BodyOptions{ContentType: "application/json", Format: true, Cap: 1 << 20})
	if err != nil || !bytes.Equal(buf.Bytes(), big) || !strings.Contains(res.Note, "larger than 1.0 MiB") {
		t.Errorf("an object of one 2 MiB member, cap 1 MiB: note %q, err %v, output unchanged %v", res.Note, err, bytes.Equal(buf.Bytes(), big))
	}
}

// TestStreamedIndent: HTTPie's json.indent lays out a large array formatted batch by batch as it would the
// array formatted whole, at every width, none (json.indent:0) included.
func TestStreamedIndent(t *testing.T) {
	doc := objectArray(20000, func(i int) string { return fmt.Sprintf(`{"n":%d,"a":[1,{"k":[]}]}`, i) })
	obj := jsonDoc('{', 2*batchSize, func(b *bytes.Buffer, i int) { fmt.Fprintf(b, `"n%d":[1,{"k":[]}]`, i) })
	for _, indent := range []int{0, 4, 1, Unindented} {
		var buf bytes.Buffer
		opts := BodyOptions{ContentType: "application/json", Format: true, Color: true, Indent: indent}
		if _, err := Body(&buf, bytes.NewReader(obj), opts); err != nil {
			t.Fatal(err)
		}
		if want := formatJSON(obj, opts); !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("indent %d: object streamed differs from formatted whole", indent)
		}
	}
	for _, tt := range []struct {
		indent int
		start  string
	}{
		{0, "[\n  {\n    \"n\": 0,\n    \"a\": [\n      1,\n      {\n        \"k\": []"},
		{4, "[\n    {\n        \"n\": 0,\n        \"a\": [\n            1,\n            {\n                \"k\": []"},
		{1, "[\n {\n  \"n\": 0,\n  \"a\": [\n   1,\n   {\n    \"k\": []"},
		{Unindented, "[\n{\n\"n\": 0,\n\"a\": [\n1,\n{\n\"k\": []\n}\n]\n},\n{\n\"n\": 1,"},
	} {
		var buf bytes.Buffer
		opts := BodyOptions{ContentType: "application/json", Format: true, Indent: tt.indent}
		if _, err := Body(&buf, bytes.NewReader(doc), opts); err != nil {
			t.Fatal(err)
		}
		if want := formatJSON(doc, opts); !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("indent %d: streamed differs from formatted whole", tt.indent)
		}
		if !strings.HasPrefix(buf.String(), tt.start) {
			t.Errorf("indent %d: starts %q, want %q", tt.indent, buf.String()[:min(buf.Len(), len(tt.start)+10)], tt.start)
		}
	}
}

// TestColorPieces: a body coloured a piece at a time, each cut after a line break, is byte for byte the
// body coloured whole, for pieces down to one byte.
func TestColorPieces(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 200; i++ {
		doc := genArray(r, r.IntN(40))
		for _, d := range [][]byte{doc, pretty.Pretty(doc), escapeJSONStrings(pretty.Pretty(doc))} {
			for _, piece := range []int{1, 7, 64, 1 << 20} {
				var got bytes.Buffer
				if err := writeColorJSON(&got, d, piece); err != nil || !bytes.Equal(got.Bytes(), colorJSON(d)) {
					t.Fatalf("in pieces of %d: %q, %v\nwhole: %q", piece, got.Bytes(), err, colorJSON(d))
				}
			}
		}
	}
}

// TestLargeObjectColorMemory: a large JSON body held whole to format (an object whose keys --sorted sorts,
// or one that is not an array or object) is coloured a piece at a time: its coloured copy, the largest,
// several times the body, was held whole (a 54 MB object took 609 MB).
func TestLargeObjectColorMemory(t *testing.T) {
	doc := jsonObject(8 << 20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := writeFormattedJSON(io.Discard, doc, BodyOptions{Format: true, Color: true}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 10*uint64(len(doc)) {
		t.Errorf("formatting a %d MiB object allocated %d MiB; want at most ten times the body", len(doc)>>20, n>>20)
	} else {
		t.Logf("allocated %d MiB for a %d MiB object", n>>20, len(doc)>>20)
	}
}
