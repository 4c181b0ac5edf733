package harness

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Binaries are the programs a scenario runs. The test build sets them (see CMakeLists.txt):
// ACMEPOLICY_BIN, NANOMDM_BIN, STEPCA_BIN, NANOMDM_HOOK_BIN.
type Binaries struct{ Acmepolicy, NanoMDM, StepCA, Hook string }

// BinariesFromEnv reads the binaries' paths; a scenario without them fails (never skips: CI must run it).
func BinariesFromEnv(t testing.TB) Binaries {
	t.Helper()
	b := Binaries{
		Acmepolicy: os.Getenv("ACMEPOLICY_BIN"),
		NanoMDM:    os.Getenv("NANOMDM_BIN"),
		StepCA:     os.Getenv("STEPCA_BIN"),
		Hook:       os.Getenv("NANOMDM_HOOK_BIN"),
	}
	for name, path := range map[string]string{"ACMEPOLICY_BIN": b.Acmepolicy, "NANOMDM_BIN": b.NanoMDM, "STEPCA_BIN": b.StepCA} {
		if path == "" {
			t.Fatalf("%s is not set: run the interop scenarios through ctest (-L interop), which builds the servers", name)
		}
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("%s=%s: %v", name, path, err)
		}
	}
	return b
}

// ArtifactDir is the scenario's folder for configuration, databases and server logs: under
// $INTEROP_ARTIFACTS (the build tree, kept after the run) when set, else a temporary folder.
func ArtifactDir(t testing.TB) string {
	t.Helper()
	base := os.Getenv("INTEROP_ARTIFACTS")
	if base == "" {
		return t.TempDir()
	}
	name := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(t.Name(), "_")
	dir := filepath.Join(base, name)
	check(t, os.RemoveAll(dir))
	check(t, os.MkdirAll(dir, 0o755))
	t.Logf("logs and state of this scenario: %s", dir)
	return dir
}

// Stack is one scenario's servers: NanoMDM, acmepolicy serve (or the Go hook) and step-ca, wired as an
// operator would wire them, all on 127.0.0.1.
type Stack struct {
	Dir        string
	Bins       Binaries
	DeviceCA   *CA // issues the simulated devices' MDM identity certificates; NanoMDM's -ca
	AttestCA   *CA // the test stand-in for Apple's Enterprise Attestation Root
	TLSCA      *CA // issues acmepolicy's HTTPS certificate (step-ca webhooks must be HTTPS)
	NanoMDM    *NanoMDM
	Front      *TLSFront // NanoMDM's https front (Declarative scenarios)
	Acmepolicy *Acmepolicy
	Hook       *Hook
	StepCA     *StepCA
	trustFile  string // PEM bundle with TLSCA, given to NanoMDM and step-ca as SSL_CERT_FILE
}

// StackOptions choose what a scenario runs.
type StackOptions struct {
	NoStepCA     bool          // scenarios that need no ACME server
	CertDuration time.Duration // step-ca certificate lifetime
	ServeArgs    []string      // extra `acmepolicy serve` options
	// Declarative wires NanoMDM's -dm and -auth-proxy-url to acmepolicy (docs/declarative.md) and gives
	// acmepolicy NanoMDM's public https URL (the TLS front).
	Declarative bool
	// Hook runs host-adapters/go/cmd/nanomdm-hook instead of `acmepolicy serve` (and step-ca without an
	// authorising webhook: the hook has none).
	Hook bool
	// FallbackProvisioner gives step-ca a second ACME provisioner for fallback policies (StepCAOptions).
	FallbackProvisioner bool
	// IssuerChain gives acmepolicy step-ca's intermediate (--issuer-chain), so the certificates it issues
	// are matched to their policies (renewal scenarios).
	IssuerChain bool
}

