package cmd

import (
	"bytes"
	"cmp"
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/decompress"
	"github.com/hop-cli/hop/download"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/tlsinfo"
	"github.com/hop-cli/hop/trace"
)

// presenter decides which parts of an exchange are shown where, and shows them.
type presenter struct {
	s        *Streams
	o        *OutputOptions
	outStyle format.Style
	errStyle format.Style

	document                                                      bool // --format json: the document says everything
	needBody                                                      bool // a check reads the body, shown or not
	reqHead, reqBody, respHead, respBody, summary, waterfall, tls bool
	headOut                                                       io.Writer // where response heads go
	headStyle                                                     format.Style
	secrets                                                       format.Secrets // how credentials are shown
	file                                                          *download.File // the download -C resumes, opened before sending
	rangeDone                                                     bool           // -C found the file already complete (416)
	badRequest                                                    *capture       // the first bytes of a 400's body, for the status line's hint
	// mayResume: --retry may resume a download whose body fails (a file, nothing that keeps the body whole
	// besides: the document, the HAR, a body check); it is then asked for as stored.
	mayResume bool

	watched        <-chan struct{}  // closed once interrupts are watched: output waits for it
	warnedWriteOut bool             // unknown -w variables were warned about
	saved          string           // the file the body went to (-o, -O), for -w's filename_effective
	dump           *os.File         // -D's file, opened at the first response head
	dumpErr        error            // -D's file could not be written
	req            *request.Request // the request being sent, for its body
	insecure       bool             // certificates are not verified (-k)
	// roots are the roots trusted, the server's and an https:// proxy's (nil: the system's), for -w's
	// ssl_verify_result and proxy_ssl_verify_result: asked for only then (a bundle may be parsed then).
	roots   func() (server, proxy *x509.CertPool)
	pending *exchange.Hop // the last hop seen, shown once it is known whether it was the final one

	// heads are -i's heads held for -o's file, which takes them before the body as curl writes them;
	// headsInFile says they went there (a partial file then cannot be resumed).
	heads       *bytes.Buffer
	headsInFile bool
}

func newPresenter(s *Streams, o *OutputOptions, head bool) *presenter {
	p := &presenter{s: s, o: o, outStyle: s.OutStyle(), errStyle: s.ErrStyle(), document: o.Format == "json"}
	p.secrets = format.Secrets{Show: o.ShowSecrets}
	p.outStyle.Secrets, p.errStyle.Secrets = p.secrets, p.secrets
	switch {
	case p.document:
		// The document on stdout says everything; stderr keeps only warnings and the error line.
	case o.picked():
		has := func(c string) bool { return strings.Contains(o.Print, c) }
		p.reqHead, p.reqBody, p.respHead, p.respBody = has("H"), has("B"), has("h"), has("b")
		p.waterfall, p.tls = has("t"), has("s")
	case o.Quiet:
		// Nothing: errors and failed checks are printed whatever the parts.
	case o.Verbose:
		// Before -s: in curl's -sv, the usual way to watch an exchange, -s hides the progress meter and -v
		// still shows the exchange.
		p.reqHead, p.reqBody, p.respHead, p.respBody, p.waterfall, p.tls = true, true, true, true, true, true
	case o.Silent:
		// curl's -s silences meta output, not data: -i's head on stdout (and -I's) is data.
		p.respBody, p.respHead = true, o.Include
	default:
		p.respBody = true
		// A --trace-verbose dump (hop curl's -v) shows each head with its "< " lines already.
		p.respHead = s.ErrTTY && o.TraceVerbose == "" || o.Include
		p.summary = s.ErrTTY
	}
	if o.TLS {
		p.tls = true
	}
	if o.Trace && !p.document {
		p.waterfall = true // asked for by name, as --tls is: beside -p's parts, and under -q and -s too
	}
	if head && !p.document && !o.picked() && !o.hushed() {
		p.respHead = true // a HEAD asks for the head: it is shown, on a terminal or not
	}
	if p.waterfall {
		p.summary = false
	}
	p.headOut, p.headStyle = s.Err, p.errStyle
	if o.Include {
		// -i is curl's: the head on stdout is data, as received, Set-Cookie values included.
		p.headOut, p.headStyle = s.Out, p.outStyle
		p.headStyle.Secrets.Show = true
	}
	return p
}

