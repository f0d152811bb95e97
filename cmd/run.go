package cmd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"net/http"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/auth"
	"github.com/hop-cli/hop/check"
	"github.com/hop-cli/hop/curlcmd"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/session"
	"github.com/hop-cli/hop/trace"
	"github.com/hop-cli/hop/transport"
)

// outcome is what a request command ends with, for the JSON document, the HAR and -w.
type outcome struct {
	req       *request.Request   // nil when the command line could not be built into a request
	ex        *exchange.Exchange // nil when nothing was sent
	body      capture            // the final body, captured when a document, the HAR or a check needs it
	bodyBytes int64              // decoded body bytes read
	bodyRead  bool               // the body was read to be shown or kept
	checks    []check.Result
}

// runRequest builds the request, runs the exchange (or --repeat's runs), and presents it.
func runRequest(ctx context.Context, s *Streams, o *RequestOptions) (err error) {
	p := newPresenter(s, &o.Output, strings.EqualFold(o.Spec.Method, http.MethodHead))
	p.needBody = o.checks.NeedsBody()
	req, err := buildRequest(ctx, s, o)
	if err != nil {
		if p.document {
			p.writeDocument(&outcome{}, err)
		}
		return err
	}
	if o.jar == nil && !o.noJar { // hop curl's several URLs share one
		var into *session.Jar
		if o.session != nil {
			into = o.session.Jar
		}
		o.jar, err = o.Cookies.jar(into, req.URL)
	}
	if err == nil {
		err = o.loadHSTS()
	}
	if err != nil {
		if p.document {
			p.writeDocument(&outcome{req: req}, err)
		}
		return err
	}
	if o.Output.Curl {
		return printCurl(s, p, o, req)
	}
	if o.Output.dump == nil && !o.Output.Offline { // hop curl's several URLs share one
		if o.Output.dump, err = openCurlTrace(s, &o.Output); err != nil {
			if p.document {
				p.writeDocument(&outcome{req: req}, err)
			}
			return err
		}
		defer func() { err = cmp.Or(err, o.Output.dump.close()) }()
	}
	if o.Output.dump != nil {
		ctx = trace.WithDump(ctx, o.Output.dump)
	}
	p.req, p.insecure = req, o.Transport.TLS.Insecure
	if req.Body != nil {
		// A streamed body too goes into the HAR, so that hop replay can send it, and is shown by -v.
		keep := 0
		if o.Output.HAR != "" {
			keep = maxHARBody
		}
		if p.reqBody {
			keep = max(keep, maxShownRequestBody)
		}
		if keep > 0 {
			req.Body.Keep(keep)
		}
	}
	if o.Transport.TLS.Insecure && o.Transport.TLS.Unverified == nil { // hop curl's parts share one
		o.Transport.TLS.Unverified = unverifiedWarning(s.Err, p.errStyle)
	}
	if o.dohInsecure() && !o.dohInsecureSaid {
		sayDoHInsecure(s.Err, p.errStyle)
	}
	if o.Repeat.N > 0 && !o.Output.Offline {
		return keepState(s, o, runRepeat(ctx, s, o, p, req))
	}
	if there, err := o.Output.existing(req); err != nil || there != "" {
		if there != "" && !p.document {
			p.note(there + " is there already: nothing sent (--skip-existing)")
		}
		if p.document {
			p.writeDocument(&outcome{req: req}, err)
		}
		return err
	}
	out := outcome{req: req}
	err = keepState(s, o, exchangeAndShow(ctx, s, o, p, &out))
	err = cmp.Or(err, p.closeDump())
	if o.Output.HAR != "" && out.ex != nil {
		if herr := p.writeHAR(&out); herr != nil && err == nil {
			err = herr
		}
	}
	if p.document {
		p.writeDocument(&out, err)
	}
	if o.Output.WriteOut != "" {
		p.writeOut(o.Output.WriteOut, &out, err)
	}
	return err
}

