#!/usr/bin/env python3
"""Bounded load test of `acmepolicy serve`: N simulated devices send NanoMDM webhook events (Authenticate,
TokenUpdate, command reports) at a fixed rate against loopback, with a NanoMDM stand-in receiving the
commands. Reports answer-time percentiles and checks that no event was lost (every one answered 200 and
stored). With --admin-clients, that many REST clients read and write at the same time; p99 is then reported
for reads, writes and webhooks, and any 5xx fails the run. Exit code 0 when nothing was lost and every answer
was 200 (201 for writes).

    scripts/loadtest.py --binary build/native/host-adapters/cli/acmepolicy --devices 1000 --rate 200 --seconds 60
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "server"))
import harness  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.environ.get("ACMEPOLICY_BIN", "build/native/host-adapters/cli/acmepolicy"))
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0, help="events per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--max-p99-ms", type=float, default=0, help="fail when p99 exceeds this (0: report only)")
    parser.add_argument("--admin-clients", type=int, default=0,
                        help="concurrent admin clients reading (policies, device status) and writing (device records)")
    args = parser.parse_args()
    harness.BINARY = args.binary

    with harness.TempDir() as workdir:
        nanomdm = harness.FakeNanoMDM().start()
        server = harness.Server(workdir, nanomdm=nanomdm, hmac_key="load-hmac",
                                extra=["--threads", str(max(32, args.workers + args.admin_clients + 8))]).start()
        try:
            ids = [f"LOAD-{i:05d}" for i in range(args.devices)]
            server.api("POST", "/groups", {"id": "g-load", "name": "Load", "devices": ids}, expect=201)
            server.api("POST", "/policies", harness.policy_document(groups=["g-load"]), expect=201)
            devices = [harness.Device(server, enrollment_id=e, serial=f"LS{i:08d}", hmac_key="load-hmac")
                       for i, e in enumerate(ids)]
            total = int(args.rate * args.seconds)
            # Event i goes to device i % N; each device walks Authenticate → TokenUpdate → reports.
            step = [0] * args.devices
            commands = {}  # enrollment id → CommandUUID seen at the NanoMDM stand-in

            def next_event(i):
                d = devices[i % args.devices]
                n = step[i % args.devices]
                step[i % args.devices] += 1
                if n == 0:
                    return d, d.event("mdm.Authenticate", {"MessageType": "Authenticate", "UDID": d.udid,
                                                           "SerialNumber": d.serial, "OSVersion": "17.4",
                                                           "ProductName": "iPhone15,2"})
                if n == 1:
                    return d, d.event("mdm.TokenUpdate", {"MessageType": "TokenUpdate", "UDID": d.udid,
                                                          "Token": b"t", "PushMagic": "m"})
                uuid = commands.get(d.enrollment_id)
                status = "Acknowledged" if uuid else "Idle"
                message = {"UDID": d.udid, "Status": status}
                if uuid:
                    message["CommandUUID"] = uuid
                return d, d.event("mdm.Connect", message, ack={"command_uuid": uuid or "", "status": status})

            events = [None] * total
            latencies = [0.0] * total
            statuses = [0] * total
            lock = threading.Lock()
            cursor = [0]
            start = time.monotonic() + 0.5

            def refresh_commands():
                for enrollment, command, _ in nanomdm.received("InstallProfile"):
                    commands.setdefault(enrollment, command["CommandUUID"])

            def worker():
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                while True:
                    with lock:
                        i = cursor[0]
                        if i >= total:
                            break
                        cursor[0] += 1
                        if i % 200 == 0:
                            refresh_commands()
                        device, body = next_event(i)
                    due = start + i / args.rate
                    delay = due - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    sig = base64.b64encode(hmac.new(b"load-hmac", body, hashlib.sha256).digest()).decode()
                    t0 = time.monotonic()
                    try:
                        conn.request("POST", "/webhook", body=body,
                                     headers={"Content-Type": "application/json", "X-Hmac-Signature": sig})
                        response = conn.getresponse()
                        response.read()
                        statuses[i] = response.status
                    except OSError:
                        statuses[i] = -1
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                    latencies[i] = (time.monotonic() - t0) * 1000
                conn.close()

            admin = {"read": [], "write": [], "bad": []}
            webhooks_done = threading.Event()

            def admin_client(k):
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
                n = 0
                while not webhooks_done.is_set():
                    n += 1
                    if n % 4 == 0:
                        kind, method, path = "write", "PUT", f"/api/v1/devices/ADMIN-{k}-{n % 50}"
                        body = json.dumps({"id": f"ADMIN-{k}-{n % 50}", "serial_number": f"AD{k:03d}{n % 50:04d}",
                                           "platform": "iOS", "enrollment": "device"}).encode()
                        if n <= 200:
                            method, path = "POST", "/api/v1/devices"
                    else:
                        kind, method, body = "read", "GET", None
                        path = "/api/v1/policies" if n % 2 else f"/api/v1/devices/{ids[n % len(ids)]}/status"
                    t0 = time.monotonic()
                    try:
                        conn.request(method, path, body=body, headers=headers)
                        response = conn.getresponse()
                        response.read()
                        code = response.status
                    except OSError:
                        code = -1
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                    ms = (time.monotonic() - t0) * 1000
                    with lock:
                        admin[kind].append(ms)
                        if code >= 500 or code < 0 or (code == 409 and method == "PUT"):
                            admin["bad"].append((method, path, code))
                conn.close()

            admins = [threading.Thread(target=admin_client, args=(k,)) for k in range(args.admin_clients)]
            for t in admins:
                t.start()
            threads = [threading.Thread(target=worker) for _ in range(args.workers)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            webhooks_done.set()
            for t in admins:
                t.join()
            elapsed = time.monotonic() - start
            ok = sum(1 for s in statuses if s == 200)
            db = sqlite3.connect(os.path.join(workdir, "acmepolicy.db"))
            stored = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            installed = db.execute("SELECT COUNT(*) FROM assignments WHERE status = 'installed'").fetchone()[0]
            db.close()
            ordered = sorted(latencies)

            def pct(p):
                return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

            report = {"devices": args.devices, "events_sent": total, "answered_200": ok, "events_stored": stored,
                      "lost": total - stored, "seconds": round(elapsed, 1), "rate": round(total / elapsed, 1),
                      "p50_ms": round(pct(50), 2), "p99_ms": round(pct(99), 2), "max_ms": round(ordered[-1], 2),
                      "commands_at_mdm": len(nanomdm.received()), "installed": installed}
            for kind in ("read", "write"):
                if admin[kind]:
                    values = sorted(admin[kind])
                    report[f"{kind}s"] = len(values)
                    report[f"{kind}_p50_ms"] = round(values[len(values) // 2], 2)
                    report[f"{kind}_p99_ms"] = round(values[min(len(values) - 1, int(0.99 * len(values)))], 2)
            if args.admin_clients:
                report["admin_errors"] = len(admin["bad"])
                report["admin_error_examples"] = admin["bad"][:5]
            print(json.dumps(report))
            failed = ok != total or stored != total or (args.max_p99_ms and report["p99_ms"] > args.max_p99_ms)
            failed = failed or bool(admin["bad"])
            return 1 if failed else 0
        finally:
            server.stop()
            nanomdm.stop()


if __name__ == "__main__":
    sys.exit(main())