// hop is the exchange's observer. -D's file gets every response head as it comes; what is shown of a hop
// waits for the next one (or the end), which tells whether it was the final hop: as in HTTPie, only the
// final request and response are shown, unless --all, -v or -i show every hop (with -P's parts, when given,
// for those before the final one).
func (p *presenter) hop(h exchange.Hop) {
	<-p.watched
	if p.o.DumpHeader != "" {
		p.dumpHead(h)
	}
	p.showPending(false)
	p.pending = &h
}

// showPending shows the hop waiting to be shown, the final one or one before it.
func (p *presenter) showPending(final bool) {
	h := p.pending
	if h == nil {
		return
	}
	p.pending = nil
	reqHead, reqBody, respHead := p.reqHead, p.reqBody, p.respHead && p.everyHead()
	switch parts := p.o.HistoryPrint; {
	case final:
	case !p.everyHead():
		return
	case parts != "":
		reqHead, reqBody, respHead = strings.Contains(parts, "H"), strings.Contains(parts, "B"), strings.Contains(parts, "h")
	}
	if h.Upgraded && reqHead {
		p.note("http:// became https:// for " + h.Request.URL.Hostname() + ": --hsts's file says it asked for https only")
	}
	if reqHead {
		proto := "HTTP/1.1"
		if h.Response != nil {
			proto = h.Response.Proto
		} else if h.Trace != nil {
			if spoke := h.Record().Proto; spoke != "" {
				proto = spoke // no answer, but the connection said which protocol carried the request
			}
		}
		format.RequestHead(p.s.Err, p.errStyle, format.SentRequest(h.Request, proto))
	}
	body := reqBody && p.req.Body != nil && h.Request.Body != nil && h.Request.Body != http.NoBody // a 303 sent none
	if body {
		if reqHead {
			fmt.Fprintln(p.s.Err) // between the head and the body, as HTTPie and --offline have it
		}
		p.requestBody(p.s.Err, p.errStyle, p.s.ErrTTY)
	}
	if reqHead || body {
		fmt.Fprintln(p.s.Err)
	}
	if respHead && h.Response != nil {
		p.informHeads(*h)
		p.responseHead(*h)
		if alt := h.Response.Header.Get("Alt-Svc"); p.o.Verbose && h.Response.ProtoMajor < 3 && strings.Contains(alt, "h3") {
			// A hint, never a switch: hop speaks HTTP/3 only when asked.
			format.Note(p.s.Err, p.errStyle, "the server offers HTTP/3 (Alt-Svc: "+alt+"); --http3 would use it, --alt-svc FILE remembers it")
		}
	}
}

// wait tells, before a wait for a retry, what went wrong and how long hop waits: meta output, so -q, -s
// and --format json leave it out.
func (p *presenter) wait(w exchange.Wait) {
	<-p.watched
	p.showPending(false) // the hop before a wait is not the final one
	if p.o.hushed() || p.document {
		return
	}
	format.RetryLine(p.s.Err, p.errStyle, format.Retry{Reason: w.Reason, Wait: w.For, RetryAfter: w.RetryAfter, Attempt: w.Attempt, Of: w.Of})
}

// everyHead reports whether every hop's response head is shown as the hop ends (redirects, retried
// answers): with -v, HTTPie's --all, and curl's -i, which prints each head of a chain; otherwise only the
// final one is, once the exchange is over.
func (p *presenter) everyHead() bool { return p.o.Verbose || p.o.All || p.o.Include }

