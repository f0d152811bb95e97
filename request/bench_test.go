package request

import (
	"fmt"
	"testing"
)

// BenchmarkManyQueryItems builds a request from thousands of name==value items, as a script's xargs may
// pass them: the query grows in one join, not one copy of the whole query per item.
func BenchmarkManyQueryItems(b *testing.B) {
	for _, n := range []int{1000, 20000} {
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf("q%d==%d", i, i)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Build(Spec{Method: "GET", URL: "http://example.com/x?a=1", Items: items}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