// printCurl prints, for --curl, the curl command that sends req as hop would; nothing is sent.
func printCurl(s *Streams, p *presenter, o *RequestOptions, req *request.Request) error {
	co := curlcmd.Options{Transport: o.Transport, Exchange: o.Exchange, CookieJar: o.Cookies.Write, HSTS: o.HSTS, Output: o.Output.File,
		Download: o.Output.Download, URLName: o.Output.URLName, OutputDir: o.Output.OutputDir, CreateDirs: o.Output.CreateDirs, SkipExisting: o.Output.SkipExisting, NoClobber: o.Output.NoClobber, Xattr: o.Output.Xattr, Continue: o.Output.Continue,
		RemoteTime: o.Output.RemoteTime, ShowSecrets: o.Output.ShowSecrets, Long: o.Output.CurlLong}
	if o.digest != nil {
		co.DigestUser, co.DigestPassword, co.AnyAuth = o.digest.User, o.digest.Password, o.digest.AnyScheme
	}
	if o.sigv4 != nil {
		co.SigV4, co.SigV4User, co.SigV4Password = o.Auth.SigV4, o.sigv4.AccessKey, o.sigv4.SecretKey
	}
	if files := o.Cookies.files(); len(files) > 0 {
		co.CookieFiles, co.JunkSession = files, o.Cookies.JunkSession
	} else if cookies := o.jar.Cookies(req.URL); len(cookies) > 0 {
		var parts []string
		for _, c := range cookies {
			parts = append(parts, c.Name+"="+c.Value)
		}
		co.Cookie = strings.Join(parts, "; ") // a session's cookies
	}
	if !req.Typed("Accept-Encoding") && (o.Output.Download || o.Output.Continue) {
		req.Header.Set("Accept-Encoding", "identity") // what prepareDownload sends: the body as stored
	}
	if b := req.Body; b != nil && b.Deflated {
		if _, inMemory := b.Bytes(); !inMemory {
			return usageErrorf("--curl: hop deflates this body as it reads it (--compress on a file, standard input or an upload), and curl compresses no request body: without --compress, --curl writes the command")
		}
	}
	line := curlcmd.Command(req, co)
	fmt.Fprintln(s.Out, line)
	if !o.Output.ShowSecrets && strings.Contains(line, curlcmd.Placeholder) {
		p.note("secrets are written " + curlcmd.Placeholder + "; --show-secrets writes them as they are")
	}
	return nil
}

// keepState writes the cookie jar to -c's file and updates the session after the exchange, failed or not,
// as curl does with its jar; err, the exchange's failure, wins over a failure to write.
func keepState(s *Streams, o *RequestOptions, err error) error {
	if o.Output.Offline {
		return err
	}
	var werr error
	if o.Cookies.Write != "" && o.jar != nil {
		werr = o.Cookies.save(o.jar, s.Out)
	}
	if o.session != nil && (!o.Session.ReadOnly || o.session.New) { // a new one is made, as HTTPie makes it
		werr = cmp.Or(werr, o.session.Save())
	}
	if o.transport != nil {
		werr = cmp.Or(werr, o.transport.SaveAltSvc(), o.transport.SaveSessions())
	}
	if o.hsts != nil {
		if err := o.hsts.Save(o.HSTS); err != nil {
			werr = cmp.Or(werr, fmt.Errorf("--hsts: %w", err))
		}
	}
	return cmp.Or(err, werr)
}

// loadHSTS reads --hsts's cache, when given and not read already (hop curl's URLs share one).
func (o *RequestOptions) loadHSTS() error {
	if o.HSTS == "" || o.hsts != nil {
		return nil
	}
	h, err := session.LoadHSTS(o.HSTS)
	if err != nil {
		return usageErrorf("--hsts %s: %w", o.HSTS, err)
	}
	o.hsts = h
	return nil
}

