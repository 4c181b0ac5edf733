// Command nanomdm-hook is a minimal acmepolicy for NanoMDM operators who do not run `acmepolicy serve`:
// policies, groups and device facts live in a folder (GitOps style, re-read when they change), NanoMDM's
// webhook comes in, every decision and every command is made by libacmepolicy through the Go binding, and
// the commands are enqueued through NanoMDM's API. Its state (what each device was sent and acknowledged)
// is one JSON file, written atomically before a webhook is answered.
//
//	nanomdm-hook -config-dir ./acme -state ./hook-state.json -nanomdm-url http://127.0.0.1:9000 \
//	    -nanomdm-api-key KEY -webhook-hmac-key HKEY -listen 127.0.0.1:9001
//	nanomdm -webhook-url http://127.0.0.1:9001/webhook -webhook-hmac-key HKEY ...
//
// The folder holds policies/*.json (policy documents) and, optionally, inventory.json: {"groups": [{"id",
// "name", "devices": [device ids, serial numbers or UDIDs]}], "devices": [device records with facts the
// MDM does not report, such as user_email or enrollment "ade", matched by id, serial number or UDID]}.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"acmepolicy.dev/go/acmepolicy"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:9001", "address to listen on")
	configDir := flag.String("config-dir", "", "folder with policies/*.json and inventory.json")
	statePath := flag.String("state", "nanomdm-hook-state.json", "state file (created when absent)")
	nanoURL := flag.String("nanomdm-url", "", "NanoMDM base URL (commands go to PUT URL/v1/enqueue/ID)")
	nanoKey := flag.String("nanomdm-api-key", os.Getenv("NANOMDM_API_KEY"), "NanoMDM API key (or NANOMDM_API_KEY)")
	hmacKey := flag.String("webhook-hmac-key", os.Getenv("NANOMDM_WEBHOOK_HMAC_KEY"), "NanoMDM's -webhook-hmac-key (or NANOMDM_WEBHOOK_HMAC_KEY)")
	insecure := flag.Bool("insecure-webhook", false, "accept unsigned webhook events on a non-loopback address")
	prefix := flag.String("prefix", "com.example.acmepolicy", "PayloadIdentifier prefix of the rendered profiles")
	tokenSecret := flag.String("client-token-secret", os.Getenv("ACMEPOLICY_CLIENT_TOKEN_SECRET"), "secret for {{client_token}} (or ACMEPOLICY_CLIENT_TOKEN_SECRET)")
	rescan := flag.Duration("rescan", 2*time.Second, "how often the folder is checked for changes")
	resync := flag.Duration("resync", 5*time.Minute, "how often every device is reconciled (retries failed sends)")
	flag.Parse()
	logger := log.New(os.Stderr, "nanomdm-hook: ", log.LstdFlags|log.Lmicroseconds)

	if err := checkFlags(*configDir, *nanoURL, *nanoKey, *hmacKey, *listen, *insecure); err != nil {
		fmt.Fprintln(os.Stderr, "nanomdm-hook:", err)
		os.Exit(2)
	}
	state, err := LoadState(*statePath)
	if err != nil {
		logger.Fatalf("state file: %v", err)
	}
	hook := &Hook{
		Folder:  &Folder{Dir: *configDir},
		State:   state,
		MDM:     &NanoMDM{URL: *nanoURL, APIKey: *nanoKey, Client: &http.Client{Timeout: 15 * time.Second}},
		HMACKey: *hmacKey,
		Render:  RenderSettings{IdentifierPrefix: *prefix, ClientTokenSecret: *tokenSecret},
		Logger:  logger,
	}
	if err := hook.Reload(); err != nil {
		logger.Fatalf("config folder: %v", err)
	}
	go hook.Watch(*rescan, *resync)
	mux := http.NewServeMux()
	mux.Handle("/webhook", hook)
	logger.Printf("libacmepolicy %s; listening on http://%s/webhook", acmepolicy.Version(), *listen)
	logger.Fatal(http.ListenAndServe(*listen, mux))
}

// checkFlags refuses configurations that cannot work or are unsafe, with one sentence each.
func checkFlags(configDir, nanoURL, nanoKey, hmacKey, listen string, insecure bool) error {
	switch {
	case configDir == "":
		return fmt.Errorf("-config-dir is required: the folder with policies/*.json")
	case nanoURL == "" || nanoKey == "":
		return fmt.Errorf("-nanomdm-url and -nanomdm-api-key are required: commands are enqueued through NanoMDM's API")
	}
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("-listen %q is not HOST:PORT", listen)
	}
	ip := net.ParseIP(host)
	loopback := host == "localhost" || (ip != nil && ip.IsLoopback())
	if !loopback && hmacKey == "" && !insecure {
		return fmt.Errorf("listening on %s without -webhook-hmac-key lets anyone forge check-ins; set the key (NanoMDM's -webhook-hmac-key) or pass -insecure-webhook", listen)
	}
	return nil
}
