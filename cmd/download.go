package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/download"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/request"
)

func addDownloadFlags(fs *pflag.FlagSet, o *OutputOptions) {
	// HTTPie's --download implies --follow: what is saved is what the URL leads to, not a redirect's body.
	fs.VarPF(switchFlag{func() { o.Download, o.downloadFollows = true, true }, func() bool { return o.Download }},
		"download", "O", "save the body to a file named by the response or the URL, following redirects (never replaces one without --force)").NoOptDefVal = "true"
	// curl's -O -J (hop curl's): -O as hop names the file, redirects followed only with -L, as curl does.
	addSwitch(fs, "remote-header-name", "curl's -O -J: -O without following redirects unless -L",
		func() { o.Download = true }, func() bool { return o.Download && !o.downloadFollows })
	addSwitch(fs, "remote-name", "curl's -O: save to a file named as the URL's last segment is typed (percent-escapes kept), replacing one of that name",
		func() { o.Download, o.URLName = true, true }, func() bool { return o.URLName })
	fs.StringVar(&o.OutputDir, "output-dir", "", "with -O or -o, save in this directory")
	fs.BoolVar(&o.CreateDirs, "create-dirs", false, "create the directories -o or --output-dir name (mode 0750), as curl does")
	fs.BoolVar(&o.Force, "force", false, "with -O, replace a file of the same name")
	fs.BoolVar(&o.SkipExisting, "skip-existing", false, "with -o FILE or -O, send nothing when the file is there already (exit 0), as curl does")
	fs.BoolVar(&o.Xattr, "xattr", false, "with -o or -O, keep the URL, its type and the Referer in the file's extended attributes, as curl does")
	fs.BoolVar(&o.NoClobber, "no-clobber", false, "with -o FILE or -O, never replace a file: save as FILE.1, FILE.2... (up to .100), as curl does")
	fs.BoolVarP(&o.Continue, "continue", "C", false, "resume a download (-o FILE or -O) from what is already there, with Range")
	fs.Var(continueAt{o}, "continue-at", "curl's -C OFFSET: 0 downloads anew; another offset resumes when that many bytes are there already")
	fs.MarkHidden("continue-at")
	fs.StringVarP(&o.TimeCond, "time-cond", "z", "", "only if modified since DATE, or since FILE was (-DATE: not since); a 304 leaves -o's file alone, as in curl")
	fs.BoolVarP(&o.RemoteTime, "remote-time", "R", false, "give the saved file the server's Last-Modified time, as curl does")
	fs.StringVar(&o.ETagCompare, "etag-compare", "", "send If-None-Match with the ETag FILE holds (as --etag-save writes it); none when FILE is not there")
	fs.StringVar(&o.ETagSave, "etag-save", "", "after a successful exchange, keep the response's ETag in FILE, as curl does")
}

// continueAt is curl's -C OFFSET (hop curl's): 0 is a download anew, as curl's; another offset resumes as
// -C does, from what the file holds, which must be that many bytes: hop never resumes from elsewhere (curl
// would append the rest from OFFSET to whatever the file holds).
type continueAt struct{ o *OutputOptions }

func (c continueAt) Set(v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("expected a number of bytes, or - to resume from what the file holds")
	}
	c.o.Continue, c.o.continueAt = n > 0, n
	return nil
}
func (c continueAt) String() string { return strconv.FormatInt(c.o.continueAt, 10) }
func (continueAt) Type() string     { return "offset" }

// existing is the file --skip-existing finds already there, or "" when the download is to go ahead: -o's
// file, or -O's as named from the URL (the response that might name it otherwise is not here yet), as
// curl names it.
func (o *OutputOptions) existing(req *request.Request) (string, error) {
	if !o.SkipExisting {
		return "", nil
	}
	path, err := o.knownPath(req, "--skip-existing skips a download that is there already")
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(path); err != nil {
		return "", nil
	}
	return path, nil
}

// downloading reports whether the body goes to a file.
func (o *OutputOptions) downloading() bool { return o.Download || o.File != "" && o.File != "-" }