// newClient builds the exchange client the options describe, and its transport unless o has one already
// (hop curl's URLs share one, and with it their connections).
func newClient(o *RequestOptions) (*exchange.Client, *transport.Transport, error) {
	tr := o.transport
	if tr == nil {
		var err error
		if tr, err = transport.New(o.Transport); err != nil {
			return nil, nil, &usageError{err: err}
		}
		o.transport = tr
	}
	c := &exchange.Client{Transport: tr, Options: o.Exchange, RootsFrom: o.Transport.TLS.RootsFrom(),
		Limits: exchange.Limits{Connect: o.Transport.ConnectTimeout, Idle: o.Transport.IdleTimeout}}
	if a := o.Transport.ProxyAuth; a != "" && a != transport.ProxyBasic {
		// A proxy that forwards the request challenges in a 407, answered as the exchange's; a CONNECT's
		// is the transport's own.
		c.Options.ProxyChallenge, c.Options.Context = tr.AnswerProxy, transport.WithProxyLogin
		if o.curlAuth && a == transport.ProxyDigest {
			c.Options.ProxyProbe = tr.ProxyUnanswered // curl's --proxy-digest sends the body only with the answer
		}
	}
	if o.jar != nil {
		c.Jar = o.jar // never a typed nil in the interface
	}
	if o.hsts != nil {
		c.HSTS = o.hsts
	}
	return c, tr, nil
}

func exchangeAndShow(ctx context.Context, s *Streams, o *RequestOptions, p *presenter, out *outcome) error {
	if o.Output.Offline {
		// Nothing is sent, but the options that would send it are read as a run reads them: --offline
		// must not pass a command (--tls-min 1.4, --resolve a) that fails the moment it goes online.
		if o.transport == nil {
			tr, err := transport.New(o.Transport)
			if err != nil {
				return &usageError{err: err}
			}
			tr.CloseIdleConnections()
		}
		return p.offline(out.req)
	}
	client, tr, err := newClient(o)
	if err != nil {
		return err
	}
	client.Options.Start = o.began // -m counts the wait for standard input
	// -w's ssl_verify_result judges a chain with the roots the handshakes verify with.
	p.roots = tr.Roots
	if w := o.Cookies.Write; w != "" && w != "-" {
		if err := checkFile("-c "+w, w); err != nil {
			return err
		}
	}
	for flag, f := range map[string]string{"--alt-svc": o.Transport.AltSvc, "--hsts": o.HSTS, "--ssl-sessions": o.Transport.TLS.Sessions} {
		if f != "" {
			if err := checkFile(flag+" "+f, f); err != nil {
				return err
			}
		}
	}
	p.mayResume = o.Exchange.Retry.N > 0 && p.o.downloading() && !p.document && p.o.HAR == "" && !p.needBody
	p.headsToFile()
	defer p.flushHeads()
	if err := p.prepareDownload(out.req); err != nil {
		return err
	}
	// Interrupts are watched from here on, registered beside the exchange; output waits for the registration.
	p.watched = s.watchInterrupts()
	ex, err := client.Do(ctx, out.req, exchange.Observer{Hop: p.hop, Wait: p.wait})
	<-p.watched
	out.ex = ex
	defer ex.Close()
	if ex.NotRetried != "" {
		p.note(ex.NotRetried)
	}
	if err != nil {
		p.failure(ex, err)
		return err
	}
	if resp := ex.Final(); p.o.headOnly && resp.Body != http.NoBody {
		// curl's -I -X GET: the head of a GET, its body never read (curl closes the connection), so that
		// -o's file, -w's size_download and the rest see none, as after a HEAD.
		resp.Body.Close()
		resp.Body = http.NoBody
	}
	err = p.showResponse(ex, out)
	if err != nil && p.mayResume {
		err = p.resumeDownload(ctx, client, out, err)
		ex = out.ex
	}
	if err != nil {
		return err
	}
	out.checks = o.checks.Evaluate(checkInput(ex, out))
	out.checks = append(out.checks, o.checks.EvaluatePercentiles(func(phase string, _ float64) (time.Duration, bool) {
		rec := ex.Hops[len(ex.Hops)-1].Record()
		d, ok := rec.Timings().Durations(rec)[phase]
		return d, ok
	})...)
	if err := p.judge(o, out.checks, ex.Final()); err != nil {
		return err
	}
	return p.saveETag(ex.Final())
}

