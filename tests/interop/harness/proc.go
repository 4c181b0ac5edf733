package harness

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Proc is one real server process of a scenario. Its standard output and error go to <dir>/<name>.log,
// kept after the test so a failure can be read (and a run watched with `tail -f`).
type Proc struct {
	Name string
	Bin  string
	Args []string
	Env  []string
	Dir  string
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
}

// Start runs the process; it stops by itself when the test ends.
func (p *Proc) Start(t testing.TB) {
	t.Helper()
	if p.log == nil {
		f, err := os.OpenFile(filepath.Join(p.Dir, p.Name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			t.Fatalf("%s: log file: %v", p.Name, err)
		}
		p.log = f
		t.Cleanup(func() { p.Stop(); f.Close() })
	}
	fmt.Fprintf(p.log, "\n==== %s start: %s %q\n", time.Now().Format(time.RFC3339Nano), p.Bin, p.Args)
	cmd := exec.Command(p.Bin, p.Args...)
	cmd.Env = append(os.Environ(), p.Env...)
	cmd.Stdout, cmd.Stderr = p.log, p.log
	cmd.Dir = p.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test binary
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: start %s: %v", p.Name, p.Bin, err)
	}
	p.cmd = cmd
	p.done = make(chan struct{})
	go func(done chan struct{}) { cmd.Wait(); close(done) }(p.done)
}

// Running says whether the process is alive.
func (p *Proc) Running() bool {
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// Stop sends SIGTERM and waits up to 10 s, then kills.
func (p *Proc) Stop() { p.signal(syscall.SIGTERM, 10*time.Second) }

// Kill sends SIGKILL (a crash: no shutdown code runs) and waits for the process to be gone.
func (p *Proc) Kill() { p.signal(syscall.SIGKILL, 10*time.Second) }

func (p *Proc) signal(sig syscall.Signal, grace time.Duration) {
	if !p.Running() {
		return
	}
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(grace):
		p.cmd.Process.Kill()
		<-p.done
	}
	fmt.Fprintf(p.log, "==== %s stopped (%v)\n", time.Now().Format(time.RFC3339Nano), sig)
}

// FreePort asks the kernel for a free loopback port.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// WaitHTTP polls url until it answers (any status) or the timeout passes; the process must stay alive.
func WaitHTTP(t testing.TB, p *Proc, url string, tlsConfig *tls.Config, timeout time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{TLSClientConfig: tlsConfig}}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if !p.Running() {
			t.Fatalf("%s exited during start; see %s", p.Name, filepath.Join(p.Dir, p.Name+".log"))
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer at %s within %v; see %s", p.Name, url, timeout, filepath.Join(p.Dir, p.Name+".log"))
}

// Eventually polls cond every 100 ms until it is true or the timeout passes.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Log is everything the process has written so far.
func (p *Proc) Log() string {
	raw, _ := os.ReadFile(filepath.Join(p.Dir, p.Name+".log"))
	return string(raw)
}
