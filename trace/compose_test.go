package trace

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"reflect"
	"slices"
	"testing"
)

// recorder is a ClientTrace whose every hook appends "who:Hook" to calls.
func recorder(who string, calls *[]string, only string) *httptrace.ClientTrace {
	ct := &httptrace.ClientTrace{}
	v := reflect.ValueOf(ct).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		if only != "" && name != only {
			continue
		}
		ft := v.Field(i).Type()
		v.Field(i).Set(reflect.MakeFunc(ft, func([]reflect.Value) []reflect.Value {
			*calls = append(*calls, who+":"+name)
			out := make([]reflect.Value, ft.NumOut())
			for j := range out {
				out[j] = reflect.Zero(ft.Out(j))
			}
			return out
		}))
	}
	return ct
}

// With calls the new hook, then the one already in the context, for every hook httptrace has (a hook a
// later Go adds fails here until compose knows it); hooks only the old trace sets are called once.
func TestWithCallsBoth(t *testing.T) {
	var calls []string
	ctx := httptrace.WithClientTrace(context.Background(), recorder("old", &calls, ""))
	fields := reflect.TypeFor[httptrace.ClientTrace]()
	for i := range fields.NumField() {
		name := fields.Field(i).Name
		ct := httptrace.ContextClientTrace(With(ctx, recorder("new", &calls, name)))
		cv := reflect.ValueOf(ct).Elem()
		for j := range cv.NumField() {
			calls = nil
			f := cv.Field(j)
			if f.IsNil() {
				t.Fatalf("with %s: %s is nil", name, fields.Field(j).Name)
			}
			args := make([]reflect.Value, f.Type().NumIn())
			for k := range args {
				args[k] = reflect.Zero(f.Type().In(k))
			}
			f.Call(args)
			want := []string{"old:" + fields.Field(j).Name}
			if j == i {
				want = []string{"new:" + name, "old:" + name}
			}
			if !slices.Equal(calls, want) {
				t.Errorf("with %s, %s called %v, want %v", name, fields.Field(j).Name, calls, want)
			}
		}
	}
}

// A 1xx response the new hook refuses is refused, and the old hook does not hear of it.
func TestWith1xxRefused(t *testing.T) {
	var heard bool
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		Got1xxResponse: func(int, textproto.MIMEHeader) error { heard = true; return nil }})
	ct := httptrace.ContextClientTrace(With(ctx, &httptrace.ClientTrace{
		Got1xxResponse: func(int, textproto.MIMEHeader) error { return http.ErrAbortHandler }}))
	if err := ct.Got1xxResponse(103, nil); err != http.ErrAbortHandler || heard {
		t.Errorf("refused 1xx: %v, old hook called: %v", err, heard)
	}
}

// Over a real request, each event reaches each trace once: the dialer's DNS and connect events (which net
// reads from the newest trace) and the transport's, with no second composition by httptrace.
func TestWithOverARequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	var calls []string
	ctx := httptrace.WithClientTrace(context.Background(), recorder("old", &calls, ""))
	ctx = With(ctx, recorder("new", &calls, "GotConn"))
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	count := map[string]int{}
	for _, c := range calls {
		count[c]++
	}
	for _, c := range []string{"old:GetConn", "old:ConnectStart", "old:ConnectDone", "new:GotConn", "old:GotConn", "old:WroteRequest", "old:GotFirstResponseByte"} {
		if count[c] != 1 {
			t.Errorf("%s called %d times: %v", c, count[c], calls)
		}
	}
}

// BenchmarkWith is a request's traces as the transport sets them (hop's, then the refusal bound's and the
// wait watch's), with the events of a request, composed by With and by httptrace.
func BenchmarkWith(b *testing.B) {
	n := 0
	hop := &httptrace.ClientTrace{ // hooks as hop's own trace sets them
		GetConn: func(string) { n++ }, GotConn: func(httptrace.GotConnInfo) { n++ }, PutIdleConn: func(error) { n++ },
		GotFirstResponseByte: func() { n++ }, Got1xxResponse: func(int, textproto.MIMEHeader) error { n++; return nil },
		DNSStart: func(httptrace.DNSStartInfo) { n++ }, DNSDone: func(httptrace.DNSDoneInfo) { n++ },
		ConnectStart: func(string, string) { n++ }, ConnectDone: func(string, string, error) { n++ },
		TLSHandshakeStart: func() { n++ }, TLSHandshakeDone: func(tls.ConnectionState, error) { n++ },
		WroteHeaderField: func(string, []string) { n++ }, WroteHeaders: func() { n++ }, WroteRequest: func(httptrace.WroteRequestInfo) { n++ },
	}
	for _, way := range []struct {
		name string
		with func(context.Context, *httptrace.ClientTrace) context.Context
	}{{"hand", With}, {"httptrace", httptrace.WithClientTrace}} {
		b.Run(way.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ctx := httptrace.WithClientTrace(context.Background(), hop)
				ctx = way.with(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) {}})
				ctx = way.with(ctx, &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) {},
					GotFirstResponseByte: func() {}, Got1xxResponse: func(int, textproto.MIMEHeader) error { return nil }})
				ct := httptrace.ContextClientTrace(ctx)
				ct.GotConn(httptrace.GotConnInfo{})
				for range 6 {
					ct.WroteHeaderField("X", nil)
				}
				ct.WroteRequest(httptrace.WroteRequestInfo{})
				ct.GotFirstResponseByte()
			}
		})
	}
}