// named is the file -o names, which -O saves to as well (HTTPie's --download --output); "" when none.
func (o *OutputOptions) named() string {
	if o.File == "-" {
		return ""
	}
	return o.File
}

// outputPath is the -o path, in --output-dir when relative.
func (o *OutputOptions) outputPath(name string) string {
	if o.OutputDir != "" && !filepath.IsAbs(name) {
		return filepath.Join(o.OutputDir, name)
	}
	return name
}

// checkOutputDir refuses, before anything is sent, a download into a directory that does not exist: a
// file argument that cannot be used (exit 2), as curl does not create directories either. Whether the
// directory can be written is found when the file is created.
func (o *OutputOptions) checkOutputDir() error {
	var dir, arg, path string
	switch {
	case o.named() != "":
		path = o.outputPath(o.File)
		dir, arg = filepath.Dir(path), "-o "+o.File
	case o.Download && o.OutputDir != "":
		dir, arg = o.OutputDir, "--output-dir "+o.OutputDir
	case o.Download:
		return nil // the current directory
	default:
		return nil
	}
	if o.CreateDirs {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return usageErrorf("%s: cannot create %s: %v", arg, dir, argfile.Reason(err))
		}
	}
	if path != "" {
		return checkFile(arg, path)
	}
	return checkDir(arg, dir)
}

// checkFile refuses a file argument arg, to be written at path, that names a directory or sits in a
// directory that does not exist: found before the exchange, not once it is over.
func checkFile(arg, path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usageErrorf("%s: is a directory; name a file in it", arg)
	}
	return checkDir(arg, filepath.Dir(path))
}

// checkDir refuses a file argument arg whose directory dir does not exist.
func checkDir(arg, dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usageErrorf("%s: there is no directory %s (hop does not create it)", arg, dir)
	case err == nil && !fi.IsDir():
		return usageErrorf("%s: %s is not a directory", arg, dir)
	}
	return nil
}

// prepareDownload opens the partial file -C resumes and asks for the rest of it: Range from its size, and
// If-Range with the validator hop kept for it, so that a changed file is sent whole. -O and -C ask for the
// body as stored (Accept-Encoding: identity), as HTTPie does: ranges of a compressed representation do not
// add up to the file. It runs only when the request is really sent.
func (p *presenter) prepareDownload(req *request.Request) error {
	o := p.o
	if err := o.checkOutputDir(); err != nil {
		return err
	}
	for _, f := range []struct{ flag, path string }{{"-D", o.DumpHeader}, {"--har", o.HAR}, {"--etag-save", o.ETagSave}} {
		if f.path != "" && f.path != "-" {
			if err := checkFile(f.flag+" "+f.path, f.path); err != nil {
				return err
			}
		}
	}
	if o.URLName && o.named() == "" && download.URLName(req.URL) == "" {
		return o.noURLName(req) // curl sends the request and then fails; nothing need be sent
	}
	if !o.Download && !o.Continue && !p.mayResume {
		return nil
	}
	if !req.Typed("Accept-Encoding") {
		req.Header.Set("Accept-Encoding", "identity") // the body as stored, so that a partial file can be resumed
	}
	if !o.Continue {
		return nil
	}
	path, err := o.knownPath(req, "-C resumes a file")
	if err != nil {
		return err
	}
	if has := download.Offset(path); o.continueAt > 0 && has != o.continueAt {
		return usageErrorf("-C %d: %s holds %d bytes, and hop resumes from what the file holds: give -C - (nothing was sent)", o.continueAt, path, has)
	}
	return p.resumeFrom(req, path)
}

// knownPath is the file a download goes to, as known before anything is sent: -o's, or -O's as the URL
// names it (the response that might name it otherwise is not here yet), in --output-dir. Without -o or -O it
// is a usage error saying what needs one.
func (o *OutputOptions) knownPath(req *request.Request, what string) (string, error) {
	path := o.named()
	switch {
	case path != "":
	case o.URLName:
		if path = download.URLName(req.URL); path == "" {
			return "", o.noURLName(req)
		}
	case o.Download:
		path = download.Name("", req.URL, "")
	default:
		return "", usageErrorf("%s: give -o FILE or -O", what)
	}
	return o.outputPath(path), nil
}

