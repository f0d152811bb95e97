package transport

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/net/idna"

	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/trace"
)

// dialer opens the connections every route starts with: to a unix socket (--unix-socket), or over TCP to
// the address --connect-to and --resolve give for a HOST:PORT, or that DNS gives, in the address family -4
// and -6 ask for. Every connection it opens enforces the idle timeout once armed.
type dialer struct {
	resolve   map[string][]string // lower-case HOST:PORT → ADDR:PORTs, tried in turn
	connectTo []connectTo
	unix      string
	network   string // tcp, tcp4 or tcp6
	familyBy  string // what chose tcp4 or tcp6: "-4", "-6" or "--interface NAME"
	idle      time.Duration
	net       net.Dialer
	local     net.IP // --interface: the address connections leave from; nil for the system's choice
	ports     ports  // --local-port: the ports connections leave from; zero for the system's choice
	resolver  *net.Resolver
}

// ports is --local-port's range, curl's NUM or FROM-TO; From 0 means any port.
type ports struct{ From, To int }

func parsePorts(v string) (ports, error) {
	if v == "" {
		return ports{}, nil
	}
	from, to, ranged := strings.Cut(v, "-")
	p, err1 := strconv.Atoi(strings.TrimSpace(from))
	q, err2 := p, error(nil)
	if ranged {
		q, err2 = strconv.Atoi(strings.TrimSpace(to))
	}
	if err1 != nil || err2 != nil || p < 1 || q > 65535 || q < p {
		return ports{}, optionErrorf("--local-port "+v, "expected a port (1-65535) or a range FROM-TO")
	}
	return ports{p, q}, nil
}

// each calls try with every port of the range in turn until one is free to leave from, as curl does; with
// no range, once with 0 (the system's choice). When every port is taken, the error says so.
func (r ports) each(try func(port int) error) error {
	if r.From == 0 {
		return try(0)
	}
	var err error
	for p := r.From; p <= r.To; p++ {
		if err = try(p); !errors.Is(err, syscall.EADDRINUSE) && !errors.Is(err, syscall.EADDRNOTAVAIL) {
			return err
		}
	}
	taken := &PortsTakenError{r.From, r.To}
	if op := (*net.OpError)(nil); errors.As(err, &op) {
		op.Err = taken // keeps the address dialled, for the message
		return op
	}
	return taken
}

// PortsTakenError says that no port --local-port allows was free to connect from.
type PortsTakenError struct{ From, To int }

func (e *PortsTakenError) Error() string {
	if e.From == e.To {
		return fmt.Sprintf("local port %d is in use (--local-port)", e.From)
	}
	return fmt.Sprintf("every local port in %d-%d is in use (--local-port)", e.From, e.To)
}

// LocalPortsTaken marks the error for exchange, which names the cause without guessing at the server.
func (e *PortsTakenError) LocalPortsTaken() bool { return true }

// connectTo is one --connect-to HOST1:PORT1:HOST2:PORT2, curl's: a connection meant for HOST1:PORT1 goes to
// HOST2:PORT2, while the URL, the TLS server name and the Host header stay. An empty HOST1 or PORT1 matches
// any; an empty HOST2 or PORT2 keeps the original.
type connectTo struct {
	fromHost, fromPort, toHost, toPort string
}