// judge turns the checks and the status of a completed exchange into its error: failed checks (each shown
// in one line, even with -q) make exit 10; otherwise a 4xx or 5xx is an error unless --expect-status
// replaced that rule or --no-check-status turned it off. The status error is an error like any other: -q and
// -s print it too.
func (p *presenter) judge(o *RequestOptions, results []check.Result, final *http.Response) error {
	if failed := check.Failed(results); len(failed) > 0 {
		for _, r := range failed {
			format.CheckFailed(p.s.Err, p.errStyle, r.Line())
		}
		return &shownError{err: &check.Failure{Msg: fmt.Sprintf("%d check(s) failed", len(failed))}}
	}
	if o.Output.NoCheckStatus || o.checks.ReplacesStatusRule() || p.rangeDone {
		return nil // (a 416 to -C when the file was already complete is success)
	}
	hint := p.tlsPortHint(final)
	explain := func() string { return statusMessage(final.StatusCode, final.Status, hint) }
	if err := check.Status(final.StatusCode, explain); err != nil {
		if p.respHead {
			err = &shownError{err: err} // the status line is already on screen; the hint is not
			if hint != "" {
				p.note(hint)
			}
		}
		return err
	}
	return nil
}

// tlsPortHint is the hint for a 400 whose body is a server's words for a plain request on its TLS port.
func (p *presenter) tlsPortHint(final *http.Response) string {
	if p.badRequest == nil {
		return ""
	}
	return exchange.TLSPortHint(final, p.badRequest.buf)
}

// checkInput is what the checks see of a completed exchange.
func checkInput(ex *exchange.Exchange, out *outcome) check.Input {
	final := ex.Final()
	rec := ex.Hops[len(ex.Hops)-1].Record()
	in := check.Input{Status: final.StatusCode, Header: final.Header, Body: out.body.buf, BodyCut: out.body.truncated,
		Record: rec, Timings: rec.Timings(), Now: time.Now(), NoBody: !out.bodyRead}
	if rec.TLS != nil {
		in.Chain = rec.TLS.PeerCertificates
	}
	return in
}

// withHeaders is h with the headers of more it does not name (nil h: more itself).
func withHeaders(h, more http.Header) http.Header {
	if h == nil {
		return more
	}
	h = h.Clone()
	for name, values := range more {
		if _, named := h[name]; !named {
			h[name] = values
		}
	}
	return h
}

// resolveKeySecret reads the passphrase of a client certificate's key (the server's, or with --proxy-pass
// an https:// proxy's): as typed, from a file or the environment, after the certificate's FILE:, or asked
// for on the terminal when the key is encrypted.
func resolveKeySecret(ctx context.Context, s *Streams, o *transport.TLSOptions, flag string) error {
	if c := o.Cert; strings.Contains(c, ":") {
		if _, err := os.Stat(c); err != nil { // not a file's name: curl's --cert FILE:PASSWORD
			if file, pass, ok := transport.SplitCertPassword(c); ok {
				o.Cert, o.KeyPassword = file, pass // --pass, when given, wins below
			}
		}
	}
	if o.Pass != "" {
		pass, err := auth.ResolveSecret(flag, o.Pass, s.Getenv)
		if err != nil {
			return err
		}
		o.KeyPassword = pass
	} else if file, encrypted := transport.KeyEncrypted(*o); encrypted && o.KeyPassword == "" {
		// As curl (OpenSSL) asks; with no terminal, building the transport says to give --pass.
		pass, err := s.ReadPassword(ctx, "passphrase for "+file+": ")
		if err != nil && !errors.Is(err, auth.ErrNoTerminal) {
			return err
		}
		o.KeyPassword = pass
	}
	return nil
}

