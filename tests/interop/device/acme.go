package device

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/fxamacker/cbor/v2"
	"golang.org/x/crypto/acme"
)

// acmePayload is com.apple.security.acme as the device reads it (Apple: com.apple.security.acme.yaml).
type acmePayload struct {
	PayloadUUID      string
	DirectoryURL     string
	ClientIdentifier string
	KeyType          string
	KeySize          int
	HardwareBound    bool
	Attest           bool
	Subject          [][][]string
	SubjectAltName   map[string]any
	UsageFlags       int
	ExtendedKeyUsage []string
}

// Apple's attestation certificate extensions (read by step-ca's device-attest-01 "apple" format).
var (
	oidAppleSerialNumber = asn1.ObjectIdentifier{1, 2, 840, 113635, 100, 8, 9, 1}
	oidAppleUDID         = asn1.ObjectIdentifier{1, 2, 840, 113635, 100, 8, 9, 2}
	oidAppleSEPOSVersion = asn1.ObjectIdentifier{1, 2, 840, 113635, 100, 8, 10, 2}
	oidAppleNonce        = asn1.ObjectIdentifier{1, 2, 840, 113635, 100, 8, 11, 1}
	oidKeyUsage          = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidExtKeyUsage       = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidSubjectAltName    = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidNTPrincipalName   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 20, 2, 3}
)

// enroll runs the device's ACME client for one payload: a key of KeyType/KeySize, a new account, an order
// for the permanent identifier ClientIdentifier, device-attest-01 answered with an Apple-format attestation
// (when the payload asks for it and the hardware can), and a CSR carrying the payload's Subject,
// SubjectAltName, UsageFlags and ExtendedKeyUsage.
func (d *Device) enroll(p *acmePayload, profileRoots []*x509.Certificate) (*Identity, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	key, err := generateKey(p.KeyType, p.KeySize)
	if err != nil {
		return nil, err
	}
	accountKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	for _, r := range append(append([]*x509.Certificate(nil), d.cfg.ACMERoots...), profileRoots...) {
		roots.AddCert(r)
	}
	client := &acme.Client{Key: accountKey, DirectoryURL: p.DirectoryURL, UserAgent: "interop-device",
		HTTPClient: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}}
	if _, err := client.Register(ctx, &acme.Account{}, acme.AcceptTOS); err != nil {
		return nil, fmt.Errorf("new account: %w", err)
	}
	order, err := client.AuthorizeOrder(ctx, []acme.AuthzID{{Type: "permanent-identifier", Value: p.ClientIdentifier}})
	if err != nil {
		return nil, fmt.Errorf("new order: %w", err)
	}
	for _, authzURL := range order.AuthzURLs {
		authz, err := client.GetAuthorization(ctx, authzURL)
		if err != nil {
			return nil, err
		}
		var chal *acme.Challenge
		for _, c := range authz.Challenges {
			if c.Type == "device-attest-01" {
				chal = c
			}
		}
		if chal == nil {
			return nil, fmt.Errorf("the ACME server offers no device-attest-01 challenge")
		}
		chal.Payload, err = d.attestationPayload(p, key, chal.Token)
		if err != nil {
			return nil, err
		}
		answered, err := client.Accept(ctx, chal)
		if err != nil {
			return nil, fmt.Errorf("device-attest-01: %w", err)
		}
		// step-ca validates device-attest-01 while answering; a refused attestation leaves the
		// authorization pending, so the challenge's own status is the verdict.
		if answered.Status == acme.StatusInvalid {
			return nil, fmt.Errorf("device-attest-01 refused: %v", answered.Error)
		}
		if _, err := client.WaitAuthorization(ctx, authzURL); err != nil {
			return nil, fmt.Errorf("authorization: %w", err)
		}
	}
	if order, err = client.WaitOrder(ctx, order.URI); err != nil {
		return nil, fmt.Errorf("order: %w", err)
	}
	csr, err := certificateRequest(p, key)
	if err != nil {
		return nil, err
	}
	ders, _, err := client.CreateOrderCert(ctx, order.FinalizeURL, csr, true)
	if err != nil {
		return nil, fmt.Errorf("finalize: %w", err)
	}
	id := &Identity{PayloadUUID: p.PayloadUUID, Key: key}
	for i, der := range ders {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			id.Cert = c
		} else {
			id.Chain = append(id.Chain, c)
		}
	}
	return id, nil
}

