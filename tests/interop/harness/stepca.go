package harness

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/smallstep/certificates/authority/admin"
	adminnosql "github.com/smallstep/certificates/authority/admin/db/nosql"
	"github.com/smallstep/linkedca"
	"github.com/smallstep/nosql"
)

// StepCA is a real step-ca (cmd/step-ca) with one ACME provisioner that offers only device-attest-01 in
// Apple's format, trusting the scenario's test attestation root, and an AUTHORIZING webhook pointing at
// acmepolicy's /webhook/step-ca; with StepCAOptions.FallbackProvisioner, a second ACME provisioner for a
// fallback policy (see there).
type StepCA struct {
	Proc         *Proc
	URL          string // https://127.0.0.1:PORT
	DirectoryURL string // the ACME directory of the provisioner
	// FallbackDirectoryURL is the second provisioner's ACME directory ("" without FallbackProvisioner).
	FallbackDirectoryURL string
	Root                 *CA    // the CA's root: the device's ACME client trusts it
	WebhookSecret        string // base64, as step-ca hands it out
}

// StepCAOptions tune the provisioner.
type StepCAOptions struct {
	AttestationRoot *CA           // the test stand-in for Apple's Enterprise Attestation Root
	WebhookURL      string        // acmepolicy's https://.../webhook/step-ca; empty: no webhook
	TrustPEMFile    string        // CA bundle step-ca trusts for the webhook's TLS (SSL_CERT_FILE)
	CertDuration    time.Duration // issued certificates' lifetime (default 24 h)
	// FallbackProvisioner adds a second ACME provisioner, "acme-fallback", for the policy that devices
	// without attestation fall back to: device-attest-01 (the only challenge Apple devices answer, with or
	// without Attest) in every format step-ca knows, trusting the same test root, and no webhook. step-ca
	// has no way to validate device-attest-01 without an attestation, so it cannot issue to such devices.
	FallbackProvisioner bool
}

const stepProvisioner = "acme-da"
const stepFallbackProvisioner = "acme-fallback"

// StartStepCA writes ca.json, seeds the provisioner into step-ca's database and starts the server.
//
// Webhook secrets cannot be written in ca.json (step-ca keeps them out of its JSON form), so the
// provisioner is stored the way step-ca's own admin API stores it: with remote management enabled, in its
// bbolt database, through step-ca's admin DB package.
func StartStepCA(t testing.TB, bin, dir string, opts StepCAOptions) *StepCA {
	t.Helper()
	root, err := NewCA("interop step-ca root")
	check(t, err)
	inter, err := root.IssueIntermediate("interop step-ca intermediate")
	check(t, err)
	check(t, writeFile(filepath.Join(dir, "stepca-root.crt"), CertPEM(root.Cert)))
	check(t, writeFile(filepath.Join(dir, "stepca-intermediate.crt"), CertPEM(inter.Cert)))
	check(t, writeFile(filepath.Join(dir, "stepca-intermediate.key"), ECKeyPEM(inter.Key.(*ecdsa.PrivateKey))))

	secretBytes := make([]byte, 32)
	rand.Read(secretBytes)
	secret := base64.StdEncoding.EncodeToString(secretBytes)

	duration := opts.CertDuration
	if duration == 0 {
		duration = 24 * time.Hour
	}
	dbPath := filepath.Join(dir, "stepca-db")
	seedProvisioner(t, dbPath, opts, secret, duration)

	port := FreePort(t)
	config := map[string]any{
		"root":     filepath.Join(dir, "stepca-root.crt"),
		"crt":      filepath.Join(dir, "stepca-intermediate.crt"),
		"key":      filepath.Join(dir, "stepca-intermediate.key"),
		"address":  fmt.Sprintf("127.0.0.1:%d", port),
		"dnsNames": []string{"127.0.0.1", "localhost"},
		"logger":   map[string]any{"format": "text"},
		"db":       map[string]any{"type": "bbolt", "dataSource": dbPath},
		"authority": map[string]any{
			"enableAdmin": true,
		},
	}
	raw, err := json.MarshalIndent(config, "", "  ")
	check(t, err)
	configPath := filepath.Join(dir, "stepca.json")
	check(t, writeFile(configPath, raw))

	p := &Proc{Name: "step-ca", Bin: bin, Args: []string{configPath}, Dir: dir}
	if opts.TrustPEMFile != "" {
		p.Env = append(p.Env, "SSL_CERT_FILE="+opts.TrustPEMFile)
	}
	p.Start(t)
	s := &StepCA{Proc: p, URL: fmt.Sprintf("https://127.0.0.1:%d", port), Root: root, WebhookSecret: secret}
	s.DirectoryURL = s.URL + "/acme/" + stepProvisioner + "/directory"
	if opts.FallbackProvisioner {
		s.FallbackDirectoryURL = s.URL + "/acme/" + stepFallbackProvisioner + "/directory"
	}
	WaitHTTP(t, p, s.URL+"/health", TLSTrusting(root.Cert), 30*time.Second)
	return s
}

func seedProvisioner(t testing.TB, dbPath string, opts StepCAOptions, secret string, duration time.Duration) {
	t.Helper()
	db, err := nosql.New("bbolt", dbPath)
	check(t, err)
	defer db.Close()
	adb, err := adminnosql.New(db, admin.DefaultAuthorityID)
	check(t, err)
	acme := &linkedca.ACMEProvisioner{
		Challenges:         []linkedca.ACMEProvisioner_ChallengeType{linkedca.ACMEProvisioner_DEVICE_ATTEST_01},
		AttestationFormats: []linkedca.ACMEProvisioner_AttestationFormatType{linkedca.ACMEProvisioner_APPLE},
	}
	if opts.AttestationRoot != nil {
		acme.AttestationRoots = [][]byte{CertPEM(opts.AttestationRoot.Cert)}
	}
	prov := &linkedca.Provisioner{
		Type:    linkedca.Provisioner_ACME,
		Name:    stepProvisioner,
		Details: &linkedca.ProvisionerDetails{Data: &linkedca.ProvisionerDetails_ACME{ACME: acme}},
		Claims: &linkedca.Claims{X509: &linkedca.X509Claims{Enabled: true, Durations: &linkedca.Durations{
			Default: duration.String(), Min: "1m", Max: "2160h",
		}}},
	}
	if opts.WebhookURL != "" {
		prov.Webhooks = []*linkedca.Webhook{{
			Name:     "acmepolicy",
			Url:      opts.WebhookURL,
			Kind:     linkedca.Webhook_AUTHORIZING,
			CertType: linkedca.Webhook_X509,
			Secret:   secret,
		}}
	}
	check(t, adb.CreateProvisioner(context.Background(), prov))
	if !opts.FallbackProvisioner {
		return
	}
	fallback := &linkedca.ACMEProvisioner{
		Challenges: []linkedca.ACMEProvisioner_ChallengeType{linkedca.ACMEProvisioner_DEVICE_ATTEST_01},
		AttestationFormats: []linkedca.ACMEProvisioner_AttestationFormatType{
			linkedca.ACMEProvisioner_APPLE, linkedca.ACMEProvisioner_STEP, linkedca.ACMEProvisioner_TPM},
		AttestationRoots: acme.AttestationRoots,
	}
	check(t, adb.CreateProvisioner(context.Background(), &linkedca.Provisioner{
		Type:    linkedca.Provisioner_ACME,
		Name:    stepFallbackProvisioner,
		Details: &linkedca.ProvisionerDetails{Data: &linkedca.ProvisionerDetails_ACME{ACME: fallback}},
		Claims:  prov.Claims,
	}))
}

func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