// showResponse shows the final response of an exchange that went through: its head, when only the final
// one is shown, then its body (kept in out as the document, HAR and checks need it), and what follows them.
// It returns the body's failure.
func (p *presenter) showResponse(ex *exchange.Exchange, out *outcome) error {
	p.finalHead(ex)
	res, read, err := p.body(ex, &out.body)
	out.bodyBytes, out.bodyRead = res.Bytes, read
	if t := ex.Trailer(); err == nil && read && t != nil {
		p.trailer(ex.Final().Proto, t)
	}
	ex.Close()
	p.after(ex)
	return err
}

// finalHead shows the final hop: its request, and its response head (here when only the final one is
// shown).
func (p *presenter) finalHead(ex *exchange.Exchange) {
	p.showPending(true)
	if n := len(ex.Hops); p.respHead && !p.everyHead() && n > 0 && ex.Hops[n-1].Response != nil {
		p.responseHead(ex.Hops[n-1])
	}
}

// informHeads shows the informational (1xx) heads a hop got before its response, as responseHead shows that
// one. Only where every head is shown (-v, --all, -i), as curl's -v and -i show them.
func (p *presenter) informHeads(h exchange.Hop) {
	for _, in := range h.Record().Informs {
		p.head(format.Status{Proto: cmp.Or(in.Proto, h.Response.Proto), Code: in.Code, Status: in.Status, Header: in.Header, Now: time.Now(), Order: in.Order, Raw: in.Raw}, in.Header)
	}
}

// responseHead shows a hop's response head: the status line and the headers (in the order received, over
// HTTP/1.x), or with -i the head as it came.
func (p *presenter) responseHead(h exchange.Hop) {
	resp := h.Response
	rec := h.Record()
	p.head(format.Status{Proto: resp.Proto, Code: resp.StatusCode, Status: resp.Status, Header: resp.Header, Now: time.Now(), Order: rec.HeadOrder, Raw: rec.Head},
		trace.ReceivedHeader(resp))
}

// head shows a response head, st, whose fields as received are header.
func (p *presenter) head(st format.Status, header http.Header) {
	if p.o.Include {
		if !p.headStyle.Color && (p.heads != nil || !p.s.OutTTY) {
			// Data, not a display: as received, CRLF line ends and all, as curl writes -i's heads to a pipe
			// or a file (`curl -si URL | sed '1,/^\r$/d'` strips them).
			format.DumpHead(p.headOut, st, header, false)
			return
		}
		format.RawHead(p.headOut, p.headStyle, st, header)
	} else {
		format.StatusLine(p.headOut, p.headStyle, st)
		format.HeadersInOrder(p.headOut, p.headStyle, header, st.Order)
	}
	fmt.Fprintln(p.headOut)
}

// trailer writes the response's trailer fields, t, once its body was read to the end, where curl writes
// them: in -D's output after the head, and in -i's after the body (when that went to stdout); and where
// the response head was shown on stderr (-p hb, -v), there after the body, as curl -v shows them.
func (p *presenter) trailer(proto string, t http.Header) {
	if p.respHead && !p.o.Include {
		format.Trailer(p.headOut, &p.headStyle, proto, t, true)
	}
	switch {
	case p.o.DumpHeader == "-" && p.dumpErr == nil:
		format.Trailer(p.s.Out, nil, proto, t, p.s.OutTTY)
	case p.dump != nil && p.dumpErr == nil:
		if err := format.Trailer(p.dump, nil, proto, t, false); err != nil {
			p.dumpErr = err
		}
	}
	if !p.o.Include || p.heads != nil || p.headsInFile || p.saved != "" || p.headOut != p.s.Out {
		return
	}
	if !p.headStyle.Color && !p.s.OutTTY {
		format.Trailer(p.s.Out, nil, proto, t, false) // data, as -i's heads
		return
	}
	format.Trailer(p.s.Out, &p.headStyle, proto, t, true)
}