func generateKey(keyType string, size int) (crypto.Signer, error) {
	switch keyType {
	case "RSA":
		return rsa.GenerateKey(rand.Reader, size)
	case "ECSECPrimeRandom":
		curves := map[int]elliptic.Curve{256: elliptic.P256(), 384: elliptic.P384(), 521: elliptic.P521()}
		if c, ok := curves[size]; ok {
			return ecdsa.GenerateKey(c, rand.Reader)
		}
	}
	return nil, fmt.Errorf("unsupported key %s %d", keyType, size)
}

// attestationPayload is the device-attest-01 answer: {"attObj": base64url(CBOR attestation object)}, the
// WebAuthn-style object Apple devices send (fmt "apple", x5c chain, empty authData).
//
// An Apple device answers device-attest-01 whether or not it attests: Apple's ACMECertificate documentation
// says the server responds with device-attest-01 and the device replies with a WebAuthn attestation
// statement "that contains the attestation if the device obtained one". When the payload does not ask for
// attestation, or the hardware ignores Attest (A10X and earlier), the statement carries none: WebAuthn's
// "none" format, an empty attStmt. (step-ca validates device-attest-01 only with an attestation, so it
// refuses this answer.)
func (d *Device) attestationPayload(p *acmePayload, key crypto.Signer, token string) (json.RawMessage, error) {
	if !p.Attest || !d.cfg.CanAttest {
		attObj, err := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": []byte{}})
		if err != nil {
			return nil, err
		}
		return json.Marshal(map[string]string{"attObj": base64.RawURLEncoding.EncodeToString(attObj)})
	}
	nonce := sha256.Sum256([]byte(token))
	exts := []pkix.Extension{
		{Id: oidAppleNonce, Value: nonce[:]},
		{Id: oidAppleSEPOSVersion, Value: []byte(d.cfg.OSVersion)},
	}
	// User Enrollment attestations carry no hardware identifiers (Apple keeps them from the organisation).
	if d.cfg.Serial != "" {
		exts = append(exts, pkix.Extension{Id: oidAppleSerialNumber, Value: []byte(d.cfg.Serial)})
	}
	if d.cfg.UDID != "" {
		exts = append(exts, pkix.Extension{Id: oidAppleUDID, Value: []byte(d.cfg.UDID)})
	}
	sub, err := d.attestationSubCA()
	if err != nil {
		return nil, err
	}
	leaf, err := sub.Issue(&x509.Certificate{
		Subject:         pkix.Name{CommonName: fmt.Sprintf("%x", nonce[:8])},
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtraExtensions: exts,
		NotAfter:        time.Now().Add(time.Hour),
	}, key.Public())
	if err != nil {
		return nil, err
	}
	attObj, err := cbor.Marshal(map[string]any{
		"fmt":      "apple",
		"attStmt":  map[string]any{"x5c": []any{leaf.Raw, sub.Cert.Raw}},
		"authData": []byte{},
	})
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]string{"attObj": base64.RawURLEncoding.EncodeToString(attObj)})
}

func certificateRequest(p *acmePayload, key crypto.Signer) ([]byte, error) {
	rawSubject, err := asn1.Marshal(subjectName(p.Subject))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.CertificateRequest{RawSubject: rawSubject}
	var exts []pkix.Extension
	if san, err := subjectAltName(p.SubjectAltName); err != nil {
		return nil, err
	} else if san != nil {
		exts = append(exts, *san)
	}
	if p.UsageFlags != 0 {
		var ku x509.KeyUsage
		if p.UsageFlags&0x01 != 0 {
			ku |= x509.KeyUsageDigitalSignature
		}
		if p.UsageFlags&0x04 != 0 {
			ku |= x509.KeyUsageKeyEncipherment
		}
		exts = append(exts, keyUsageExtension(ku))
	}
	if len(p.ExtendedKeyUsage) > 0 {
		var oids []asn1.ObjectIdentifier
		for _, s := range p.ExtendedKeyUsage {
			oid, err := parseOID(s)
			if err != nil {
				return nil, err
			}
			oids = append(oids, oid)
		}
		value, err := asn1.Marshal(oids)
		if err != nil {
			return nil, err
		}
		exts = append(exts, pkix.Extension{Id: oidExtKeyUsage, Value: value})
	}
	tmpl.ExtraExtensions = exts
	return x509.CreateCertificateRequest(rand.Reader, tmpl, key)
}