// resolveTransport reads what the transport takes from outside the command line: the *_PROXY variables
// (from the command's environment, as every variable hop reads), the CA bundle the environment names (caBundleFromEnv), the file SSLKEYLOGFILE names (keyLogFromEnv), the passphrases of
// the server's and the proxy's client keys (resolveKeySecret), and -U's, asking for a missing password as
// -a's: the transport then has "user:password".
func resolveTransport(ctx context.Context, s *Streams, t *transport.Options) error {
	t.Getenv = s.Getenv
	caBundleFromEnv(s.Getenv, t)
	keyLogFromEnv(s, t)
	if err := resolveKeySecret(ctx, s, &t.TLS, "--pass"); err != nil {
		return err
	}
	if err := resolveKeySecret(ctx, s, &t.ProxyTLS, "--proxy-pass"); err != nil {
		return err
	}
	if t.ProxyUser == "" {
		return nil
	}
	v, err := auth.ProxyUser(t.ProxyUser, auth.Env{Getenv: s.Getenv, Prompt: func(p string) (string, error) { return s.ReadPassword(ctx, p) }})
	t.ProxyUser = v
	return err
}

// caBundleEnv are the variables that name a CA bundle to trust instead of the system's, as curl reads its
// own (Go reads SSL_CERT_FILE and SSL_CERT_DIR, which curl reads next, for the system's) and HTTPie (Python's
// requests) reads both.
var caBundleEnv = []string{"CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE"}

// caBundleFromEnv trusts the CA bundle caBundleEnv's first variable set names, when neither --cacert nor
// --capath is typed, and, as curl, not under -k unless a DNS-over-HTTPS server is verified with it.
func caBundleFromEnv(getenv func(string) string, t *transport.Options) {
	if t.TLS.CACert != "" || t.TLS.CAPath != "" || t.TLS.Insecure && (t.DoHURL == "" || t.DoHInsecure) {
		return
	}
	for _, name := range caBundleEnv {
		if v := getenv(name); v != "" {
			t.TLS.CACert, t.TLS.CAEnv = v, name
			return
		}
	}
}

// keyLogFromEnv sends every connection's TLS secrets (the server's, a proxy's, a DNS-over-HTTPS server's)
// to the file SSLKEYLOGFILE names, as curl does, for Wireshark; a file that cannot be written is warned
// about once.
func keyLogFromEnv(s *Streams, t *transport.Options) {
	path := s.Getenv("SSLKEYLOGFILE")
	if path == "" || t.TLS.KeyLog != nil {
		return
	}
	style := s.ErrStyle()
	k := &transport.KeyLogFile{Path: path, Failed: func(err error) {
		format.Warning(s.Err, style, fmt.Sprintf("SSLKEYLOGFILE=%s: the TLS secrets cannot be written there: %v", path, argfile.Reason(err)))
	}}
	t.TLS.KeyLog, t.ProxyTLS.KeyLog = k, k
}

// unverifiedWarning is TLSOptions.Unverified for -k: it warns, once however many handshakes call it, that
// the server's certificate is not verified. Every time, even with -q, since an unverified connection must
// never go unnoticed; at the first handshake -k leaves unverified, so that a plain http:// exchange, where
// nothing is verified, is not warned about.
func unverifiedWarning(w io.Writer, style format.Style) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			format.Warning(w, style, "--insecure: the server's certificate is not verified; anyone on the path can read and change this exchange")
		})
	}
}

// sayDoHInsecure warns, at once, that --doh-insecure leaves the DNS-over-HTTPS server unverified.
func sayDoHInsecure(w io.Writer, style format.Style) {
	format.Warning(w, style, "--doh-insecure: the DNS-over-HTTPS server's certificate is not verified; anyone on the path can choose the addresses hop connects to")
}