// dumpHead writes a hop's response heads to -D's file (opened, mode 0600 as it may hold cookies, at the first
// head, as curl opens it), or to stdout for -D -, escaped there only when stdout is a terminal.
func (p *presenter) dumpHead(h exchange.Hop) {
	heads := dumpedHeads(h)
	if p.dumpErr != nil || len(heads) == 0 {
		return
	}
	w, escape := io.Writer(p.s.Out), p.s.OutTTY
	if p.o.DumpHeader != "-" {
		if p.dump == nil {
			if p.dump, p.dumpErr = os.OpenFile(p.o.DumpHeader, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); p.dumpErr != nil {
				return
			}
		}
		w, escape = p.dump, false
	}
	for _, d := range heads {
		if err := format.DumpHead(w, d.st, d.header, escape); err != nil && p.dump != nil {
			p.dumpErr = err
			return
		}
	}
}

// dumped is a response head as -D writes it.
type dumped struct {
	st     format.Status
	header http.Header
}

// dumpedHeads are a hop's response heads as -D writes them. The 1xx heads come first, as curl writes them
// as they come, a failed hop's too: over HTTP/1.x with their protocol, reason and order as received; over
// HTTP/2 and HTTP/3 only with a final head to name the protocol.
func dumpedHeads(h exchange.Hop) []dumped {
	var heads []dumped
	resp := h.Response
	for _, in := range h.Record().Informs {
		st := format.Status{Proto: in.Proto, Code: in.Code, Status: in.Status, Order: in.Order, Raw: in.Raw}
		if resp != nil {
			st.Proto = cmp.Or(st.Proto, resp.Proto)
		}
		if st.Proto != "" {
			heads = append(heads, dumped{st, in.Header})
		}
	}
	if resp != nil {
		rec := h.Record()
		heads = append(heads, dumped{format.Status{Proto: resp.Proto, Code: resp.StatusCode, Status: resp.Status, Order: rec.HeadOrder, Raw: rec.Head}, trace.ReceivedHeader(resp)})
	}
	return heads
}

// closeDump closes -D's file and says whether it could be written.
func (p *presenter) closeDump() error {
	if p.dump != nil {
		p.dumpErr = cmp.Or(p.dumpErr, p.dump.Close())
	}
	if p.dumpErr != nil {
		return fmt.Errorf("writing -D file %s: %w", p.o.DumpHeader, argfile.Reason(p.dumpErr))
	}
	return nil
}

// pretty is what --pretty asks of a body: whether to format it and whether to colour it, given what "auto"
// means where it is shown. all and colors colour unless --color=never, even into a pipe.
func (p *presenter) pretty(autoFormat, autoColor bool) (formatIt, colorIt bool) {
	switch p.o.Pretty {
	case "all":
		formatIt, colorIt = true, p.s.Color != "never"
	case "format":
		formatIt = true
	case "colors":
		colorIt = p.s.Color != "never"
	case "auto":
		formatIt, colorIt = autoFormat, autoColor
	}
	return formatIt && !p.o.KeepJSONLayout, colorIt // json.format:false: JSON is all hop lays out
}

// requestBody shows the request body on w as a body, not as metadata: JSON pretty-printed, text as it is
// (escaped on a terminal, line by line), binary never on a terminal. An explicit --pretty applies to it
// as to the response's body (--pretty=none shows the bytes as sent); by default JSON is formatted.
func (p *presenter) requestBody(w io.Writer, st format.Style, terminal bool) {
	body := p.req.Body
	if body == nil {
		return
	}
	data, inMemory := body.Bytes()
	if !inMemory {
		if data = p.streamedBody(body); data == nil {
			format.Note(w, st, "request body: "+body.String())
			return
		}
	}
	opts := format.BodyOptions{ContentType: p.req.Header.Get("Content-Type"), Terminal: terminal, SortKeys: p.o.Sorted, Indent: p.o.Indent}
	opts.Format, opts.Color = p.pretty(true, st.Color)
	tw := &format.TailWriter{W: w}
	res, _ := format.Body(tw, bytes.NewReader(data), opts)
	if res.Note != "" {
		if tw.LineOpen() {
			fmt.Fprintln(w) // the note is a line of its own, after a body shown without a final newline
		}
		format.Note(w, st, "request body: "+res.Note)
	}
}

