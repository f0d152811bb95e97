package testserver

import (
	"crypto/ecdh"
	"crypto/rand"
	"crypto/tls"
	be "encoding/binary"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
)

// ECH is a server's Encrypted Client Hello key (RFC 9849): the ECHConfigList clients are given, in DNS's
// HTTPS record or by curl's --ech ecl:, and the key a Go server decrypts with (tls.Config's
// EncryptedClientHelloKeys). A client that meets a server without the key is answered by the outer hello's
// name, PublicName, whose certificate it verifies before it is told to retry.
type ECH struct {
	PublicName string
	ConfigList []byte
	Key        tls.EncryptedClientHelloKey
}

// NewECH makes an ECH key with config id, for DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and AES-128-GCM.
func NewECH(id uint8, publicName string) (*ECH, error) {
	priv, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	pub := priv.PublicKey().Bytes()
	var c []byte
	c = append(c, id)
	c = be.BigEndian.AppendUint16(c, 0x0020) // DHKEM(X25519, HKDF-SHA256)
	c = be.BigEndian.AppendUint16(c, uint16(len(pub)))
	c = append(c, pub...)
	c = be.BigEndian.AppendUint16(c, 4)      // one cipher suite:
	c = be.BigEndian.AppendUint16(c, 0x0001) // HKDF-SHA256
	c = be.BigEndian.AppendUint16(c, 0x0001) // AES-128-GCM
	c = append(c, 0)                         // maximum_name_length: none said
	c = append(c, byte(len(publicName)))
	c = append(c, publicName...)
	c = be.BigEndian.AppendUint16(c, 0) // no extensions
	config := be.BigEndian.AppendUint16(nil, 0xfe0d)
	config = be.BigEndian.AppendUint16(config, uint16(len(c)))
	config = append(config, c...)
	list := be.BigEndian.AppendUint16(nil, uint16(len(config)))
	list = append(list, config...)
	return &ECH{PublicName: publicName, ConfigList: list, Key: tls.EncryptedClientHelloKey{Config: config, PrivateKey: priv.Bytes(), SendAsRetry: true}}, nil
}

// ECHSite is an HTTPS server with an ECH key (public name public.hop.test) for the names ech.hop.test,
// plain.hop.test and stale.hop.test, which answers "ech=BOOL name=NAME" on a line: whether the hello it read was
// encrypted, and the name it carried; and a DNS server (Zone hop.test.) whose HTTPS records give
// ech.hop.test the server's config and stale.hop.test a config of a key the server does not hold, so that
// the server refuses it and offers its own (plain.hop.test has none). Served counts the requests served.
type ECHSite struct {
	Server *httptest.Server
	DNS    *DNS
	ECH    *ECH   // the server's key
	Root   []byte // the CA to trust, PEM
	Port   string
	Served atomic.Int64
}

// StartECHSite starts an ECHSite on loopback; Close stops it.
func StartECHSite() (*ECHSite, error) {
	pki, err := NewPKI()
	if err != nil {
		return nil, err
	}
	leaf, err := pki.Issue(Leaf{Names: []string{"ech.hop.test", "plain.hop.test", "stale.hop.test", "public.hop.test", "127.0.0.1"}})
	if err != nil {
		return nil, err
	}
	s := &ECHSite{Root: CertPEM(pki.Root)}
	if s.ECH, err = NewECH(7, "public.hop.test"); err != nil {
		return nil, err
	}
	stale, err := NewECH(8, "public.hop.test")
	if err != nil {
		return nil, err
	}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Served.Add(1)
		fmt.Fprintf(w, "ech=%v name=%s\n", r.TLS.ECHAccepted, r.TLS.ServerName)
	}))
	s.Server.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.Server.TLS = &tls.Config{Certificates: []tls.Certificate{leaf}, EncryptedClientHelloKeys: []tls.EncryptedClientHelloKey{s.ECH.Key}}
	s.Server.StartTLS()
	_, s.Port, _ = net.SplitHostPort(s.Server.Listener.Addr().String())
	if s.DNS, err = StartDNS(&DNS{Zone: "hop.test.", ECH: map[string][]byte{"ech.hop.test": s.ECH.ConfigList, "stale.hop.test": stale.ConfigList}}); err != nil {
		s.Server.Close()
		return nil, err
	}
	return s, nil
}

// URL is https://NAME:PORT/ for the site.
func (s *ECHSite) URL(name string) string { return "https://" + name + ":" + s.Port + "/" }

// Close stops the server and its DNS.
func (s *ECHSite) Close() {
	s.Server.Close()
	s.DNS.Close()
}
