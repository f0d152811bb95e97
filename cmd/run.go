package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hop-cli/hop/decompress"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/tlsinfo"
	"github.com/hop-cli/hop/trace"
)

// exchange is what happened, collected for the JSON document and HAR written at the end.
type exchange struct {
	req       *request.Request
	sent      []request.Sent
	hops      []trace.Record
	body      capture // the final body, captured when a document or HAR needs it
	bodyBytes int64
}

// run sends one request as o describes and prints the exchange.
func run(ctx context.Context, s *Streams, o *Options) error {
	p := newPrinter(s, o)
	ex := &exchange{}
	err := p.send(ctx, ex)
	if o.HAR != "" && ex.req != nil {
		if herr := p.writeHAR(ex); herr != nil && err == nil {
			err = herr
		}
	}
	if o.Format == "json" {
		p.writeDocument(ex, err)
	}
	return err
}

func (p *printer) send(ctx context.Context, ex *exchange) error {
	s, o := p.s, p.o
	spec, err := o.spec(s)
	if err != nil {
		return err
	}
	req, err := request.Build(spec)
	if err != nil {
		return err
	}
	ex.req = req
	if o.Insecure {
		// Announced every time, even with -q: an unverified connection must never go unnoticed.
		format.Warning(s.Err, p.errStyle, "--insecure: the server's certificate is not verified; anyone on the path can read and change this exchange")
	}
	if o.Offline {
		return p.offline(req)
	}
	httpVersion := ""
	switch {
	case o.HTTP11:
		httpVersion = "1.1"
	case o.HTTP2:
		httpVersion = "2"
	}
	client, err := request.NewClient(request.Options{
		ConnectTimeout: o.ConnectTimeout, IdleTimeout: o.IdleTimeout, MaxTime: o.MaxTime,
		TLS:         o.tlsOptions(),
		HTTPVersion: httpVersion,
		Proxy:       o.Proxy,
		Resolve:     o.Resolve,
		Follow:      o.Follow, MaxRedirects: o.MaxRedirects, LocationTrusted: o.LocationTrusted, AllowDowngrade: o.AllowDowngrade,
	})
	if err != nil {
		return err
	}
	ctx, cancel := client.WithDeadline(ctx)
	defer cancel()

	sent, sendErr := client.Send(ctx, req)
	ex.sent = sent
	if sendErr != nil {
		for _, h := range sent {
			h.Response.Body.Close()
		}
		ex.hops = client.Tracer.Hops()
		p.failure(req, sent, ex.hops, sendErr)
		return sendErr
	}
	final := sent[len(sent)-1].Response
	p.heads(req, sent)
	res, bodyErr := p.body(final, req.Method, &ex.body)
	ex.bodyBytes = res.Bytes
	final.Body.Close()
	ex.hops = client.Tracer.Hops()
	p.after(ex.hops, o.Insecure)
	if bodyErr != nil {
		return bodyErr
	}
	if final.StatusCode >= 400 && !o.NoCheckStatus {
		var err error = &statusError{code: final.StatusCode, status: final.Status}
		if p.respHead || o.Quiet {
			err = &shownError{err: err}
		}
		return err
	}
	return nil
}

// capture keeps the first max bytes written to it and counts the rest.
type capture struct {
	buf       []byte
	max       int
	truncated bool
}

func (c *capture) Write(p []byte) (int, error) {
	keep := p
	if room := c.max - len(c.buf); room < len(p) {
		c.truncated = true
		keep = p[:max(room, 0)]
	}
	c.buf = append(c.buf, keep...)
	return len(p), nil // never a short write: io.MultiWriter would stop the copy to stdout
}