// maxShownRequestBody bounds a streamed request body (a file, standard input, a form with files) that -v,
// -p B and --offline show as a body, as HTTPie shows it; a larger one is named in a note instead.
const maxShownRequestBody = 1 << 20

// streamedBody is a streamed request body's bytes, to be shown: what its last send read (kept for that), or
// for --offline, which sends nothing, read now. nil when it is over maxShownRequestBody or was not read
// whole.
func (p *presenter) streamedBody(b *request.Body) []byte {
	data := b.Kept()
	if p.o.Offline {
		rc, err := b.Open()
		if err != nil {
			return nil
		}
		defer rc.Close()
		if data, err = io.ReadAll(io.LimitReader(rc, maxShownRequestBody+1)); err != nil {
			return nil
		}
	}
	if len(data) > maxShownRequestBody {
		return nil
	}
	return data
}

// body writes the final response body to stdout or the -o file, and into c when the JSON document, the HAR
// or a check needs it. read says whether the body was read to be shown or kept.
func (p *presenter) body(ex *exchange.Exchange, c *capture) (res format.BodyResult, read bool, err error) {
	resp := ex.Final()
	c.max = format.DefaultCap
	var head io.Writer = io.Discard
	if resp.StatusCode == http.StatusBadRequest {
		// Its first bytes may be a server's words for a plain request on its TLS port (the status line's hint).
		p.badRequest = &capture{max: 512}
		head = p.badRequest
	}
	if p.o.FailNoBody && resp.StatusCode >= 400 {
		// curl's -f: no output on a server error. The body is left unread (curl closes the connection), so
		// -o makes no file and -w's size_download is 0, as in curl; the status fails the command as ever.
		return format.BodyResult{}, false, nil
	}
	// A HEAD has no body; with -o its file is still made, empty, below.
	if resp.Request.Method == http.MethodHead && !p.o.downloading() {
		io.Copy(head, io.LimitReader(resp.Body, 1<<20))
		return format.BodyResult{}, false, nil
	}
	// A body nothing shows or keeps (-q, -p without b) is read to its end all the same, as HTTPie's --quiet
	// and curl -o /dev/null read it: a body that breaks is a failure, and -w counts every byte. Only parts
	// picked without it (-p h, HTTPie's --headers) leave it unread, as HTTPie does, so that a slow or endless
	// body does not hold the head back; -w and the waterfall (-p t) measure it, and read it.
	hidden := !p.respBody && !p.document && !p.needBody && p.o.HAR == "" && !p.o.downloading()
	if hidden && p.o.picked() && !p.waterfall && p.o.WriteOut == "" {
		if p.badRequest != nil {
			io.Copy(head, io.LimitReader(resp.Body, int64(p.badRequest.max)))
		}
		return format.BodyResult{}, false, nil
	}
	if err := ex.TooLarge(); err != nil {
		return format.BodyResult{}, false, err // before -o's file is made: curl does not start such a transfer
	}
	w, terminal := io.Writer(&exchangeWriter{w: p.s.Out, ex: ex}), p.s.OutTTY
	var file *download.File
	var progress *progressWriter
	if p.o.downloading() {
		f, done, err := p.openDownload(ex)
		if err != nil || done {
			return format.BodyResult{}, false, err
		}
		// f is nil for an error answer to a resumed download: the partial file stays as it was and the body
		// is shown instead.
		if f != nil && p.heads != nil {
			if _, err := f.Write(p.heads.Bytes()); err != nil {
				f.Discard()
				return format.BodyResult{}, false, err
			}
			p.heads, p.headsInFile = nil, true
		}
		if f != nil {
			file, w, terminal = f, f, false
			switch {
			case p.o.received != nil:
				w = &progressWriter{w: f, n: p.o.received} // hop curl -Z's one line shows it
			case p.s.ErrTTY && !p.o.hushed() && !p.document:
				progress = &progressWriter{w: f, n: new(atomic.Int64)}
				w = progress
			}
		}
	}
	raw := p.o.RawEncoding
	if ce := decompress.Of(resp.Header); file != nil && !raw && download.KeepsEncoding(file.Path(), resp.Header.Get("Content-Type"), ce) {
		raw = true
		p.note(fmt.Sprintf("%s kept %s-compressed, as sent: the server gave the file's own compression as its Content-Encoding", file.Path(), ce))
	}
	rc, undecodable := ex.Body(raw)
	if undecodable != "" {
		p.note(fmt.Sprintf("the body is %s-encoded, which hop cannot decode; written as received", undecodable))
	}
	switch {
	case hidden:
		w, terminal = io.Discard, false
	case file == nil && (p.document || !p.respBody):
		// Only the document, the HAR or a check wants the body, and they keep the first 64 MiB: stop reading there,
		// so a decompression bomb costs no more than that.
		w, terminal = c, false
		rc = io.LimitReader(rc, int64(c.max)+1)
	case p.document || p.o.HAR != "" || p.needBody:
		w = io.MultiWriter(w, c)
	}
	if p.badRequest != nil {
		rc = io.TeeReader(rc, p.badRequest) // the bytes as decoded, before any formatting
	}
	opts := format.BodyOptions{ContentType: p.o.responseType(resp.Header.Get("Content-Type")), Terminal: terminal, SortKeys: p.o.Sorted, Indent: p.o.Indent}
	if file == nil && !p.document && p.respBody {
		opts.Format, opts.Color = p.pretty(terminal, terminal && p.outStyle.Color)
	}
	var stopProgress, progressDone chan struct{}
	if progress != nil {
		total := resp.ContentLength
		if total >= 0 {
			total += file.Offset()
		}
		stopProgress, progressDone = make(chan struct{}), make(chan struct{})
		go p.showProgress(progress, file.Offset(), total, stopProgress, progressDone)
	}
	if !opts.Format && !opts.Color {
		// A body streamed as it is keeps only buffers alive, so the collector can run twice as often for
		// almost nothing: the peak memory of a gigabyte download stays under 16 MiB (docs/BENCHMARKS.md).
		debug.SetGCPercent(50)
	}
	res, err = format.Body(w, rc, opts)
	if progress != nil {
		close(stopProgress)
		<-progressDone
	}
	if file != nil {
		p.saved = file.Path()
		if err == nil {
			err = shortRange(file, resp, res.Bytes)
		}
		if exchange.ClassOf(err) == exchange.TooLarge {
			file.Discard() // the rest would only make it larger: nothing to resume
		} else if err != nil && p.headsInFile {
			file.Discard() // -i's heads stand before the body: what arrived could not be resumed
		} else if err != nil {
			if kept := file.Abort(validatorOf(resp.Header)); kept != "" {
				p.note(fmt.Sprintf("the bytes received are kept in %s; -C resumes the download", kept))
			}
		} else if err = p.commit(file, resp); err == nil && file.Taken != "" {
			p.saved = file.Path()
			why := "appeared while the body arrived"
			if p.o.NoClobber {
				why = "is there (--no-clobber)"
			}
			p.note(fmt.Sprintf("saved %s (%s): %s %s, and stays as it is", file.Path(), format.Size(file.Offset()+res.Bytes), file.Taken, why))
		} else if err == nil && p.o.Download {
			p.note(fmt.Sprintf("saved %s (%s)", file.Path(), format.Size(file.Offset()+res.Bytes)))
		}
	}
	if res.Note != "" {
		p.note(res.Note)
	}
	return res, true, err
}

