package cmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/hop-cli/hop/decompress"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/trace"
)

// Exit codes, as the contract lists them (curl's numbers where curl has one).
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitHTTP4xx     = 4
	exitHTTP5xx     = 5
	exitResolve     = 6
	exitConnect     = 7
	exitCheck       = 10
	exitBody        = 18
	exitTimeout     = 28
	exitHandshake   = 35
	exitRedirects   = 47
	exitCertificate = 60
	exitInterrupted = 130
)

// exitCode is the one place where errors become exit codes. It also returns the line to show the user.
func exitCode(err error) (int, string) {
	var (
		usage    *usageError
		badInput *request.UsageError
		status   *statusError
		timeout  *request.TimeoutError
		redirs   *request.TooManyRedirectsError
		body     *request.BodyError
		decode   *decompress.Error
		cert     *request.CertificateError
		hs       *request.HandshakeError
		dns      *net.DNSError
		op       *net.OpError
		check    *checkError
	)
	switch {
	case err == nil:
		return exitOK, ""
	case errors.Is(err, errInterrupted), errors.Is(err, context.Canceled):
		return exitInterrupted, "interrupted"
	case errors.As(err, &usage):
		return exitUsage, usage.Error()
	case errors.As(err, &badInput):
		return exitUsage, badInput.Error()
	case errors.As(err, &status):
		if status.code >= 500 {
			return exitHTTP5xx, status.Error()
		}
		return exitHTTP4xx, status.Error()
	case errors.As(err, &check):
		return exitCheck, check.Error()
	case errors.As(err, &timeout):
		return exitTimeout, timeout.Error()
	case errors.As(err, &redirs):
		return exitRedirects, redirs.Error()
	case errors.As(err, &cert):
		return exitCertificate, cert.Error()
	case errors.As(err, &hs):
		return exitHandshake, hs.Error()
	case errors.As(err, &decode):
		return exitBody, fmt.Sprintf("the response body could not be decoded: %v", decode.Err)
	case errors.As(err, &body):
		return exitBody, body.Error()
	case errors.As(err, &dns):
		return exitResolve, fmt.Sprintf("could not resolve host %s: %s (check the name and your network)", dns.Name, dnsReason(dns))
	case errors.As(err, &op) && op.Op == "proxyconnect":
		return exitConnect, fmt.Sprintf("could not connect to the proxy: %v (is it running, and are --proxy or the *_PROXY variables right?)", op.Err)
	case errors.As(err, &op) && op.Op == "dial":
		return exitConnect, fmt.Sprintf("could not connect to %s: %v (is the server running and the port right?)", opAddr(op), op.Err)
	}
	return exitError, err.Error()
}

func dnsReason(e *net.DNSError) string {
	if e.IsNotFound {
		return "no such host"
	}
	return e.Err
}

func opAddr(op *net.OpError) string {
	if op.Addr != nil {
		return op.Addr.String()
	}
	return "the server"
}

// errorClass names the kind of failure an exit code stands for, for the JSON document.
func errorClass(code int) string {
	switch code {
	case exitUsage:
		return "usage"
	case exitHTTP4xx, exitHTTP5xx:
		return "http_status"
	case exitResolve:
		return "resolve"
	case exitConnect:
		return "connect"
	case exitCheck:
		return "check"
	case exitBody:
		return "body"
	case exitTimeout:
		return "timeout"
	case exitHandshake:
		return "tls_handshake"
	case exitRedirects:
		return "redirects"
	case exitCertificate:
		return "certificate"
	case exitInterrupted:
		return "interrupted"
	}
	return "other"
}

// errorPhase says what the exchange was waiting for when err happened; empty when it is not about the
// network (usage errors, a 4xx status).
func errorPhase(err error, hops []trace.Record) string {
	var timeout *request.TimeoutError
	if errors.As(err, &timeout) {
		return timeout.Phase
	}
	var usage *usageError
	var badInput *request.UsageError
	var status *statusError
	if len(hops) == 0 || errors.As(err, &usage) || errors.As(err, &badInput) || errors.As(err, &status) {
		return ""
	}
	last := hops[len(hops)-1]
	return last.Waiting(strings.HasPrefix(last.URL, "https:"))
}
