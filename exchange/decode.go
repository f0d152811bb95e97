package exchange

import (
	"errors"
	"io"

	"github.com/hop-cli/hop/decompress"
)

// Body returns the final response's body, decoded as its Content-Encoding says unless raw. When hop
// cannot decode the coding, the body is returned as received and undecodable names the coding. Read errors
// are *Errors: a body the coding cannot decode is a Body failure, and a timeout stays a timeout. Without a
// final response it returns an empty reader.
func (e *Exchange) Body(raw bool) (body io.Reader, undecodable string) {
	resp := e.Final()
	if resp == nil {
		return eof{}, ""
	}
	ce := resp.Header.Get("Content-Encoding")
	switch {
	case ce == "" || raw:
		return resp.Body, ""
	case !decompress.Supported(ce):
		return resp.Body, ce
	}
	return decoded{decompress.Reader(resp.Body, ce)}, ""
}

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
