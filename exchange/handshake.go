package exchange

import (
	"context"
	"crypto/tls"
	"net/url"

	"github.com/hop-cli/hop/trace"
)

// Handshake opens a TLS connection to addr (HOST:PORT) with dial and closes it again, sending no HTTP: what
// hop cert inspects. Verification is the caller's (dial should not fail on an untrusted chain, so that the
// chain can be shown). It returns the connection's state and the hop's trace; failures are classified as for
// requests.
func (c *Client) Handshake(ctx context.Context, addr string, dial func(context.Context) (*tls.Conn, error)) (*tls.ConnectionState, trace.Record, error) {
	ctx, th := trace.Start(ctx, "", &url.URL{Scheme: "https", Host: addr})
	conn, err := dial(ctx)
	rec := th.Snapshot()
	if err != nil {
		return nil, rec, c.classify(ctx, err, rec)
	}
	defer conn.Close()
	rec.RemoteAddr, rec.LocalAddr = conn.RemoteAddr().String(), conn.LocalAddr().String()
	cs := conn.ConnectionState()
	return &cs, rec, nil
}
