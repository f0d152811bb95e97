package tlsinfo

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// CertInfo is a chain as curl's certinfo gives it (curl 7.88's -w %{certs}): for each certificate, in
// order, "Name:value" lines as curl writes them from OpenSSL (subject and issuer in OpenSSL's one-line form,
// version, serial, algorithms, the X.509v3 extensions hop can name, validity, an RSA key's size and numbers,
// signature), then the certificate in PEM. An extension hop has no words for is left out, where OpenSSL
// prints its own rendering.
func CertInfo(certs []*x509.Certificate) string {
	var b strings.Builder
	for _, c := range certs {
		line := func(name, value string) { b.WriteString(name + ":" + value + "\n") }
		line("Subject", opensslName(c.Subject, ", ", " = "))
		line("Issuer", opensslName(c.Issuer, ", ", " = "))
		line("Version", fmt.Sprint(c.Version-1))
		serial := hex.EncodeToString(c.SerialNumber.Bytes())
		if serial == "" {
			serial = "00"
		}
		if c.SerialNumber.Sign() < 0 {
			serial = "-" + serial
		}
		line("Serial Number", serial)
		line("Signature Algorithm", opensslSignature(c.SignatureAlgorithm))
		line("Public Key Algorithm", map[x509.PublicKeyAlgorithm]string{
			x509.RSA: "rsaEncryption", x509.ECDSA: "id-ecPublicKey", x509.Ed25519: "ED25519", x509.DSA: "dsaEncryption",
		}[c.PublicKeyAlgorithm])
		for _, ext := range c.Extensions {
			if name, value, ok := extensionText(c, ext); ok {
				line(name, value)
			}
		}
		line("Start date", c.NotBefore.UTC().Format(opensslTime))
		line("Expire date", c.NotAfter.UTC().Format(opensslTime))
		if k, ok := c.PublicKey.(*rsa.PublicKey); ok {
			line("RSA Public Key", fmt.Sprint(k.N.BitLen()))
			line("rsa(n)", strings.ToUpper(k.N.Text(16)))
			line("rsa(e)", strings.ToUpper(strconv.FormatInt(int64(k.E), 16)))
		}
		var sig strings.Builder
		for _, x := range c.Signature {
			fmt.Fprintf(&sig, "%02x:", x)
		}
		line("Signature", sig.String())
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	return b.String()
}

// opensslTime is how OpenSSL prints an ASN.1 time: "Dec  3 16:53:03 2026 GMT".
const opensslTime = "Jan _2 15:04:05 2006 GMT"

// opensslName is a name as OpenSSL writes it, its attributes in the certificate's order, each "key", eq,
// "value", with sep between them: curl's certinfo has OpenSSL's one-line form ("C = US, O = Example, CN =
// example.com": ", " and " = "), its -v the form X509_NAME_print_ex gives it ("C=US; O=Example": "; " and
// "=").
func opensslName(n pkix.Name, sep, eq string) string {
	short := map[string]string{
		"2.5.4.6": "C", "2.5.4.8": "ST", "2.5.4.7": "L", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.3": "CN",
		"2.5.4.5": "serialNumber", "2.5.4.9": "street", "2.5.4.17": "postalCode", "1.2.840.113549.1.9.1": "emailAddress",
		"0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID", "2.5.4.4": "SN", "2.5.4.42": "GN",
	}
	var parts []string
	for _, atv := range n.Names {
		key := short[atv.Type.String()]
		if key == "" {
			key = atv.Type.String()
		}
		parts = append(parts, fmt.Sprintf("%s%s%v", key, eq, atv.Value))
	}
	return strings.Join(parts, sep)
}

func opensslSignature(a x509.SignatureAlgorithm) string {
	if name, ok := map[x509.SignatureAlgorithm]string{
		x509.SHA256WithRSA: "sha256WithRSAEncryption", x509.SHA384WithRSA: "sha384WithRSAEncryption",
		x509.SHA512WithRSA: "sha512WithRSAEncryption", x509.SHA1WithRSA: "sha1WithRSAEncryption",
		x509.ECDSAWithSHA256: "ecdsa-with-SHA256", x509.ECDSAWithSHA384: "ecdsa-with-SHA384",
		x509.ECDSAWithSHA512: "ecdsa-with-SHA512", x509.ECDSAWithSHA1: "ecdsa-with-SHA1",
		x509.SHA256WithRSAPSS: "rsassaPss", x509.SHA384WithRSAPSS: "rsassaPss", x509.SHA512WithRSAPSS: "rsassaPss",
		x509.PureEd25519: "ED25519",
	}[a]; ok {
		return name
	}
	return a.String()
}

// extensionText is an extension as OpenSSL names and prints it, for those hop can render; ok is false for
// the others.
func extensionText(c *x509.Certificate, ext pkix.Extension) (name, value string, ok bool) {
	colonHex := func(b []byte) string {
		s := make([]string, len(b))
		for i, x := range b {
			s[i] = fmt.Sprintf("%02X", x)
		}
		return strings.Join(s, ":")
	}
	switch ext.Id.String() {
	case "2.5.29.15":
		var uses []string
		for i, u := range []string{"Digital Signature", "Non Repudiation", "Key Encipherment", "Data Encipherment",
			"Key Agreement", "Certificate Sign", "CRL Sign", "Encipher Only", "Decipher Only"} {
			if c.KeyUsage&(1<<i) != 0 {
				uses = append(uses, u)
			}
		}
		return "X509v3 Key Usage", strings.Join(uses, ", "), true
	case "2.5.29.37":
		names := map[x509.ExtKeyUsage]string{
			x509.ExtKeyUsageServerAuth: "TLS Web Server Authentication", x509.ExtKeyUsageClientAuth: "TLS Web Client Authentication",
			x509.ExtKeyUsageCodeSigning: "Code Signing", x509.ExtKeyUsageEmailProtection: "E-mail Protection",
			x509.ExtKeyUsageTimeStamping: "Time Stamping", x509.ExtKeyUsageOCSPSigning: "OCSP Signing", x509.ExtKeyUsageAny: "Any Extended Key Usage",
		}
		var uses []string
		for _, u := range c.ExtKeyUsage {
			if n, ok := names[u]; ok {
				uses = append(uses, n)
			}
		}
		if len(uses) != len(c.ExtKeyUsage) || len(c.UnknownExtKeyUsage) > 0 {
			return "", "", false
		}
		return "X509v3 Extended Key Usage", strings.Join(uses, ", "), true
	case "2.5.29.19":
		v := "CA:FALSE"
		if c.IsCA {
			v = "CA:TRUE"
			if c.MaxPathLen > 0 || c.MaxPathLenZero {
				v += fmt.Sprintf(", pathlen:%d", c.MaxPathLen)
			}
		}
		return "X509v3 Basic Constraints", v, true
	case "2.5.29.14":
		return "X509v3 Subject Key Identifier", colonHex(c.SubjectKeyId), true
	case "2.5.29.35":
		var aki struct {
			ID     []byte        `asn1:"optional,tag:0"`
			Issuer asn1.RawValue `asn1:"optional,tag:1"`
		}
		if rest, err := asn1.Unmarshal(ext.Value, &aki); err != nil || len(rest) > 0 || aki.Issuer.FullBytes != nil {
			return "", "", false
		}
		return "X509v3 Authority Key Identifier", colonHex(aki.ID), true
	case "1.3.6.1.5.5.7.1.1":
		var access []struct {
			Method   asn1.ObjectIdentifier
			Location asn1.RawValue
		}
		if rest, err := asn1.Unmarshal(ext.Value, &access); err != nil || len(rest) > 0 {
			return "", "", false
		}
		var lines []string
		for _, a := range access {
			method := map[string]string{"1.3.6.1.5.5.7.48.1": "OCSP", "1.3.6.1.5.5.7.48.2": "CA Issuers"}[a.Method.String()]
			if method == "" || a.Location.Tag != 6 {
				return "", "", false
			}
			lines = append(lines, method+" - URI:"+string(a.Location.Bytes))
		}
		return "Authority Information Access", strings.Join(lines, "\n"), true
	case "2.5.29.31":
		if len(c.CRLDistributionPoints) != 1 {
			return "", "", false // several: how OpenSSL lays them out is left to it
		}
		return "X509v3 CRL Distribution Points", "Full Name:\n  URI:" + c.CRLDistributionPoints[0], true
	case "2.5.29.17":
		// In the extension's order, as OpenSSL prints them (Go's fields group them by kind).
		var general []asn1.RawValue
		if rest, err := asn1.Unmarshal(ext.Value, &general); err != nil || len(rest) > 0 {
			return "", "", false
		}
		var names []string
		for _, g := range general {
			switch g.Tag {
			case 1:
				names = append(names, "email:"+string(g.Bytes))
			case 2:
				names = append(names, "DNS:"+string(g.Bytes))
			case 6:
				names = append(names, "URI:"+string(g.Bytes))
			case 7:
				names = append(names, "IP Address:"+ipText(net.IP(g.Bytes)))
			default:
				return "", "", false
			}
		}
		return "X509v3 Subject Alternative Name", strings.Join(names, ", "), true
	}
	return "", "", false
}

// ipText is an address as OpenSSL prints it in a name: IPv6 in full, upper case.
func ipText(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	var groups []string
	for i := 0; i < 16; i += 2 {
		groups = append(groups, fmt.Sprintf("%X", uint16(ip[i])<<8|uint16(ip[i+1])))
	}
	return strings.Join(groups, ":")
}
