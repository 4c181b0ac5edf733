// Command load drives `acmepolicy serve` as a fleet does: N simulated devices post NanoMDM webhook events
// (Authenticate, TokenUpdate, then command reports acknowledging what they received) at a fixed rate, while
// admin clients read and write over REST. It also plays NanoMDM's enqueue API so the server's commands land
// somewhere and devices can acknowledge them. It prints one JSON report of answer times; scripts/loadtest.py
// starts the server, runs this, and checks the database afterwards (every answered-200 event stored).
//
// A compiled load generator, not a Python one: on a small machine the generator's own CPU and locks would
// otherwise be what is measured.
package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type options struct {
	server, mdmListen, mdmKey, hmacKey, token, prefix string
	devices, workers, adminClients                    int
	rate, seconds                                     float64
	adminInterval                                     time.Duration
	mdmOnly                                           time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.server, "server", "", "the server's base URL, e.g. http://127.0.0.1:8080")
	flag.StringVar(&o.mdmListen, "mdm-listen", "", "address for the NanoMDM enqueue stand-in (host:port)")
	flag.StringVar(&o.mdmKey, "mdm-key", "nano-key", "NanoMDM API key the server sends (Basic nanomdm:KEY)")
	flag.StringVar(&o.hmacKey, "hmac-key", "", "the server's --webhook-hmac-key")
	flag.StringVar(&o.token, "token", "", "an admin bearer token (for the admin clients)")
	flag.StringVar(&o.prefix, "prefix", "LOAD-", "enrollment id prefix; device i is PREFIX%05d")
	flag.IntVar(&o.devices, "devices", 1000, "simulated devices")
	flag.IntVar(&o.workers, "workers", 32, "concurrent webhook connections")
	flag.IntVar(&o.adminClients, "admin-clients", 0, "concurrent REST clients")
	flag.DurationVar(&o.adminInterval, "admin-interval", 100*time.Millisecond,
		"each admin client starts a request this often (0: back to back, a throughput run)")
	flag.DurationVar(&o.mdmOnly, "mdm-only", 0, "serve only the NanoMDM stand-in this long and count the commands")
	flag.Float64Var(&o.rate, "rate", 200, "webhook events per second")
	flag.Float64Var(&o.seconds, "seconds", 10, "seconds of load")
	flag.Parse()
	if (o.server == "" && o.mdmOnly == 0) || o.mdmListen == "" {
		fmt.Fprintln(os.Stderr, "load: -server (or -mdm-only) and -mdm-listen are required")
		os.Exit(2)
	}
	mdm, err := startMDM(o.mdmListen, o.mdmKey)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	if o.mdmOnly > 0 {
		// Only the NanoMDM stand-in: count what arrives (scripts/edit_load.py drains a fleet-wide edit).
		start := mdm.received.Load()
		time.Sleep(o.mdmOnly)
		out, _ := json.Marshal(map[string]any{"commands_at_mdm": mdm.received.Load() - start,
			"seconds": o.mdmOnly.Seconds()})
		fmt.Println(string(out))
		return
	}
	report := run(o, mdm)
	out, _ := json.Marshal(report)
	fmt.Println(string(out))
}

// ---- NanoMDM's enqueue API -----------------------------------------------------------------------------

var commandUUID = regexp.MustCompile(`<key>CommandUUID</key>\s*<string>([^<]+)</string>`)

type mdmStandIn struct {
	mu       sync.Mutex
	first    map[string]string // enrollment id → first CommandUUID received
	received atomic.Int64
}

func startMDM(addr, key string) (*mdmStandIn, error) {
	m := &mdmStandIn{first: map[string]string{}}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("nanomdm:"+key))
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/enqueue/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != want {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		id := strings.TrimPrefix(r.URL.Path, "/v1/enqueue/")
		uuid := ""
		if match := commandUUID.FindSubmatch(body); match != nil {
			uuid = string(match[1])
		}
		m.received.Add(1)
		m.mu.Lock()
		if _, seen := m.first[id]; !seen && uuid != "" {
			m.first[id] = uuid
		}
		m.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"command_uuid": uuid})
	})
	go http.Serve(listener, mux)
	return m, nil
}