func newDialer(o Options) (*dialer, error) {
	m, err := parseResolve(o.Resolve)
	if err != nil {
		return nil, err
	}
	ct, err := parseConnectTo(o.ConnectTo)
	if err != nil {
		return nil, err
	}
	network := "tcp"
	switch o.Family {
	case 0:
	case 4:
		network = "tcp4"
	case 6:
		network = "tcp6"
	default:
		return nil, optionErrorf("-"+strconv.Itoa(o.Family), "the address family is 4 or 6")
	}
	d := &dialer{resolve: m, connectTo: ct, unix: o.UnixSocket, network: network, familyBy: "-" + strconv.Itoa(o.Family), idle: o.IdleTimeout,
		net: net.Dialer{KeepAlive: 30 * time.Second, FallbackDelay: o.HappyEyeballs}}
	if d.ports, err = parsePorts(o.LocalPort); err != nil {
		return nil, err
	}
	from, err := newDNSFrom(o)
	if err != nil {
		return nil, err
	}
	if d.resolver, err = dnsServers(o.DNSServers, from); err != nil {
		return nil, err
	}
	d.net.Resolver = d.resolver
	if o.Interface != "" {
		if d.local, err = localAddress(o.Interface, o.Family); err != nil {
			return nil, err
		}
		// Only the server's addresses of the local address's family can be reached from it (QUIC's lookup
		// reads the network; Go's TCP dialer filters by LocalAddr itself).
		d.net.LocalAddr = &net.TCPAddr{IP: d.local}
		if d.network = "tcp4"; d.local.To4() == nil {
			d.network = "tcp6"
		}
		d.familyBy = "--interface " + o.Interface
	}
	return d, nil
}

// localAddress is the address --interface names, as curl takes it: an interface's name (its first address
// of the family -4 or -6 asks for, IPv4 unless -6), an IP address, or a host name of this machine.
func localAddress(v string, family int) (net.IP, error) {
	var candidates []net.IP
	if ip := net.ParseIP(v); ip != nil {
		candidates = []net.IP{ip}
	} else if ifi, err := net.InterfaceByName(v); err == nil {
		addrs, err := ifi.Addrs()
		if err != nil {
			return nil, optionErrorf("--interface "+v, "%v", err)
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && !n.IP.IsLinkLocalUnicast() {
				candidates = append(candidates, n.IP)
			}
		}
		if len(candidates) == 0 {
			return nil, optionErrorf("--interface "+v, "the interface has no address to send from")
		}
	} else if ips, err := net.LookupIP(v); err == nil {
		candidates = ips
	} else {
		return nil, optionErrorf("--interface "+v, "no such interface, address or host name")
	}
	of := func(v6 bool) net.IP {
		for _, ip := range candidates {
			if (ip.To4() == nil) == v6 {
				return ip
			}
		}
		return nil
	}
	ip := of(family == 6)
	if ip == nil && family == 0 {
		ip = of(true) // IPv4 first, as curl; IPv6 when there is no other
	}
	if ip == nil {
		return nil, optionErrorf("--interface "+v, "it has no IPv%d address", family)
	}
	return ip, nil
}

// dial connects to addr (HOST:PORT) within ctx, along the route the options give.
func (d *dialer) dial(ctx context.Context, addr string) (net.Conn, error) {
	network := d.network
	if d.unix != "" {
		network, addr = "unix", d.unix
		trace.Routed(ctx, "unix")
	} else {
		if to, ok := d.redirect(addr); ok {
			addr = to
			trace.Routed(ctx, "connect-to")
		}
	}
	targets := []string{addr}
	to, by, passedOver := d.given(addr)
	if network != "unix" && by != "" {
		targets = to
		trace.Resolved(ctx, by)
	}
	var c net.Conn
	err := d.ports.each(func(port int) (err error) {
		nd := d.net
		if port != 0 && network != "unix" {
			nd.LocalAddr = &net.TCPAddr{IP: d.local, Port: port}
		}
		for _, to := range targets { // --resolve's addresses in the order given, as curl tries them
			if c, err = nd.DialContext(ctx, network, to); err == nil || ctx.Err() != nil {
				return err
			}
		}
		return err
	})
	if passedOver {
		host, _, _ := net.SplitHostPort(addr)
		if fe := d.passedOver(host, err); fe != nil {
			return nil, fe
		}
	}
	if err != nil {
		return nil, d.familyError(err, addr)
	}
	if d.idle <= 0 {
		return c, nil
	}
	return newIdleConn(c, d.idle), nil
}