// dohInsecure reports whether --doh-insecure leaves a DNS-over-HTTPS server unverified.
func (o *RequestOptions) dohInsecure() bool {
	return o.Transport.DoHInsecure && o.Transport.DoHURL != ""
}

// buildRequest resolves credentials and builds the request the options describe, with what --session kept.
func buildRequest(ctx context.Context, s *Streams, o *RequestOptions) (*request.Request, error) {
	sess, from, err := o.openSession()
	if err != nil {
		return nil, err
	}
	if from != "" && !o.Output.hushed() && o.Output.Format != "json" {
		format.Note(s.Err, s.ErrStyle(), fmt.Sprintf("session %s starts from HTTPie's, %s (which stays as it is)", cmp.Or(o.Session.readOnly, o.Session.Name), from))
	}
	if o.Auth, err = o.Auth.Typed(); err != nil {
		return nil, err
	}
	typed := o.Auth
	if sess != nil && !typed.Explicit() {
		typed.Basic, typed.Bearer = sess.Auth.Basic, sess.Auth.Bearer
		if sess.Auth.Type != "" && !o.Auth.TypeChosen() {
			typed.Type = sess.Auth.Type // how the kept credentials were given: digest answers a challenge
		}
	}
	if strings.EqualFold(typed.Type, "bearer") && !typed.Explicit() {
		// Nothing to send as a token: neither .netrc's login nor the URL's may go instead, as Basic.
		return nil, usageErrorf("--auth-type bearer sends -a's value as the token, and there is none: give -a TOKEN (or --bearer TOKEN)")
	}
	prompt := func(p string) (string, error) { return s.ReadPassword(ctx, p) }
	creds, err := typed.Resolve(auth.Env{Getenv: s.Getenv, Prompt: prompt})
	if err != nil {
		return nil, err
	}
	if err := resolveTransport(ctx, s, &o.Transport); err != nil {
		return nil, err
	}
	spec := o.Spec
	spec.User, spec.Password, spec.Bearer = creds.User, creds.Password, creds.Bearer
	digest, err := typed.IsDigest()
	switch {
	case err != nil:
		return nil, err
	case !digest:
	case creds.Bearer != "":
		return nil, usageErrorf("--auth-type digest answers with -a user:password, not a --bearer token")
	default:
		// Nothing is sent at once: the server's challenge is answered (exchange.Options.Challenge), with
		// -a's credentials (or the session's), else the URL's (as HTTPie takes them).
		o.digest = &auth.Digest{User: creds.User, Password: creds.Password, AnyScheme: typed.AnyScheme()}
		spec.User, spec.Password, spec.Challenged = "", "", true
	}
	if o.Auth.SigV4 != "" {
		sig, err := auth.ParseSigV4(o.Auth.SigV4)
		switch {
		case err != nil:
			return nil, &usageError{err: err}
		case digest || creds.Bearer != "":
			return nil, usageErrorf("--aws-sigv4 signs with -a ACCESS_KEY:SECRET_KEY; it does not go with --auth-type digest or --bearer")
		case sess != nil:
			return nil, usageErrorf("--session does not keep --aws-sigv4 keys; give -a with --aws-sigv4 on each run, without --session")
		}
		// Nothing goes as Basic auth: the keys sign each request (exchange.Options.Sign), -a's, else the URL's.
		sig.AccessKey, sig.SecretKey = creds.User, creds.Password
		o.sigv4 = &sig
		spec.User, spec.Password, spec.Challenged = "", "", true
	}
	if spec.UserAgent == "" {
		spec.UserAgent = "hop/" + version()
	}
	spec.Resend = o.Exchange.Retry.N > 0 || o.Repeat.N > 0
	spec.Cookie = o.Cookies.cookies()
	if sess != nil {
		spec.SessionHeaders = withHeaders(spec.SessionHeaders, sess.Headers)
	}
	spec.Stdin, spec.StdinBody = nil, false
	if !s.InTTY && !o.IgnoreStdin && !o.stdinTaken {
		spec.Stdin, spec.StdinBody = s.In, o.StdinBody
	}
	r, err := buildWithin(spec, o)
	if err != nil {
		return nil, err
	}
	if o.Head && r.Body != nil {
		return nil, usageErrorf("-I sends HEAD, which takes no body, and curl refuses -I with data too, -X or not (HTTPie's -I is --ignore-stdin)")
	}
	if o.Output.ETagCompare != "" {
		if err := o.Output.etagCondition(r); err != nil {
			return nil, err
		}
	}
	if o.Output.TimeCond != "" {
		note, err := o.Output.timeCondition(r)
		if err != nil {
			return nil, err
		}
		if note != "" && !o.Output.hushed() {
			format.Note(s.Err, s.ErrStyle(), note)
		}
	}
	if o.digest != nil {
		if u := r.URL.User; o.digest.User == "" && u != nil {
			o.digest.User = u.Username()
			o.digest.Password, _ = u.Password()
		}
		if o.digest.User == "" {
			// .netrc's login answers the challenge too, as HTTPie takes it for an auth type and curl for
			// --digest -n; without one there is nothing to answer with.
			login, found, err := netrcLogin(s, o, r.URL.Hostname())
			if err != nil {
				return nil, err
			}
			switch {
			case found:
				o.digest.User, o.digest.Password = login.User, login.Password
			case o.curlAuth:
				o.digest = nil // curl sends the request without credentials
			default:
				kind := "digest" // --auth-type digest, or curl's --digest
				if o.digest.AnyScheme {
					kind = "any"
				}
				return nil, usageErrorf("--auth-type %s needs -a user:password, credentials in the URL, or a .netrc entry for %s", kind, r.URL.Hostname())
			}
		}
		if o.digest != nil {
			given := *o.digest
			o.Exchange.Challenge = func(resp *http.Response, req *http.Request, count int) (string, bool) {
				d := given
				d.Count = count
				return d.Answer(resp, req)
			}
			// curl's --digest sends a body only with the answer (its probe); --anyauth sends it every time.
			o.Exchange.Probe = o.curlAuth && !o.digest.AnyScheme
		}
	}
	if o.sigv4 != nil {
		if u := r.URL.User; o.sigv4.AccessKey == "" && u != nil {
			o.sigv4.AccessKey = u.Username()
			o.sigv4.SecretKey, _ = u.Password()
		}
		if o.sigv4.AccessKey == "" || o.sigv4.SecretKey == "" {
			return nil, usageErrorf("--aws-sigv4 needs -a ACCESS_KEY:SECRET_KEY (or @env:VAR, @FILE), or both in the URL")
		}
		o.Exchange.Sign = o.sigv4.Sign
	}
	if sess != nil {
		sess.Remember(r.Given)
		sess.KeepCookies(r.URL, r.Given.Values("Cookie"))
		if o.Auth.Explicit() {
			sess.Auth = keptAuth(o.Auth, creds)
		}
		o.session = sess
	}
	if o.Transport.Protocol == transport.HTTP3 && r.URL.Scheme != "https" {
		// Refused before anything is sent; a redirect to http:// is refused by the transport, as a redirect.
		return nil, usageErrorf("%q: HTTP/3 needs an https:// URL, not %s://", "--http3", r.URL.Scheme)
	}
	if typed.Explicit() || o.digest != nil || o.sigv4 != nil || r.Header.Get("Authorization") != "" {
		return r, nil // credentials given another way are never joined by .netrc's as Basic
	}
	// .netrc, for the host typed, and again for each origin a redirect leads to, once the Authorization of
	// the one before is dropped: as curl and HTTPie look it up for each host.
	login, found, err := netrcLogin(s, o, r.URL.Hostname())
	if err != nil {
		return nil, err
	}
	if found {
		r.SetBasicAuth(login.User, login.Password)
	}
	o.Exchange.Relogin = func(host string) (string, bool) {
		home, _ := os.UserHomeDir()
		login, found, _, err := o.Auth.Netrc.Lookup(host, auth.Env{Getenv: s.Getenv}, home) // its warning was said
		if err != nil || !found {
			return "", false
		}
		return request.BasicAuth(login.User, login.Password), true
	}
	return r, nil
}

