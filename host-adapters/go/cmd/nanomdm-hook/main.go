// Command nanomdm-hook shows how a Go MDM server hooks acmepolicy in: it receives NanoMDM's webhook
// events and prints the InstallProfile command (an ACME certificate payload rendered for the device) it
// would enqueue when a device authenticates or sends its token.
//
//	nanomdm-hook -policy examples/policies/corp-acme.json -prefix com.example.acme -listen 127.0.0.1:9001
//	nanomdm -webhook-url http://127.0.0.1:9001/webhook ...
package main

import (
	"flag"
	"log"
	"net/http"
	"os"

	"acmepolicy.dev/go/acmepolicy"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:9001", "address to listen on (loopback by default)")
	policyPath := flag.String("policy", "", "policy document (JSON) to install on devices")
	prefix := flag.String("prefix", "com.example.acme", "PayloadIdentifier prefix of the rendered profiles")
	flag.Parse()
	logger := log.New(os.Stderr, "nanomdm-hook: ", log.LstdFlags)

	policy, err := os.ReadFile(*policyPath)
	if err != nil {
		logger.Fatalf("reading -policy: %v", err)
	}
	report, err := acmepolicy.Validate(policy)
	if err != nil {
		logger.Fatal(err)
	}
	for _, d := range report.Diagnostics {
		logger.Printf("%s %s at %q: %s", d.Severity, d.Code, d.Path, d.Message)
	}
	if !report.Valid {
		logger.Fatal("the policy has errors; fix them first")
	}

	hook := &Hook{Policy: policy, IdentifierPrefix: *prefix, ClientTokenSecret: os.Getenv("ACMEPOLICY_CLIENT_TOKEN_SECRET"),
		Out: os.Stdout, Logger: logger}
	mux := http.NewServeMux()
	mux.Handle("/webhook", hook)
	logger.Printf("libacmepolicy %s; listening on http://%s/webhook", acmepolicy.Version(), *listen)
	logger.Fatal(http.ListenAndServe(*listen, mux))
}
