package exchange

import (
	"errors"
	"io"
	"net/http"

	"github.com/hop-cli/hop/decompress"
)

// Body returns the final response's body, decoded as its Content-Encoding says unless raw. When hop
// cannot decode the coding, the body is returned as received and undecodable names the coding. Read errors
// are *Errors: a body the coding cannot decode is a Body failure, and a timeout stays a timeout. Without a
// final response it returns an empty reader. With MaxFileSize, it gives that many bytes at most, then a
// TooLarge failure (at once when TooLarge says so).
func (e *Exchange) Body(raw bool) (body io.Reader, undecodable string) {
	resp := e.Final()
	if resp == nil {
		return eof{}, ""
	}
	if err := e.TooLarge(); err != nil {
		return failed{err}, ""
	}
	ce := decompress.Of(resp.Header)
	switch {
	case ce == "" || raw:
		body = resp.Body
	case !decompress.Supported(ce):
		body, undecodable = resp.Body, ce
	default:
		body = decoded{decompress.Reader(resp.Body, ce)}
	}
	if e.maxSize > 0 {
		body = &capped{r: body, left: e.maxSize, max: e.maxSize}
	}
	return body, undecodable
}

// TooLarge is the TooLarge failure of a final body whose Content-Length is above MaxFileSize, known before
// a byte of it is read (curl's --max-filesize refuses the transfer then); nil otherwise, and for an answer
// that has no body (to a HEAD, a 204, a 304).
func (e *Exchange) TooLarge() error {
	resp := e.Final()
	if e.maxSize <= 0 || resp == nil || resp.ContentLength <= e.maxSize || !hasBody(resp) {
		return nil
	}
	return failure(TooLarge, "", nil, "the response body is %d bytes, more than --max-filesize allows (%d)", resp.ContentLength, e.maxSize)
}

func hasBody(resp *http.Response) bool {
	return resp.Request.Method != http.MethodHead && resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusNotModified
}

// capped gives at most max bytes of r, then fails with TooLarge if there are more.
type capped struct {
	r         io.Reader
	left, max int64
	err       error
}

func (c *capped) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1] // one byte more than allowed tells a body at the limit from one over it
	}
	n, err := c.r.Read(p)
	if int64(n) > c.left {
		n, c.left = int(c.left), 0
		c.err = failure(TooLarge, "the rest of the body", nil, "the response body went over --max-filesize (%d bytes); hop stopped reading it", c.max)
		return n, c.err
	}
	c.left -= int64(n)
	return n, err
}

type failed struct{ err error }

func (f failed) Read([]byte) (int, error) { return 0, f.err }

type eof struct{}

func (eof) Read([]byte) (int, error) { return 0, io.EOF }

// decoded types a decoder's errors; an *Error from the body underneath (a timeout, a truncated body) wins
// over the decoder's view of it.
type decoded struct{ r io.Reader }

func (d decoded) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err == nil || err == io.EOF {
		return n, err
	}
	var inner *Error
	if errors.As(err, &inner) {
		return n, inner
	}
	var de *decompress.Error
	if errors.As(err, &de) {
		return n, failure(Body, "the rest of the body", err, "the %s-encoded response body could not be decoded: %v", de.Encoding, de.Err)
	}
	return n, err
}