// NewStack starts NanoMDM, acmepolicy serve and step-ca for one test; they stop when it ends.
func NewStack(t testing.TB, opts StackOptions) *Stack {
	t.Helper()
	s := &Stack{Dir: ArtifactDir(t), Bins: BinariesFromEnv(t)}
	var err error
	s.DeviceCA, err = NewCA("interop device identity CA")
	check(t, err)
	s.AttestCA, err = NewCA("interop Enterprise Attestation Root (test)")
	check(t, err)
	s.TLSCA, err = NewCA("interop TLS CA")
	check(t, err)
	s.trustFile = filepath.Join(s.Dir, "trust.pem")
	check(t, writeFile(s.trustFile, CertPEM(s.TLSCA.Cert)))

	apiKey := randomToken()
	hmacKey := randomToken()
	acmePort := FreePort(t)
	nanoPort := FreePort(t)
	acmeURL := fmt.Sprintf("https://127.0.0.1:%d", acmePort)
	nanoURL := fmt.Sprintf("http://127.0.0.1:%d", nanoPort)

	if !opts.NoStepCA {
		webhook := acmeURL + "/webhook/step-ca"
		if opts.Hook {
			webhook = ""
		}
		s.StepCA = StartStepCA(t, s.Bins.StepCA, s.Dir, StepCAOptions{
			AttestationRoot:     s.AttestCA,
			WebhookURL:          webhook,
			TrustPEMFile:        s.trustFile,
			CertDuration:        opts.CertDuration,
			FallbackProvisioner: opts.FallbackProvisioner,
		})
	}
	webhookURL := acmeURL + "/webhook"
	var nanoExtra []string
	serveArgs := opts.ServeArgs
	if opts.Declarative {
		s.Front = StartTLSFront(t, s.TLSCA, nanoURL)
		dmKey := randomToken()
		nanoExtra = []string{"-dm", acmeURL + "/dm/", "-dm-send-hmac-key", dmKey, "-auth-proxy-url", acmeURL + "/dm-assets/"}
		serveArgs = append(append([]string(nil), serveArgs...), "--mdm-public-url", s.Front.URL, "--dm-hmac-key", dmKey)
	}
	if opts.IssuerChain && s.StepCA != nil {
		serveArgs = append(append([]string(nil), serveArgs...), "--issuer-chain", filepath.Join(s.Dir, "stepca-intermediate.crt"))
	}
	if opts.Hook {
		s.Hook = StartHook(t, s.Bins.Hook, s.Dir, acmePort, nanoURL, apiKey, hmacKey)
		webhookURL = s.Hook.URL + "/webhook"
	} else {
		s.Acmepolicy = StartAcmepolicy(t, s.Bins.Acmepolicy, s.Dir, AcmepolicyOptions{
			Port: acmePort, TLSCA: s.TLSCA,
			NanoMDMURL: nanoURL, NanoMDMKey: apiKey, WebhookHMACKey: hmacKey,
			StepCASecret: stepSecret(s.StepCA), Extra: serveArgs,
		})
	}
	s.NanoMDM = StartNanoMDM(t, s.Bins.NanoMDM, s.Dir, NanoMDMOptions{
		Port: nanoPort, APIKey: apiKey, DeviceCA: s.DeviceCA,
		WebhookURL: webhookURL, WebhookHMACKey: hmacKey, TrustPEMFile: s.trustFile, Extra: nanoExtra,
	})
	return s
}

func stepSecret(s *StepCA) string {
	if s == nil {
		return ""
	}
	return s.WebhookSecret
}

// NanoMDM is a real NanoMDM (cmd/nanomdm) with filekv storage, its API, a test device CA, device identities
// taken from the X-Client-Cert header, and the webhook pointing at acmepolicy.
type NanoMDM struct {
	Proc   *Proc
	URL    string
	APIKey string
}

// NanoMDMOptions wire NanoMDM.
type NanoMDMOptions struct {
	Port           int
	APIKey         string
	DeviceCA       *CA
	WebhookURL     string
	WebhookHMACKey string
	TrustPEMFile   string
	Extra          []string
}

// ClientCertHeader is the header NanoMDM reads the device's identity certificate from (-cert-header).
const ClientCertHeader = "X-Client-Cert"

// StartNanoMDM starts NanoMDM and waits until it answers.
func StartNanoMDM(t testing.TB, bin, dir string, o NanoMDMOptions) *NanoMDM {
	t.Helper()
	caFile := filepath.Join(dir, "device-ca.pem")
	check(t, writeFile(caFile, CertPEM(o.DeviceCA.Cert)))
	args := []string{
		"-listen", fmt.Sprintf("127.0.0.1:%d", o.Port),
		"-storage", "filekv", "-storage-dsn", filepath.Join(dir, "nanomdm-db"),
		"-api", o.APIKey, "-ca", caFile, "-cert-header", ClientCertHeader,
		"-webhook-url", o.WebhookURL, "-debug",
	}
	if o.WebhookHMACKey != "" {
		args = append(args, "-webhook-hmac-key", o.WebhookHMACKey)
	}
	args = append(args, o.Extra...)
	p := &Proc{Name: "nanomdm", Bin: bin, Args: args, Dir: dir, Env: []string{"SSL_CERT_FILE=" + o.TrustPEMFile}}
	p.Start(t)
	n := &NanoMDM{Proc: p, URL: fmt.Sprintf("http://127.0.0.1:%d", o.Port), APIKey: o.APIKey}
	WaitHTTP(t, p, n.URL+"/version", nil, 20*time.Second)
	return n
}

// Restart stops NanoMDM (SIGTERM) and starts it again on the same port and storage.
func (n *NanoMDM) Restart(t testing.TB) {
	t.Helper()
	n.Proc.Stop()
	n.Proc.Start(t)
	WaitHTTP(t, n.Proc, n.URL+"/version", nil, 20*time.Second)
}

// TrustedClientTLS is what a client of acmepolicy's HTTPS listener needs.
func (s *Stack) TrustedClientTLS() *tls.Config { return TLSTrusting(s.TLSCA.Cert) }

// ACMERoots are the roots a device's ACME client trusts for the scenario's step-ca.
func (s *Stack) ACMERoots() []*x509.Certificate {
	if s.StepCA == nil {
		return nil
	}
	return []*x509.Certificate{s.StepCA.Root.Cert}
}

func randomToken() string {
	return strings.ToLower(strings.ReplaceAll(serial().Text(36), "-", ""))
}