func (m *mdmStandIn) commandFor(id string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.first[id]
}

// ---- events as NanoMDM's webhook sends them --------------------------------------------------------------

func plist(entries ...string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" ` +
		`"http://www.apple.com/DTDs/PropertyList-1.0.dtd"><plist version="1.0"><dict>`)
	for i := 0; i+1 < len(entries); i += 2 {
		b.WriteString("<key>" + entries[i] + "</key>" + entries[i+1])
	}
	b.WriteString("</dict></plist>")
	return []byte(b.String())
}

func str(s string) string { return "<string>" + s + "</string>" }

func eventID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// event builds the n-th event of device i: Authenticate, TokenUpdate, then reports (Acknowledged once the
// stand-in has received a command for it, Idle before).
func event(o options, mdm *mdmStandIn, i, n int) []byte {
	id := fmt.Sprintf("%s%05d", o.prefix, i)
	udid := "UDID-" + id
	ids := map[string]string{"id": id, "type": "Device"}
	now := time.Now().UTC().Format(time.RFC3339Nano)
	var topic string
	var raw []byte
	var ack map[string]any
	switch n {
	case 0:
		topic = "mdm.Authenticate"
		raw = plist("MessageType", str("Authenticate"), "UDID", str(udid), "SerialNumber", str(fmt.Sprintf("LS%08d", i)),
			"OSVersion", str("17.4"), "ProductName", str("iPhone15,2"), "Topic", str("com.apple.mgmt.External.load"))
	case 1:
		topic = "mdm.TokenUpdate"
		raw = plist("MessageType", str("TokenUpdate"), "UDID", str(udid), "Token", "<data>AQID</data>",
			"PushMagic", str("magic"), "Topic", str("com.apple.mgmt.External.load"))
	default:
		topic = "mdm.Connect"
		uuid := mdm.commandFor(id)
		status := "Idle"
		if uuid != "" {
			status = "Acknowledged"
			raw = plist("UDID", str(udid), "Status", str(status), "CommandUUID", str(uuid))
		} else {
			raw = plist("UDID", str(udid), "Status", str(status))
		}
		ack = map[string]any{"udid": udid, "ids": ids, "status": status, "command_uuid": uuid,
			"raw_payload": base64.StdEncoding.EncodeToString(raw)}
	}
	e := map[string]any{"topic": topic, "event_id": eventID(), "created_at": now}
	if ack != nil {
		e["acknowledge_event"] = ack
	} else {
		e["checkin_event"] = map[string]any{"udid": udid, "ids": ids, "url_params": nil,
			"raw_payload": base64.StdEncoding.EncodeToString(raw)}
	}
	body, _ := json.Marshal(e)
	return body
}

// ---- the run ---------------------------------------------------------------------------------------------

type report struct {
	Devices       int      `json:"devices"`
	EventsSent    int      `json:"events_sent"`
	Answered200   int      `json:"answered_200"`
	Non200        int      `json:"non_200"`
	Seconds       float64  `json:"seconds"`
	Rate          float64  `json:"rate"`
	P50           float64  `json:"p50_ms"`
	P99           float64  `json:"p99_ms"`
	Max           float64  `json:"max_ms"`
	CommandsAtMDM int64    `json:"commands_at_mdm"`
	Reads         int      `json:"reads,omitempty"`
	ReadP50       float64  `json:"read_p50_ms,omitempty"`
	ReadP99       float64  `json:"read_p99_ms,omitempty"`
	Writes        int      `json:"writes,omitempty"`
	WriteP50      float64  `json:"write_p50_ms,omitempty"`
	WriteP99      float64  `json:"write_p99_ms,omitempty"`
	AdminErrors   int      `json:"admin_errors"`
	AdminExamples []string `json:"admin_error_examples"`
}