var subjectShortcuts = map[string]asn1.ObjectIdentifier{
	"C": {2, 5, 4, 6}, "L": {2, 5, 4, 7}, "ST": {2, 5, 4, 8}, "O": {2, 5, 4, 10}, "OU": {2, 5, 4, 11}, "CN": {2, 5, 4, 3},
}

// subjectName keeps the payload's RDN structure (multi-valued RDNs included) as the CSR's subject.
func subjectName(rdns [][][]string) pkix.RDNSequence {
	var seq pkix.RDNSequence
	for _, rdn := range rdns {
		var set pkix.RelativeDistinguishedNameSET
		for _, pair := range rdn {
			if len(pair) != 2 {
				continue
			}
			oid, ok := subjectShortcuts[pair[0]]
			if !ok {
				oid, _ = parseOID(pair[0])
			}
			set = append(set, pkix.AttributeTypeAndValue{Type: oid, Value: pair[1]})
		}
		seq = append(seq, set)
	}
	return seq
}

func subjectAltName(san map[string]any) (*pkix.Extension, error) {
	if len(san) == 0 {
		return nil, nil
	}
	var names []asn1.RawValue
	add := func(tag int, key string) {
		for _, v := range stringsOf(san[key]) {
			names = append(names, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: tag, Bytes: []byte(v)})
		}
	}
	add(1, "rfc822Name")
	add(2, "dNSName")
	for _, v := range stringsOf(san["uniformResourceIdentifier"]) {
		if _, err := url.Parse(v); err != nil {
			return nil, err
		}
		names = append(names, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 6, Bytes: []byte(v)})
	}
	for _, v := range stringsOf(san["ntPrincipalName"]) {
		utf8, err := asn1.MarshalWithParams(v, "utf8")
		if err != nil {
			return nil, err
		}
		inner, err := asn1.Marshal(struct {
			Type  asn1.ObjectIdentifier
			Value asn1.RawValue `asn1:"explicit,tag:0"`
		}{oidNTPrincipalName, asn1.RawValue{FullBytes: utf8}})
		if err != nil {
			return nil, err
		}
		var seq asn1.RawValue
		if _, err := asn1.Unmarshal(inner, &seq); err != nil {
			return nil, err
		}
		names = append(names, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: seq.Bytes})
	}
	value, err := asn1.Marshal(names)
	if err != nil {
		return nil, err
	}
	return &pkix.Extension{Id: oidSubjectAltName, Value: value}, nil
}

func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func keyUsageExtension(ku x509.KeyUsage) pkix.Extension {
	var bits [2]byte
	for i := 0; i < 9; i++ {
		if ku&(1<<uint(i)) != 0 {
			bits[i/8] |= 0x80 >> uint(i%8)
		}
	}
	length := 1
	if bits[1] != 0 {
		length = 2
	}
	value, _ := asn1.Marshal(asn1.BitString{Bytes: bits[:length], BitLength: length * 8})
	return pkix.Extension{Id: oidKeyUsage, Critical: true, Value: value}
}

func parseOID(s string) (asn1.ObjectIdentifier, error) {
	var oid asn1.ObjectIdentifier
	var n int
	digits := false
	for _, r := range s + "." {
		switch {
		case r >= '0' && r <= '9':
			n, digits = n*10+int(r-'0'), true
		case r == '.' && digits:
			oid, n, digits = append(oid, n), 0, false
		default:
			return nil, fmt.Errorf("%q is not a dotted OID", s)
		}
	}
	if len(oid) < 2 {
		return nil, fmt.Errorf("%q is not a dotted OID", s)
	}
	return oid, nil
}