// netrcLogin is .netrc's login for host (unless --no-netrc), with the warning a lax file's mode earns.
func netrcLogin(s *Streams, o *RequestOptions, host string) (auth.Login, bool, error) {
	home, _ := os.UserHomeDir()
	login, found, warn, err := o.Auth.Netrc.Lookup(host, auth.Env{Getenv: s.Getenv}, home)
	if warn != "" && !o.Output.hushed() {
		format.Warning(s.Err, s.ErrStyle(), warn)
	}
	return login, found, err
}

// statusMessage is the error line's words for a status that fails the exchange, with a hint when there is one.
func statusMessage(code int, status, hint string) string {
	msg := fmt.Sprintf("HTTP %d %s: %s", code, format.Reason(code, status), format.Meaning(code, nil, time.Now()))
	if hint != "" {
		msg += " (" + hint + ")"
	}
	return msg
}

// shownError is an exit status whose explanation the user has already seen (a 404 whose status line was
// printed).
type shownError struct{ err error }

func (e *shownError) Error() string { return e.err.Error() }
func (e *shownError) Unwrap() error { return e.err }

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
	if need := len(c.buf) + len(keep); need > cap(c.buf) {
		// Doubling, up to the cap and no further: append's gentler growth for large slices would copy a
		// 64 MiB body a dozen times, and leave each copy for the collector.
		grown := make([]byte, len(c.buf), min(max(2*cap(c.buf), need, 64<<10), max(c.max, need)))
		copy(grown, c.buf)
		c.buf = grown
	}
	c.buf = append(c.buf, keep...)
	return len(p), nil // never a short write: io.MultiWriter would stop the copy to stdout
}

