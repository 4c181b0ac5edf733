package harness

import (
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"testing"
)

// TLSFront is the https front of NanoMDM that a real deployment has (NanoMDM itself speaks plain HTTP
// behind a TLS terminator): devices reach /mdm and /authproxy/ through it, and declarative credential
// URLs (which Apple requires to be https) point at it. It forwards every request unchanged, headers
// included, so the device identity header reaches NanoMDM as a terminator's client-certificate header would.
type TLSFront struct {
	URL    string
	server *http.Server
}

// StartTLSFront serves https on a free loopback port with a certificate from ca, forwarding to target.
func StartTLSFront(t testing.TB, ca *CA, target string) *TLSFront {
	t.Helper()
	upstream, err := url.Parse(target)
	check(t, err)
	cert, key, err := ca.ServerCert()
	check(t, err)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	check(t, err)
	server := &http.Server{
		Handler:   httputil.NewSingleHostReverseProxy(upstream),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{cert.Raw}, PrivateKey: key}}},
	}
	go server.ServeTLS(listener, "", "")
	t.Cleanup(func() { server.Close() })
	return &TLSFront{URL: "https://" + listener.Addr().String(), server: server}
}