// FamilyError says that the address family -4, -6 or --interface keeps to left no address to connect to:
// the host is an address of the other family, or a name (resolved by DNS or --resolve) with none of that
// family. exchange tells the two apart, as curl does: a connection that failed, a name not resolved.
type FamilyError struct {
	Host    string
	Literal bool   // Host is an IP address
	Family  int    // 4 or 6, the family kept to
	By      string // "-4", "-6" or "--interface NAME"
	Err     error  // the dialer's own error
}

func (e *FamilyError) Error() string { return e.Host + ": " + e.Reason() }
func (e *FamilyError) Unwrap() error { return e.Err }

// Reason is why no address was left, in words that name the option.
func (e *FamilyError) Reason() string {
	how := "asks for"
	if strings.HasPrefix(e.By, "--interface") {
		how = "leaves from"
	}
	if e.Literal { // of the other family: 6 for 4, 4 for 6
		return fmt.Sprintf("it is an IPv%d address, and %s %s IPv%d", 10-e.Family, e.By, how, e.Family)
	}
	return fmt.Sprintf("it has no IPv%d address, and %s %s IPv%d", e.Family, e.By, how, e.Family)
}

// FamilyMismatch marks the error for exchange: the host, why, and whether it is a name (not resolved, exit
// 6) or an address (not connected to, exit 7).
func (e *FamilyError) FamilyMismatch() (host, reason string, name bool) {
	return e.Host, e.Reason(), !e.Literal
}

// familyError is err, from dialling addr (HOST:PORT), as a *FamilyError when it says the family kept to
// filtered out every address the host had; else err itself.
func (d *dialer) familyError(err error, addr string) error {
	var ae *net.AddrError
	if d.network == "tcp" || d.network == "unix" || !errors.As(err, &ae) || ae.Err != "no suitable address found" {
		return err
	}
	host, _, _ := net.SplitHostPort(addr)
	return d.mismatch(host, err)
}

// mismatch is the *FamilyError for host, which has no address of the family the dialer keeps to.
func (d *dialer) mismatch(host string, err error) *FamilyError {
	family := 4
	if d.network == "tcp6" {
		family = 6
	}
	return &FamilyError{Host: host, Literal: net.ParseIP(host) != nil, Family: family, By: d.familyBy, Err: err}
}

// dnsServers is the resolver curl's --dns-servers asks for: the servers given (IP[:PORT], port 53 by default,
// comma-separated), tried in turn from one query to the next, instead of the system's; nil when none.
func dnsServers(v string, from dnsFrom) (*net.Resolver, error) {
	if v == "" {
		if from.v4 == nil && from.v6 == nil {
			return nil, nil
		}
		return &net.Resolver{PreferGo: true, Dial: from.dial}, nil // the system's servers, from there
	}
	var servers []string
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		addr := net.JoinHostPort(strings.Trim(s, "[]"), "53")
		if net.ParseIP(strings.Trim(s, "[]")) == nil {
			host, port, err := net.SplitHostPort(s)
			if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 1 || n > 65535 || net.ParseIP(host) == nil {
				return nil, optionErrorf("--dns-servers "+v, "expected IP addresses, each with an optional :PORT, comma-separated")
			}
			addr = s
		}
		servers = append(servers, addr)
	}
	var next atomic.Uint32
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return from.dial(ctx, network, servers[int(next.Add(1)-1)%len(servers)])
	}}, nil
}

// dnsFrom are the addresses DNS queries leave from, by the server's family: curl's --dns-ipv4-addr and
// --dns-ipv6-addr, else --dns-interface's addresses; nil for the system's choice.
type dnsFrom struct{ v4, v6 net.IP }