// noURLName is the usage error for curl's -O on a URL whose path names no file.
func (o *OutputOptions) noURLName(req *request.Request) error {
	return usageErrorf("-O: %s names no file (its path ends in /); give -o FILE", format.Secrets{}.URL(req.URL.String()))
}

// resumeDownload answers a download whose body failed on its way to a file, while --retry allows
// (exchange.Client.ResumeAfter): the bytes saved stay, and the rest is asked for again, as -C asks. Every
// attempt's hops join the exchange, for -w, the waterfall already shown and the exit code.
func (p *presenter) resumeDownload(ctx context.Context, client *exchange.Client, out *outcome, err error) error {
	attempt := 2
	if n := len(out.ex.Hops); n > 0 {
		attempt = out.ex.Hops[n-1].Attempt + 1 // the retries the exchange spent before the body failed count
	}
	for ; err != nil; attempt++ {
		if _, regular := argfile.Target(p.saved); p.saved == "" || !regular {
			return err // a device or a descriptor has no partial file to continue
		}
		again, werr := client.ResumeAfter(ctx, exchange.Observer{Wait: p.wait}, err, out.ex.Final(), attempt)
		if werr != nil {
			return werr
		}
		if !again {
			return err
		}
		req := *out.req
		req.Header = out.req.Header.Clone()
		if err := p.resumeFrom(&req, p.saved); err != nil {
			return err
		}
		earlier := out.ex.Hops
		ex, derr := client.DoAttempt(ctx, &req, exchange.Observer{Hop: p.hop, Wait: p.wait}, attempt)
		defer ex.Close()
		if derr != nil {
			// No answer to write: the file resumeFrom opened is let go, its bytes (if any) kept for -C.
			p.file.Abort(req.Header.Get("If-Range"))
			p.file = nil
			p.failure(ex, derr)
			ex.Hops = append(earlier[:len(earlier):len(earlier)], ex.Hops...)
			out.ex = ex
			return derr
		}
		berr := p.showResponse(ex, out)
		if n := len(ex.Hops); n > 0 {
			attempt = max(attempt, ex.Hops[n-1].Attempt) // DoAttempt may have retried on its own
		}
		ex.Hops = append(earlier[:len(earlier):len(earlier)], ex.Hops...)
		out.ex, err = ex, berr
	}
	return nil
}

// resumeFrom continues the download to path from what is there (path.part, or path), asking for the rest
// with Range and, when the partial bytes' validator is known, If-Range.
func (p *presenter) resumeFrom(req *request.Request, path string) error {
	f, validator, err := download.Resume(path)
	if err != nil {
		return err
	}
	p.file = f
	if off := f.Offset(); off > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-")
		if validator != "" {
			req.Header.Set("If-Range", validator)
		}
	}
	return nil
}

// timeCondition adds -z's header to r (If-Modified-Since, or If-Unmodified-Since for -DATE), unless one of
// that name was typed. note says when -z names a file that is not there yet: no condition, as curl goes on.
func (o *OutputOptions) timeCondition(r *request.Request) (note string, err error) {
	header, value, missing, err := download.TimeCondition(o.TimeCond)
	switch {
	case err != nil:
		return "", usageErrorf("-z %s: %v", o.TimeCond, err)
	case missing:
		return fmt.Sprintf("-z %s: no such file (yet), and not a date: sent without the condition", o.TimeCond), nil
	}
	if _, typed := r.Given[header]; !typed {
		r.Header.Set(header, value)
	}
	return "", nil
}

// maxETagFile bounds the file --etag-compare reads: one ETag, a line.
const maxETagFile = 64 << 10

