package format

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

// jsonArray builds a JSON array of small objects of about size bytes, like an API's list endpoint.
func jsonArray(size int) []byte {
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"item %d","price":%d.%02d,"tags":["a","b"],"active":%t,"parent":null}`, i, i, i%1000, i%100, i%3 == 0)
	}
	b.WriteByte(']')
	return []byte(b.String())
}

// BenchmarkFormatJSON measures pretty-printing and colouring a JSON body (streamed element by element).
func BenchmarkFormatJSON(b *testing.B) {
	for _, size := range []int{1 << 20, 50 << 20} {
		doc := jsonArray(size)
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Body(io.Discard, bytes.NewReader(doc), BodyOptions{ContentType: "application/json", Format: true, Color: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEscaper measures the terminal escaper on mostly printable text with some controls.
func BenchmarkEscaper(b *testing.B) {
	text := bytes.Repeat([]byte("plain ascii text, ünïcödé ✓, tabs\tand\r\nline ends, an escape \x1b[31m here\n"), 20000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		e := newEscaper(io.Discard)
		for p := text; len(p) > 0; {
			n := min(len(p), 256<<10)
			e.Write(p[:n])
			p = p[n:]
		}
		e.Close()
	}
}

// BenchmarkSmallBody measures showing a small body piped, as hop curl does for each URL of a glob of
// thousands: the cost per body, not per byte.
func BenchmarkSmallBody(b *testing.B) {
	body := []byte(`{"id":1,"name":"item"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Body(io.Discard, bytes.NewReader(body), BodyOptions{ContentType: "text/plain"}); err != nil {
			b.Fatal(err)
		}
	}
}

// jsonObject builds a JSON object of about size bytes, its values small objects: one document, held whole
// to format.
func jsonObject(size int) []byte {
	var doc bytes.Buffer
	doc.WriteByte('{')
	for i := 0; doc.Len() < size; i++ {
		if i > 0 {
			doc.WriteByte(',')
		}
		fmt.Fprintf(&doc, `"k%d":{"id":%d,"name":"item %d","tags":["a","b"],"active":%t,"parent":null}`, i, i, i, i%3 == 0)
	}
	doc.WriteByte('}')
	return doc.Bytes()
}

// BenchmarkFormatJSONObject measures a JSON body that is one large object, which is held whole to format
// (an array streams element by element).
func BenchmarkFormatJSONObject(b *testing.B) {
	doc := jsonObject(50 << 20)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Body(io.Discard, bytes.NewReader(doc), BodyOptions{ContentType: "application/json", Format: true, Color: true}); err != nil {
			b.Fatal(err)
		}
	}
}
