package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// tlsFlags are serve's HTTPS settings: a certificate and key of the operator's, or one the fake makes for itself.
type tlsFlags struct {
	cert, key, certOut string
	generate           bool
}

// serveTLS is what serve needs to answer over HTTPS: the certificate, and where to write it for clients to trust
// (a generated one only).
type serveTLS struct {
	config *tls.Config
	pem    []byte // the generated certificate, to write out; nil for the operator's own
	out    string // where to write it: "" means the temporary folder, named after the port
}

// setup reads the flags: nil without TLS. A missing or unreadable certificate or key is a bad flag.
func (fl tlsFlags) setup(addr string) (*serveTLS, error) {
	switch {
	case fl.generate && (fl.cert != "" || fl.key != ""):
		return nil, errors.New("--tls makes its own certificate: give it, or --tls-cert and --tls-key, not both")
	case (fl.cert == "") != (fl.key == ""):
		return nil, errors.New("--tls-cert and --tls-key go together")
	case fl.certOut != "" && !fl.generate:
		return nil, errors.New("--tls-cert-out is where --tls writes the certificate it makes: it needs --tls")
	case fl.cert != "":
		cert, err := tls.LoadX509KeyPair(fl.cert, fl.key)
		if err != nil {
			return nil, fmt.Errorf("--tls-cert %s, --tls-key %s: %w", fl.cert, fl.key, err)
		}
		return &serveTLS{config: &tls.Config{Certificates: []tls.Certificate{cert}}}, nil
	case fl.generate:
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("--addr %s: %w", addr, err)
		}
		cert, pemBytes, err := selfSigned(host, time.Now())
		if err != nil {
			return nil, fmt.Errorf("--tls: making a certificate: %w", err)
		}
		return &serveTLS{config: &tls.Config{Certificates: []tls.Certificate{cert}}, pem: pemBytes, out: fl.certOut}, nil
	}
	return nil, nil
}

// writeCert writes a generated certificate where clients can read it (it is public; the key stays in memory) and
// returns the path; port names the default file, so that two fakes do not overwrite each other's.
func (s *serveTLS) writeCert(port int) (string, error) {
	if s.pem == nil {
		return "", nil
	}
	path := s.out
	if path == "" {
		path = filepath.Join(os.TempDir(), "coupa-users-"+strconv.Itoa(port)+".pem")
	}
	if err := os.WriteFile(path, s.pem, 0o644); err != nil {
		return "", fmt.Errorf("--tls-cert-out: %w", err)
	}
	return path, nil
}

// selfSigned makes an ECDSA P-256 certificate for localhost, 127.0.0.1, ::1 and host (the host of --addr, unless it
// is every interface), valid for a year from now: its own issuer, so that clients trust it by trusting it alone
// (curl --cacert FILE).
func selfSigned(host string, now time.Time) (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "coupa-users fake (self-signed)"},
		NotBefore:             now.Add(-time.Hour), // a client whose clock is a little behind still accepts it
		NotAfter:              now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsUnspecified() && !ip.IsLoopback() {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		}
	} else if host != "" && host != "localhost" {
		tmpl.DNSNames = append(tmpl.DNSNames, host)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}