func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(sorted)))
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return float64(int(sorted[i]*100)) / 100
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func run(o options, mdm *mdmStandIn) report {
	transport := &http.Transport{MaxIdleConnsPerHost: o.workers + o.adminClients, MaxConnsPerHost: 0}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	total := int(o.rate * o.seconds)
	latencies := make([]float64, total)
	statuses := make([]int, total)
	steps := make([]int, o.devices)
	var stepMu sync.Mutex
	var cursor atomic.Int64
	start := time.Now().Add(300 * time.Millisecond)

	var webhooks sync.WaitGroup
	for w := 0; w < o.workers; w++ {
		webhooks.Add(1)
		go func() {
			defer webhooks.Done()
			for {
				i := int(cursor.Add(1) - 1)
				if i >= total {
					return
				}
				device := i % o.devices
				stepMu.Lock()
				n := steps[device]
				steps[device]++
				stepMu.Unlock()
				body := event(o, mdm, device, n)
				if wait := time.Until(start.Add(time.Duration(float64(i) / o.rate * float64(time.Second)))); wait > 0 {
					time.Sleep(wait)
				}
				mac := hmac.New(sha256.New, []byte(o.hmacKey))
				mac.Write(body)
				req, _ := http.NewRequest("POST", o.server+"/webhook", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Hmac-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					statuses[i] = -1
				} else {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					statuses[i] = resp.StatusCode
				}
				latencies[i] = ms(time.Since(t0))
			}
		}()
	}

	var done atomic.Bool
	var adminMu sync.Mutex
	var reads, writes []float64
	var bad []string
	var admins sync.WaitGroup
	for k := 0; k < o.adminClients; k++ {
		admins.Add(1)
		go func(k int) {
			defer admins.Done()
			next := time.Now()
			for n := 1; !done.Load(); n++ {
				if o.adminInterval > 0 {
					time.Sleep(time.Until(next))
					next = next.Add(o.adminInterval)
				}
				kind, method, path := "read", "GET", ""
				var body []byte
				if n%4 == 0 {
					kind, method = "write", "PUT"
					id := fmt.Sprintf("ADMIN-%d-%d", k, n%50)
					path = "/api/v1/devices/" + id
					if n <= 200 {
						method, path = "POST", "/api/v1/devices"
					}
					body, _ = json.Marshal(map[string]string{"id": id, "serial_number": fmt.Sprintf("AD%03d%04d", k, n%50),
						"platform": "iOS", "enrollment": "device"})
				} else if n%2 == 1 {
					path = "/api/v1/policies"
				} else {
					path = fmt.Sprintf("/api/v1/devices/%s%05d/status", o.prefix, n%o.devices)
				}
				req, _ := http.NewRequest(method, o.server+path, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+o.token)
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := client.Do(req)
				code := -1
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					code = resp.StatusCode
				}
				took := ms(time.Since(t0))
				adminMu.Lock()
				if kind == "read" {
					reads = append(reads, took)
				} else {
					writes = append(writes, took)
				}
				// A POST of a record that exists is 409 by contract; a PUT never is.
				if code >= 500 || code < 0 || (code == 409 && method == "PUT") {
					bad = append(bad, fmt.Sprintf("%s %s %d", method, path, code))
				}
				adminMu.Unlock()
			}
		}(k)
	}
	webhooks.Wait()
	elapsed := time.Since(start).Seconds()
	done.Store(true)
	admins.Wait()

	r := report{Devices: o.devices, EventsSent: total, Seconds: float64(int(elapsed*10)) / 10,
		Rate: float64(int(float64(total)/elapsed*10)) / 10, CommandsAtMDM: mdm.received.Load(),
		AdminExamples: []string{}}
	for _, s := range statuses {
		if s == 200 {
			r.Answered200++
		} else {
			r.Non200++
		}
	}
	sort.Float64s(latencies)
	r.P50, r.P99, r.Max = percentile(latencies, 50), percentile(latencies, 99), percentile(latencies, 100)
	sort.Float64s(reads)
	sort.Float64s(writes)
	r.Reads, r.ReadP50, r.ReadP99 = len(reads), percentile(reads, 50), percentile(reads, 99)
	r.Writes, r.WriteP50, r.WriteP99 = len(writes), percentile(writes, 50), percentile(writes, 99)
	r.AdminErrors = len(bad)
	if len(bad) > 5 {
		bad = bad[:5]
	}
	r.AdminExamples = append(r.AdminExamples, bad...)
	return r
}
