package harness

import (
	"crypto/tls"
	"crypto/x509"
)

// TLSTrusting is a client TLS configuration that trusts exactly the given roots.
func TLSTrusting(roots ...*x509.Certificate) *tls.Config {
	pool := x509.NewCertPool()
	for _, r := range roots {
		pool.AddCert(r)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}