// headsToFile sends -i's heads to -o's file, before the body, as curl writes them; not when the download may
// resume (-C, --retry), which would put them in the middle of the body.
func (p *presenter) headsToFile() {
	if p.o.Include && p.o.downloading() && !p.mayResume && !p.o.Continue {
		p.heads = &bytes.Buffer{}
		p.headOut, p.headStyle = p.heads, format.Style{Secrets: format.Secrets{Show: true}}
	}
}

// flushHeads writes the heads held for a file that was never made (a 304, a failure): on stdout, or into
// the device -o names (-o /dev/null), where curl writes them before it fails, so that stdout keeps only what
// was asked of it (`curl -sIL -o /dev/null -w '%{http_code}'`).
func (p *presenter) flushHeads() {
	if p.heads == nil {
		return
	}
	heads := p.heads.Bytes()
	p.heads = nil
	if name := p.o.named(); name != "" {
		path := p.o.outputPath(name)
		if fi, err := os.Stat(path); err == nil && fi.Mode()&os.ModeCharDevice != 0 && !argfile.Descriptor(path) {
			if f, err := download.Create(path, download.Replace); err == nil { // a device: written where it is
				f.Write(heads)
				f.Commit()
				return
			}
		}
	}
	p.s.Out.Write(heads)
}

