package format

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// jsonArray builds a JSON array of small objects of about size bytes, like an API's list endpoint.
func jsonArray(size int) []byte {
	return jsonDoc('[', size, func(b *bytes.Buffer, i int) {
		fmt.Fprintf(b, `{"id":%d,"name":"item %d","price":%d.%02d,"tags":["a","b"],"active":%t,"parent":null}`, i, i, i%1000, i%100, i%3 == 0)
	})
}

// jsonObject builds a JSON object of about size bytes, its values small objects: one document, held whole
// to format.
func jsonObject(size int) []byte {
	return jsonDoc('{', size, func(b *bytes.Buffer, i int) {
		fmt.Fprintf(b, `"k%d":{"id":%d,"name":"item %d","tags":["a","b"],"active":%t,"parent":null}`, i, i, i, i%3 == 0)
	})
}

// jsonDoc builds an array or an object (open is '[' or '{') of about size bytes, member i written by elem.
func jsonDoc(open byte, size int, elem func(b *bytes.Buffer, i int)) []byte {
	var b bytes.Buffer
	b.WriteByte(open)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		elem(&b, i)
	}
	b.WriteByte(open + 2) // ']' and '}' follow '[' and '{' by two
	return b.Bytes()
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

// BenchmarkFormatJSONObject measures a JSON body that is one large object, formatted member batch by member
// batch as an array is element by element.
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