func newDNSFrom(o Options) (dnsFrom, error) {
	var f dnsFrom
	if o.DNSInterface != "" {
		ifi, err := net.InterfaceByName(o.DNSInterface)
		if err != nil {
			return f, optionErrorf("--dns-interface "+o.DNSInterface, "no such network interface")
		}
		addrs, err := ifi.Addrs()
		if err != nil {
			return f, optionErrorf("--dns-interface "+o.DNSInterface, "%v", err)
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && !n.IP.IsLinkLocalUnicast() {
				if n.IP.To4() != nil && f.v4 == nil {
					f.v4 = n.IP
				} else if n.IP.To4() == nil && f.v6 == nil {
					f.v6 = n.IP
				}
			}
		}
		if f.v4 == nil && f.v6 == nil {
			return f, optionErrorf("--dns-interface "+o.DNSInterface, "the interface has no address to send from")
		}
	}
	for _, a := range []struct {
		flag, v string
		v4      bool
		dst     *net.IP
	}{{"--dns-ipv4-addr", o.DNSIPv4Addr, true, &f.v4}, {"--dns-ipv6-addr", o.DNSIPv6Addr, false, &f.v6}} {
		if a.v == "" {
			continue
		}
		ip := net.ParseIP(a.v)
		if ip == nil || (ip.To4() != nil) != a.v4 {
			return f, optionErrorf(a.flag+" "+a.v, "expected an IPv%s address", map[bool]string{true: "4", false: "6"}[a.v4])
		}
		*a.dst = ip
	}
	return f, nil
}

// dial connects to a DNS server from the address of its family, if one is given.
func (f dnsFrom) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	host, _, _ := net.SplitHostPort(addr)
	local := f.v6
	if ip := net.ParseIP(host); ip != nil && ip.To4() != nil {
		local = f.v4
	}
	if local != nil {
		if strings.HasPrefix(network, "udp") {
			d.LocalAddr = &net.UDPAddr{IP: local}
		} else {
			d.LocalAddr = &net.TCPAddr{IP: local}
		}
	}
	return d.DialContext(ctx, network, addr)
}

// redirect applies the first --connect-to that matches addr and names a host or a port to go to: one that
// names neither routes nothing, and curl reads on past it.
func (d *dialer) redirect(addr string) (string, bool) {
	if len(d.connectTo) == 0 {
		return "", false
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", false
	}
	for _, c := range d.connectTo {
		if (c.fromHost == "" || strings.EqualFold(c.fromHost, host)) && (c.fromPort == "" || c.fromPort == port) && c.toHost+c.toPort != "" {
			return net.JoinHostPort(cmpOr(c.toHost, host), cmpOr(c.toPort, port)), true
		}
	}
	return "", false
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// lookup resolves host for a proxy that wants an address (socks5, socks4) or for QUIC: from --resolve or a
// localhost name's loopback (given), or DNS, for the addresses of family ("ip4"; "" for those -4 and -6
// allow).
func (d *dialer) lookup(ctx context.Context, host, port, family string) (net.IP, error) {
	// The family kept to (-4, -6, --interface) rules out an address typed as such, as DNS's answers are.
	kept := func(ip net.IP) bool {
		return family != "" || d.network == "tcp" || (ip.To4() != nil) == (d.network == "tcp4")
	}
	to, by, passedOver := d.given(net.JoinHostPort(host, port))
	if by != "" {
		trace.Resolved(ctx, by)
		h, _, _ := net.SplitHostPort(to[0]) // the first, of the family kept to
		return net.ParseIP(h), nil
	}
	if ip := net.ParseIP(host); ip != nil {
		if !kept(ip) {
			return nil, d.mismatch(host, errors.New("no suitable address found"))
		}
		return ip, nil
	}
	family = cmp.Or(family, map[string]string{"tcp": "ip", "tcp4": "ip4", "tcp6": "ip6"}[d.network])
	ips, err := cmp.Or(d.resolver, net.DefaultResolver).LookupIP(ctx, family, host)
	if passedOver {
		if fe := d.passedOver(host, err); fe != nil {
			return nil, fe
		}
	}
	if err != nil {
		return nil, err
	}
	return ips[0], nil
}

// given is the addresses addr (HOST:PORT) has without DNS, of the family the dialer keeps to, and what gave
// them (by: "--resolve", or byLoopback for a localhost name); by is "" when nothing did. passedOver says a
// --resolve entry for it had none of that family.
func (d *dialer) given(addr string) (to []string, by string, passedOver bool) {
	to, ok, passedOver := d.resolved(addr)
	if ok {
		return to, "--resolve", passedOver
	}
	if to, ok := d.loopback(addr); ok {
		return to, byLoopback, passedOver
	}
	return nil, "", passedOver
}

// passedOver is the *FamilyError for host when err, from resolving it after its --resolve entries were
// passed over for having no address of the family kept to, says DNS has none either: the family's doing,
// said so (not wrapping DNS's error, which exchange would name first); nil otherwise.
func (d *dialer) passedOver(host string, err error) *FamilyError {
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) {
		return nil
	}
	return d.mismatch(host, fmt.Errorf("no suitable address found (%v)", dnsErr.Err))
}