// formatHops is the exchange's hops as the renderers take them, traced up to now.
func formatHops(ex *exchange.Exchange) []format.Hop {
	if ex == nil {
		return nil
	}
	out := make([]format.Hop, len(ex.Hops))
	for i, h := range ex.Hops {
		out[i] = format.Hop{Request: h.Request, Response: h.Response, Record: h.Record(),
			Attempt: h.Attempt, Waited: h.Waited, RetryAfter: h.RetryAfter}
		if h.Err != nil {
			out[i].Err = errorMessage(h.Err)
		}
	}
	return out
}

// certFailure returns the chain of a certificate failure, if err is one that has it.
func certFailure(err error) (*exchange.Error, bool) {
	var e *exchange.Error
	ok := errors.As(err, &e) && e.Class() == exchange.Certificate && len(e.Chain) > 0
	return e, ok
}

// buildWithin builds the request, within -m when one is given: the body may come from a producer that hangs
// (standard input, a file from "<(command)", a named pipe), and -m's total includes the wait for it. A build
// still waiting when -m runs out is abandoned to the exiting process: exit 28. The exchange's deadline then
// counts from the same start.
func buildWithin(spec request.Spec, o *RequestOptions) (*request.Request, error) {
	if o.Exchange.MaxTime <= 0 {
		return request.Build(spec)
	}
	o.began = time.Now()
	type built struct {
		r   *request.Request
		err error
	}
	done := make(chan built, 1)
	go func() {
		r, err := request.Build(spec)
		done <- built{r, err}
	}()
	t := time.NewTimer(o.Exchange.MaxTime)
	defer t.Stop()
	select {
	case b := <-done:
		return b.r, b.err
	case <-t.C:
		return nil, exchange.TotalTimeout(o.Exchange.MaxTime, "the request body (standard input or a file)")
	}
}