// writeDocument prints the --format json document; it is printed whatever happened, with error set.
func (p *printer) writeDocument(ex *exchange, err error) {
	code, msg := exitCode(err)
	d := &format.Document{ExitCode: code}
	if ex.req != nil {
		d.Request = &format.DocRequest{Method: ex.req.Method, URL: ex.req.URL.String(), Headers: format.HeaderMap(ex.req.Header)}
	}
	d.Hops = format.DocHops(ex.hops, !p.o.Insecure, time.Now())
	if n := len(ex.sent); n > 0 {
		d.Response = format.NewDocResponse(ex.sent[n-1].Response, ex.body.buf, ex.bodyBytes, ex.body.truncated)
	}
	if n := len(d.Hops); n > 0 {
		d.TLS = d.Hops[n-1].TLS
	}
	if err != nil {
		d.Error = &format.DocError{Class: errorClass(code), Message: msg, Phase: errorPhase(err, ex.hops)}
	}
	format.WriteDocument(p.s.Out, d)
}

// writeHAR writes the exchange as HAR 1.2, one entry per hop.
func (p *printer) writeHAR(ex *exchange) error {
	var hops []format.HARHop
	var reqBody []byte
	if ex.req.Body != nil {
		reqBody, _ = ex.req.Body.Bytes()
	}
	for i, rec := range ex.hops {
		h := format.HARHop{Record: rec, RequestType: ex.req.Header.Get("Content-Type"), ResponseLength: -1}
		if i < len(ex.sent) {
			h.RequestHeader = ex.sent[i].Request.Header
			h.Response = ex.sent[i].Response
			if ex.sent[i].Request.Body != nil {
				h.RequestBody = reqBody
			}
			if i == len(ex.sent)-1 {
				h.ResponseBody, h.ResponseLength = ex.body.buf, ex.bodyBytes
			}
		} else {
			h.RequestHeader = ex.req.Header
		}
		hops = append(hops, h)
	}
	f, err := os.Create(p.o.HAR)
	if err != nil {
		return fmt.Errorf("writing HAR file: %w", err)
	}
	if err := format.HAR(f, version(), hops); err != nil {
		f.Close()
		return fmt.Errorf("writing HAR file %s: %w", p.o.HAR, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing HAR file %s: %w", p.o.HAR, err)
	}
	return nil
}

func (o *Options) tlsOptions() request.TLSOptions {
	return request.TLSOptions{Insecure: o.Insecure, CACert: o.CACert, Cert: o.Cert, Key: o.Key,
		MinVersion: o.TLSMin, MaxVersion: o.TLSMax, Pin: o.Pin}
}

// spec turns the options into a request Spec, reading secrets and asking for a missing password.
func (o *Options) spec(s *Streams) (request.Spec, error) {
	spec := request.Spec{
		Method: o.Method, URL: o.URL, Items: o.Items,
		Headers: o.Headers, Data: o.Data, JSONData: o.JSONData, FormParts: o.FormParts,
		Form: o.Form, Multipart: o.Multipart,
		UserAgent: "hop/" + version(),
	}
	if !s.InTTY && !o.IgnoreStdin {
		spec.Stdin, spec.StdinBody = s.In, o.StdinBody
	}
	if o.Auth != "" {
		auth, err := request.ResolveSecret("-a", o.Auth, s.Getenv)
		if err != nil {
			return spec, err
		}
		user, pass, hasPass := strings.Cut(auth, ":")
		if user == "" {
			return spec, &usageError{err: errors.New("-a: no user name before the colon")}
		}
		if !hasPass {
			pass, err = s.ReadPassword(fmt.Sprintf("password for %s: ", user))
			if errors.Is(err, errNoTerminal) {
				return spec, &usageError{err: fmt.Errorf("-a %s: no password given and no terminal to ask on; use -a %s:PASSWORD, -a @FILE or -a @env:VAR", user, user)}
			}
			if err != nil {
				return spec, err
			}
		}
		spec.User, spec.Password = user, pass
	}
	if o.Bearer != "" {
		tok, err := request.ResolveSecret("--bearer", o.Bearer, s.Getenv)
		if err != nil {
			return spec, err
		}
		spec.Bearer = tok
	}
	return spec, nil
}

// printer decides which parts of the exchange are shown where, and shows them.
type printer struct {
	s        *Streams
	o        *Options
	outStyle format.Style
	errStyle format.Style

	reqHead, reqBody, respHead, respBody, summary, waterfall, tls bool
	headOut                                                       io.Writer // where response heads go
	headStyle                                                     format.Style
}

func newPrinter(s *Streams, o *Options) *printer {
	p := &printer{
		s: s, o: o,
		outStyle: format.Style{Color: s.useColor(o.Color, s.OutTTY)},
		errStyle: format.Style{Color: s.useColor(o.Color, s.ErrTTY)},
	}
	switch {
	case o.Format == "json":
		// The document on stdout says everything; stderr keeps only warnings and the error line.
	case o.Print != "":
		has := func(c string) bool { return strings.Contains(o.Print, c) }
		p.reqHead, p.reqBody, p.respHead, p.respBody = has("H"), has("B"), has("h"), has("b")
		p.waterfall, p.tls = has("t"), has("s")
	case o.Quiet:
		p.respBody = true
	case o.Verbose:
		p.reqHead, p.reqBody, p.respHead, p.respBody, p.waterfall, p.tls = true, true, true, true, true, true
	default:
		p.respBody = true
		p.respHead = s.ErrTTY || o.Include
		p.summary = s.ErrTTY
		p.waterfall = o.Trace
	}
	if o.TLS {
		p.tls = true
	}
	if p.waterfall {
		p.summary = false
	}
	p.headOut, p.headStyle = s.Err, p.errStyle
	if o.Include {
		p.headOut, p.headStyle = s.Out, p.outStyle
	}
	return p
}

func requestView(r *http.Request, proto string) format.Request {
	h := r.Header.Clone()
	if r.ContentLength > 0 {
		h.Set("Content-Length", fmt.Sprint(r.ContentLength))
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	return format.Request{Method: r.Method, Target: r.URL.RequestURI(), Proto: proto, Host: host, Header: h}
}

// heads prints, for every hop, the request head (-v) and the response head; without -v only the final
// response head.
func (p *printer) heads(req *request.Request, sent []request.Sent) {
	for i, h := range sent {
		final := i == len(sent)-1
		if p.reqHead {
			format.RequestHead(p.s.Err, p.errStyle, requestView(h.Request, h.Response.Proto))
		}
		if p.reqBody && i == 0 {
			p.requestBody(p.s.Err, p.errStyle, req)
		}
		if p.reqHead || p.reqBody && i == 0 && req.Body != nil {
			fmt.Fprintln(p.s.Err)
		}
		if p.respHead && (final || p.o.Verbose) {
			st := format.Status{Proto: h.Response.Proto, Code: h.Response.StatusCode, Status: h.Response.Status, Header: h.Response.Header, Now: time.Now()}
			if p.o.Include {
				format.RawStatusLine(p.headOut, p.headStyle, st)
			} else {
				format.StatusLine(p.headOut, p.headStyle, st)
			}
			format.Headers(p.headOut, p.headStyle, h.Response.Header)
			fmt.Fprintln(p.headOut)
		}
	}
}

func (p *printer) requestBody(w io.Writer, st format.Style, req *request.Request) {
	if req.Body == nil {
		return
	}
	data, inMemory := req.Body.Bytes()
	if !inMemory {
		format.Note(w, st, "request body: "+req.Body.Desc)
		return
	}
	ct := req.Header.Get("Content-Type")
	if format.IsJSON(ct) && len(data) > 0 {
		w.Write(format.FormatJSON(data, st.Color, true))
		return
	}
	io.WriteString(w, format.Escape(string(data)))
	fmt.Fprintln(w)
}

// body writes the final response body to stdout or the -o file, and into c when the JSON document or HAR
// needs it.
func (p *printer) body(resp *http.Response, method string, c *capture) (format.BodyResult, error) {
	c.max = format.DefaultCap
	document := p.o.Format == "json"
	if (!p.respBody && !document) || method == http.MethodHead {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return format.BodyResult{}, nil
	}
	rc := io.Reader(resp.Body)
	if ce := resp.Header.Get("Content-Encoding"); ce != "" && !p.o.RawEncoding {
		if decompress.Supported(ce) {
			rc = decompress.Reader(resp.Body, ce)
		} else {
			p.note(fmt.Sprintf("the body is %s-encoded, which hop cannot decode; written as received", ce))
		}
	}
	w, terminal := p.s.Out, p.s.OutTTY
	var file *os.File
	if p.o.Output != "" && p.o.Output != "-" {
		f, err := os.Create(p.o.Output)
		if err != nil {
			return format.BodyResult{}, fmt.Errorf("opening output file %s: %w", p.o.Output, err)
		}
		file, w, terminal = f, f, false
	}
	switch {
	case document && file == nil:
		// Only the document wants the body, and it keeps the first 64 MiB: stop reading there, so a
		// decompression bomb costs no more than that.
		w, terminal = c, false
		rc = io.LimitReader(rc, int64(c.max)+1)
	case document || p.o.HAR != "":
		w = io.MultiWriter(w, c)
	}
	opts := format.BodyOptions{ContentType: resp.Header.Get("Content-Type"), Terminal: terminal}
	if file == nil && !document {
		switch p.o.Pretty {
		case "all":
			opts.Format, opts.Color = true, p.o.Color != "never"
		case "format":
			opts.Format = true
		case "colors":
			opts.Color = p.o.Color != "never"
		case "auto":
			opts.Format = terminal
			opts.Color = terminal && p.outStyle.Color
		}
	}
	res, err := format.Body(w, rc, opts)
	if file != nil {
		if cerr := file.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("writing output file %s: %w", p.o.Output, cerr)
		}
	}
	if res.Note != "" {
		p.note(res.Note)
	}
	return res, err
}

func (p *printer) note(msg string) {
	if !p.o.Quiet {
		format.Note(p.s.Err, p.errStyle, msg)
	}
}

// after prints what is known once the body is done: timings and the TLS summary.
func (p *printer) after(hops []trace.Record, insecure bool) {
	if p.waterfall {
		format.Waterfall(p.s.Err, p.errStyle, hops, p.s.Width())
	} else if p.summary {
		format.Summary(p.s.Err, p.errStyle, hops)
	}
	if p.tls && len(hops) > 0 {
		last := hops[len(hops)-1]
		if cs := last.TLS; cs != nil {
			format.TLSSummary(p.s.Err, p.errStyle, tlsinfo.Describe(cs, last.Host, !insecure, time.Now()))
		}
	}
}

// failure shows what is known of an exchange that failed: the request (-v) and the waterfall up to the
// failure, so the user sees where it stalled.
func (p *printer) failure(req *request.Request, sent []request.Sent, hops []trace.Record, err error) {
	if p.reqHead && len(sent) == 0 {
		if hr, err := req.HTTPRequest(); err == nil {
			format.RequestHead(p.s.Err, p.errStyle, requestView(hr, "HTTP/1.1"))
			fmt.Fprintln(p.s.Err)
		}
	}
	p.heads(req, sent)
	if p.waterfall && len(hops) > 0 {
		format.Waterfall(p.s.Err, p.errStyle, hops, p.s.Width())
	}
	// A certificate that failed verification: show the chain the server presented.
	var ce *request.CertificateError
	if p.tls && errors.As(err, &ce) && len(ce.Chain) > 0 {
		fmt.Fprintf(p.s.Err, "%s the chain %s presented:\n", "tls", format.Escape(ce.Host))
		format.ChainLines(p.s.Err, p.errStyle, tlsinfo.DescribeChain(ce.Chain, ce.Host, time.Now()))
	}
}

// offline prints the request to stdout without sending it.
func (p *printer) offline(req *request.Request) error {
	hr, err := req.HTTPRequest()
	if err != nil {
		return err
	}
	format.RequestHead(p.s.Out, p.outStyle, requestView(hr, "HTTP/1.1"))
	fmt.Fprintln(p.s.Out)
	p.requestBody(p.s.Out, p.outStyle, req)
	return nil
}

// statusError is a 4xx or 5xx response when status checking is on.
type statusError struct {
	code   int
	status string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("HTTP %d %s: %s", e.code, format.Reason(e.code, e.status), format.Meaning(e.code, nil, time.Now()))
}
