#!/usr/bin/env python3
"""Bounded load test of `acmepolicy serve`: N simulated devices send NanoMDM webhook events (Authenticate,
TokenUpdate, command reports) at a fixed rate against loopback while --admin-clients REST clients read and
write; the events and REST calls come from bench/load (a Go program, built here with the machine's Go, that
also plays NanoMDM's enqueue API). Reports answer-time percentiles for webhooks, reads and writes, and checks
that nothing was lost: every event answered 200 and stored, no 5xx. Exit code 0 when all of that holds.

    scripts/loadtest.py --binary build/native/host-adapters/cli/acmepolicy --devices 1000 --rate 200 \\
        --seconds 60 --admin-clients 20
"""

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "tests", "server"))
import harness  # noqa: E402


class LoaderNanoMDM:
    """Where the server sends its commands: the load generator's enqueue stand-in (it listens once it runs;
    nothing is enqueued before, since no device is enrolled until the load starts)."""

    flavour = "nanomdm"
    api_key = "nano-key"

    def __init__(self):
        self.port = harness.free_port()
        self.url = f"http://127.0.0.1:{self.port}"


def go_binary():
    found = shutil.which("go") or ("/usr/local/go/bin/go" if os.path.exists("/usr/local/go/bin/go") else None)
    if not found:
        sys.exit("loadtest: Go is needed to build bench/load (see ../shared toolchain notes); none found")
    return found


def build_loader(workdir):
    out = os.path.join(workdir, "load")
    env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=mod")
    env.setdefault("GOCACHE", os.path.join(os.path.expanduser("~"), ".cache", "go-build"))
    subprocess.run([go_binary(), "build", "-o", out, "."], cwd=os.path.join(ROOT, "bench", "load"), env=env,
                   check=True)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.environ.get("ACMEPOLICY_BIN", "build/native/host-adapters/cli/acmepolicy"))
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0, help="events per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=32, help="concurrent webhook connections")
    parser.add_argument("--threads", type=int, default=0, help="the server's --threads (0: workers + admins + 8)")
    parser.add_argument("--max-p99-ms", type=float, default=0, help="fail when webhook p99 exceeds this (0: report only)")
    parser.add_argument("--admin-clients", type=int, default=0,
                        help="concurrent admin clients reading (policies, device status) and writing (device records)")
    parser.add_argument("--admin-interval-ms", type=float, default=100,
                        help="each admin client starts a request this often (0: back to back)")
    args = parser.parse_args()
    harness.BINARY = args.binary

    with harness.TempDir() as workdir:
        loader = build_loader(workdir)
        nanomdm = LoaderNanoMDM()
        threads = args.threads or max(32, args.workers + args.admin_clients + 8)
        server = harness.Server(workdir, nanomdm=nanomdm, hmac_key="load-hmac",
                                extra=["--threads", str(threads)]).start()
        try:
            ids = [f"LOAD-{i:05d}" for i in range(args.devices)]
            server.api("POST", "/groups", {"id": "g-load", "name": "Load", "devices": ids}, expect=201)
            server.api("POST", "/policies", harness.policy_document(groups=["g-load"]), expect=201)
            run = subprocess.run(
                [loader, "-server", f"http://127.0.0.1:{server.port}", "-mdm-listen", f"127.0.0.1:{nanomdm.port}",
                 "-mdm-key", nanomdm.api_key, "-hmac-key", "load-hmac", "-token", server.token,
                 "-devices", str(args.devices), "-rate", str(args.rate), "-seconds", str(args.seconds),
                 "-workers", str(args.workers), "-admin-clients", str(args.admin_clients),
                 "-admin-interval", f"{args.admin_interval_ms}ms"],
                capture_output=True, text=True, timeout=args.seconds * 4 + 120)
            if run.returncode != 0:
                print(run.stderr, file=sys.stderr)
                return 1
            report = json.loads(run.stdout.strip().splitlines()[-1])
            # Every event answered 200 must be stored: read the database the server wrote.
            time.sleep(0.5)
            db = sqlite3.connect(os.path.join(workdir, "acmepolicy.db"))
            stored = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            installed = db.execute("SELECT COUNT(*) FROM assignments WHERE status = 'installed'").fetchone()[0]
            db.close()
            with open(server.log_path, "rb") as f:
                log = f.read()
            # SQLite's busy errors would mean the pool or the write lock let two writers collide.
            locked = log.count(b"database is locked") + log.count(b"SQLITE_BUSY")
            server_errors = log.count(b'"level":"error"')
            report.update({"events_stored": stored, "lost": report["answered_200"] - stored, "installed": installed,
                           "server_threads": threads, "database_locked": locked, "server_error_lines": server_errors})
            print(json.dumps(report))
            failed = report["answered_200"] != report["events_sent"] or stored != report["events_sent"]
            failed = failed or bool(args.max_p99_ms and report["p99_ms"] > args.max_p99_ms)
            failed = failed or report["admin_errors"] > 0 or locked > 0
            return 1 if failed else 0
        finally:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