// byLoopback is what resolved a localhost name, as the trace says it.
const byLoopback = "hop: localhost names are loopback"

// loopback is the addresses a localhost name (localhost, or a name under .localhost) has at addr's port, of
// the family the dialer keeps to: 127.0.0.1, then ::1, as curl gives them, and browsers and RFC 6761 ask,
// without DNS or /etc/hosts (which may list one family only: a development server on ::1 alone is then
// still reached by name).
func (d *dialer) loopback(addr string) ([]string, bool) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || !request.LocalhostName(host) {
		return nil, false
	}
	var to []string
	if d.network != "tcp6" {
		to = append(to, net.JoinHostPort("127.0.0.1", port))
	}
	if d.network != "tcp4" {
		to = append(to, net.JoinHostPort("::1", port))
	}
	return to, true
}

// resolved is the addresses --resolve gives for addr (HOST:PORT), of the family the dialer keeps to (-4,
// -6): for the host by name, else for any host on that port (curl's *:PORT:ADDR). An entry with no address
// of that family is passed over (passedOver), as curl passes over a cached entry without the family it
// needs, and the name is resolved as it would be without it: a localhost name as loopback, others by DNS.
func (d *dialer) resolved(addr string) (to []string, ok, passedOver bool) {
	keep := func(entry []string) []string {
		if d.network == "tcp" {
			return entry
		}
		var kept []string
		for _, a := range entry {
			h, _, _ := net.SplitHostPort(a)
			if ip := net.ParseIP(h); ip != nil && (ip.To4() != nil) == (d.network == "tcp4") {
				kept = append(kept, a)
			}
		}
		return kept
	}
	keys := []string{strings.ToLower(addr)}
	if _, port, err := net.SplitHostPort(addr); err == nil {
		keys = append(keys, net.JoinHostPort("*", port))
	}
	for _, k := range keys {
		entry, found := d.resolve[k]
		if to := keep(entry); len(to) > 0 {
			return to, true, passedOver
		}
		passedOver = passedOver || found
	}
	return nil, false, passedOver
}