// etagCondition adds If-None-Match with the ETag --etag-compare's file holds (its first line), unless one was
// typed. A file that is not there yet, beside an --etag-save (the idiom's first run), or empty, is no
// condition: the first run fetches. Without --etag-save a missing file is an error, as in curl.
func (o *OutputOptions) etagCondition(r *request.Request) error {
	if _, err := os.Stat(o.ETagCompare); errors.Is(err, os.ErrNotExist) {
		if o.ETagSave == "" {
			return usageErrorf("--etag-compare %s: no such file (for a first run, also give --etag-save)", o.ETagCompare)
		}
		return nil
	}
	data, err := argfile.Read(o.ETagCompare, maxETagFile)
	if err != nil {
		return &usageError{err: &request.UsageError{Arg: "--etag-compare " + o.ETagCompare, Err: err}}
	}
	etag, _, _ := strings.Cut(string(data), "\n")
	etag = strings.TrimSpace(etag)
	if _, typed := r.Given["If-None-Match"]; etag != "" && !typed {
		if err := request.ValidateHeader("If-None-Match", etag); err != nil {
			return &usageError{err: &request.UsageError{Arg: "--etag-compare " + o.ETagCompare, Err: err}}
		}
		r.Header.Set("If-None-Match", etag)
	}
	return nil
}

// saveETag keeps the final response's ETag in --etag-save's file, after an exchange that went well: a failed
// download must not be recorded as current. A response without an ETag leaves the file as it was.
func (p *presenter) saveETag(resp *http.Response) error {
	etag := resp.Header.Get("ETag")
	if p.o.ETagSave == "" || etag == "" {
		return nil
	}
	f, err := download.Create(p.o.ETagSave, download.Replace)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, etag+"\n"); err != nil {
		f.Abort("")
		return err // "writing output file NAME: ...", as Commit's
	}
	return f.Commit()
}

// openDownload opens the file the body goes to, once the response is known: the one -C opened, -o's, or the
// name -O takes from the response. A resumed download is checked against the answer: a 206 must continue
// where the file ends; a 200 means the server sent everything again, so the file starts over; a 416 with
// the file's size means it was complete; a 304 leaves the file alone. done reports a download with nothing
// to write.
func (p *presenter) openDownload(ex *exchange.Exchange) (f *download.File, done bool, err error) {
	resp := ex.Final()
	f = p.file
	if resp.StatusCode == http.StatusNotModified {
		// The copy the request's conditions named (If-None-Match, If-Modified-Since) is current: the file is
		// neither emptied nor created, as curl leaves it.
		if f != nil {
			f.Abort("")
		}
		p.note("304 Not Modified: nothing written, the file stays as it was")
		return nil, true, nil
	}
	if f == nil {
		path, policy := p.o.named(), download.Replace
		switch {
		case path != "":
		case p.o.URLName:
			path = download.URLName(ex.Request.URL) // checked before sending; replaced, as curl -O does
		default:
			path = download.Name(resp.Header.Get("Content-Disposition"), ex.Request.URL, resp.Header.Get("Content-Type"))
			if !p.o.Force {
				policy = download.Refuse // a name the server chose never replaces a file without --force
			}
		}
		if p.o.NoClobber {
			policy = download.Beside
		}
		f, err = download.Create(p.o.outputPath(path), policy)
		var exists *download.ExistsError
		if errors.As(err, &exists) {
			return nil, false, &usageError{err: err}
		}
		return f, false, err
	}
	off := f.Offset()
	switch {
	case off == 0:
	case resp.StatusCode == http.StatusPartialContent:
		if start := rangeStart(resp.Header.Get("Content-Range")); start != off {
			f.Abort("")
			return nil, false, fmt.Errorf("the server resumed at byte %d, but the file has %d: nothing was written (Content-Range %q)", start, off, resp.Header.Get("Content-Range"))
		}
	case resp.StatusCode == http.StatusOK:
		p.note("the server sent the whole file again (it ignored the range, or the file changed): starting over")
		if err := f.Restart(); err != nil {
			return nil, false, err
		}
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && rangeTotal(resp.Header.Get("Content-Range")) == off:
		p.rangeDone = true
		return f, true, f.Commit()
	default:
		f.Abort("")
		return nil, false, nil // an error answer: the partial file is left as it was
	}
	return f, false, nil
}