// exchangeWriter stops writing the body once the exchange's time is up or it was interrupted: formatting
// happens after the last byte arrived, and -m and Ctrl-C must still end hop (exit 28, 130) at once.
type exchangeWriter struct {
	w  io.Writer
	ex *exchange.Exchange
}

func (e *exchangeWriter) Write(p []byte) (int, error) {
	if err := e.ex.Err(); err != nil {
		return 0, err
	}
	const chunk = 256 << 10 // a large formatted body is written in pieces, each after a check
	written := 0
	for len(p) > chunk {
		n, err := e.w.Write(p[:chunk])
		written += n
		if err != nil {
			return written, err
		}
		if err := e.ex.Err(); err != nil {
			return written, err
		}
		p = p[chunk:]
	}
	n, err := e.w.Write(p)
	return written + n, err
}

func (p *presenter) note(msg string) {
	if !p.o.hushed() {
		format.Note(p.s.Err, p.errStyle, msg)
	}
}

// after shows what is known once the body is done: timings and the TLS summary.
func (p *presenter) after(ex *exchange.Exchange) {
	hops := formatHops(ex)
	if p.waterfall {
		format.Waterfall(p.s.Err, p.errStyle, hops, p.s.Width())
	} else if p.summary {
		format.Summary(p.s.Err, p.errStyle, hops)
	}
	if p.tls && len(hops) > 0 {
		last := hops[len(hops)-1].Record
		if last.TLS != nil {
			format.TLSSummary(p.s.Err, p.errStyle, format.DescribeTLS(last, !p.insecure, time.Now()))
		}
	}
}

// failure shows what is known of an exchange that failed: the final response head, the waterfall up to the
// failure (so the user sees where it stalled), and the chain of a certificate that failed verification.
func (p *presenter) failure(ex *exchange.Exchange, err error) {
	p.finalHead(ex)
	if hops := formatHops(ex); p.waterfall && len(hops) > 0 {
		format.Waterfall(p.s.Err, p.errStyle, hops, p.s.Width())
	}
	if ce, ok := certFailure(err); ok && p.tls {
		fmt.Fprintf(p.s.Err, "%s the chain %s presented:\n", "tls", format.Escape(ce.Host))
		format.ChainLines(p.s.Err, p.errStyle, tlsinfo.DescribeChain(ce.Chain, ce.Host, time.Now()))
	}
}

// offline prints the request to stdout without sending it; with --format json, the document does.
func (p *presenter) offline(req *request.Request) error {
	if p.document {
		return nil
	}
	hr, err := req.HTTPRequest(context.Background())
	if err != nil {
		return err
	}
	// As in HTTPie: the request head and body, or the request parts -p names; -q prints nothing (the
	// request is still built, so that a script can check that it can be).
	head, body := !p.o.Quiet, !p.o.Quiet
	if p.o.picked() {
		head, body = p.reqHead, p.reqBody
	}
	if head {
		format.RequestHead(p.s.Out, p.outStyle, format.SentRequest(hr, "HTTP/1.1"))
		fmt.Fprintln(p.s.Out)
	}
	if body {
		p.requestBody(p.s.Out, p.outStyle, p.s.OutTTY)
	}
	return nil
}