// parseResolve reads --resolve values as curl does: HOST:PORT:ADDR[,ADDR...] (an ADDR may be a bracketed
// IPv6 address; several are tried in turn), "+HOST:PORT:ADDR" (curl's entry that times out of its DNS cache:
// the same here, where nothing outlives the command), and "-HOST:PORT", which takes back an earlier one.
func parseResolve(values []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, v := range values {
		entry, remove := strings.CutPrefix(v, "-")
		if !remove {
			entry = strings.TrimPrefix(entry, "+")
		}
		host, rest, ok1 := strings.Cut(entry, ":")
		port, list, ok2 := strings.Cut(rest, ":")
		if remove {
			port, ok2 = rest, !strings.Contains(rest, ":")
		}
		if !ok1 || !ok2 || host == "" {
			if remove {
				return nil, optionErrorf("--resolve "+v, "expected -HOST:PORT, taking back an earlier HOST:PORT:ADDR")
			}
			return nil, optionErrorf("--resolve "+v, "expected HOST:PORT:ADDR with ADDR an IP address")
		}
		if !validPort(port) {
			return nil, optionErrorf("--resolve "+v, "invalid port %q", port)
		}
		if host != "*" { // any host on that port, as in curl
			var err error
			if host, err = ASCIIHost(host); err != nil {
				return nil, optionErrorf("--resolve "+v, "%v", err)
			}
		}
		key := strings.ToLower(net.JoinHostPort(host, port))
		if remove {
			delete(out, key)
			continue
		}
		var addrs []string
		for _, a := range strings.Split(list, ",") {
			a = strings.Trim(strings.TrimSpace(a), "[]")
			if net.ParseIP(a) == nil {
				return nil, optionErrorf("--resolve "+v, "expected HOST:PORT:ADDR with ADDR an IP address (several: ADDR,ADDR)")
			}
			addrs = append(addrs, net.JoinHostPort(a, port))
		}
		out[key] = addrs
	}
	return out, nil
}

// parseConnectTo reads --connect-to values, HOST1:PORT1:HOST2:PORT2, any part possibly empty, a host
// possibly a bracketed IPv6 address.
func parseConnectTo(values []string) ([]connectTo, error) {
	var out []connectTo
	for _, v := range values {
		bad := optionErrorf("--connect-to "+v, "expected HOST1:PORT1:HOST2:PORT2 (any part may be empty: ::example.net:)")
		parts, ok := splitHostParts(v)
		if !ok || len(parts) != 4 {
			return nil, bad
		}
		for _, p := range []string{parts[1], parts[3]} {
			if p != "" && !validPort(p) {
				return nil, bad
			}
		}
		for _, i := range []int{0, 2} {
			h, err := ASCIIHost(parts[i])
			if err != nil {
				return nil, optionErrorf("--connect-to "+v, "%v", err)
			}
			parts[i] = h
		}
		if ip, ok := request.NumericIPv4(parts[2]); ok {
			parts[2] = ip // where to connect, read as curl's resolver reads it (0x7f.1 is 127.0.0.1); HOST1 is matched as typed
		}
		out = append(out, connectTo{fromHost: parts[0], fromPort: parts[1], toHost: parts[2], toPort: parts[3]})
	}
	return out, nil
}

// splitHostParts splits s at colons, keeping a [bracketed] IPv6 address whole (without its brackets).
func splitHostParts(s string) ([]string, bool) {
	var parts []string
	for {
		if strings.HasPrefix(s, "[") {
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, false
			}
			host := s[1:end]
			s = s[end+1:]
			if s != "" && s[0] != ':' {
				return nil, false
			}
			parts = append(parts, host)
			if s == "" {
				return parts, true
			}
			s = s[1:]
			continue
		}
		part, rest, more := strings.Cut(s, ":")
		parts = append(parts, part)
		if !more {
			return parts, true
		}
		s = rest
	}
}

// ASCIIHost is a host name as it goes on the wire, where hop compares names: an international one in its
// ASCII form (bücher.example is xn--bcher-kva.example), by the same rules (UTS #46) as net/http's.
func ASCIIHost(h string) (string, error) {
	for _, c := range h {
		if c >= 0x80 {
			a, err := idna.Lookup.ToASCII(h)
			if err != nil {
				return "", fmt.Errorf("%q is not a valid international name: %v", h, err)
			}
			return a, nil
		}
	}
	return h, nil
}

func validPort(p string) bool {
	n, err := strconv.ParseUint(p, 10, 16)
	return err == nil && n > 0
}