// shortRange is the failure of a download whose 206, n bytes long, ended before the file does by its
// Content-Range's complete length (a server that caps a range, or sends one unasked): not a whole file, so
// the bytes are kept for -C or --retry to ask for the rest. A range the user asked for is left alone.
func shortRange(f *download.File, resp *http.Response, n int64) error {
	if resp.StatusCode != http.StatusPartialContent || f.Offset() == 0 && resp.Request.Header.Get("Range") != "" {
		return nil
	}
	cr := resp.Header.Get("Content-Range")
	if have, total := f.Offset()+n, rangeTotal(cr); have < total {
		return exchange.Incomplete(resp.Request.URL.Hostname(), have, total, cr)
	}
	return nil
}

// commit gives the saved file its name, with -R the server's Last-Modified time, and with --xattr the
// extended attributes curl writes (freedesktop.org's names): the URL it came from (without credentials),
// its type, and the Referer sent.
func (p *presenter) commit(f *download.File, resp *http.Response) error {
	if p.o.RemoteTime {
		if t, ok := download.ParseDate(resp.Header.Get("Last-Modified")); ok {
			f.ModTime = t
		}
	}
	if p.o.Xattr {
		origin := *resp.Request.URL
		origin.User = nil
		f.Attrs = map[string]string{"user.xdg.origin.url": origin.String()}
		if ct := resp.Header.Get("Content-Type"); ct != "" {
			f.Attrs["user.mime_type"] = ct
		}
		if ref := resp.Request.Header.Get("Referer"); ref != "" {
			f.Attrs["user.xdg.referrer.url"] = ref
		}
	}
	err := f.Commit()
	if err == nil && f.AttrErr != nil {
		p.note(fmt.Sprintf("--xattr: %s keeps no extended attributes here: %v", f.Path(), f.AttrErr)) // as curl warns
	}
	return err
}

// rangeStart is the first byte of a Content-Range "bytes START-END/TOTAL"; -1 when there is none.
func rangeStart(cr string) int64 {
	v, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return -1
	}
	start, _, _ := strings.Cut(v, "-")
	n, err := strconv.ParseInt(strings.TrimSpace(start), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// rangeTotal is the complete length a Content-Range names ("bytes */1234", or after the slash); -1 when
// unknown.
func rangeTotal(cr string) int64 {
	_, total, ok := strings.Cut(cr, "/")
	if !ok {
		return -1
	}
	n, err := strconv.ParseInt(strings.TrimSpace(total), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// validatorOf is what If-Range can name for this response: a strong ETag, else Last-Modified.
func validatorOf(h http.Header) string {
	if etag := h.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
		return etag
	}
	return h.Get("Last-Modified")
}

// progressWriter counts the bytes written through it, for the progress bar drawn beside the copy.
type progressWriter struct {
	w io.Writer
	n *atomic.Int64 // hop curl -Z's URLs add to one count
}

func (pw *progressWriter) Write(b []byte) (int, error) {
	n, err := pw.w.Write(b)
	pw.n.Add(int64(n))
	return n, err
}

// showProgress draws the progress bar every tick until stop is closed, then clears it. It reads only the
// counter, so the copy never waits for the terminal.
func (p *presenter) showProgress(pw *progressWriter, start, total int64, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t0 := time.Now()
	tick := time.NewTicker(150 * time.Millisecond)
	defer tick.Stop()
	drawn := false
	for {
		select {
		case <-stop:
			if drawn {
				format.ProgressDone(p.s.Err)
			}
			return
		case <-tick.C:
			format.ProgressLine(p.s.Err, p.errStyle, format.Progress{Bytes: start + pw.n.Load(), Total: total, Start: start, Elapsed: time.Since(t0)})
			drawn = true
		}
	}
}
