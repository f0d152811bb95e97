package tlsinfo

import "testing"

// A certificate file of any content is parsed or refused; never a panic.
func FuzzCertFile(f *testing.F) {
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
	f.Add([]byte{0x30, 0x82, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		chain, err := ParseCerts(data)
		if err == nil && len(chain) == 0 {
			t.Fatalf("ParseCerts(%q): no certificate and no error", data)
		}
	})
}
