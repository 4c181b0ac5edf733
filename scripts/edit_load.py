#!/usr/bin/env python3
"""A policy edit that targets a whole fleet, on SQLite with signing on (P-256): N enrolled devices are written
straight into the server's database, then one PUT of the policy plans and queues an InstallProfile for every
device while reader threads keep asking for device status and the policy list. Reports how long the edit took
to plan and queue (its answer), how long until every queued install is rendered and signed (the pre-renderer),
the p99 of the reads during both, and how fast the outbox then hands the commands to a NanoMDM stand-in (for
--drain-seconds).

    scripts/edit_load.py --binary build/native/host-adapters/cli/acmepolicy --devices 100000
"""

import argparse
import http.client
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "tests", "server"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import loadtest  # noqa: E402  (the Go load generator's NanoMDM stand-in)


def signing_identity(folder):
    key, cert = os.path.join(folder, "sign.key"), os.path.join(folder, "sign.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-subj", "/CN=Profile Signer", "-days", "30"],
                   check=True, capture_output=True)
    return cert, key


def seed(database, count):
    db = sqlite3.connect(database)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    rows, members = [], []
    for i in range(count):
        device = f"EDIT-{i:06d}"
        record = {"id": device, "serial_number": f"E{i:010d}", "udid": f"UDID-{device}", "platform": "iOS",
                  "os_version": "17.5", "product_name": "iPhone15,2", "enrollment": "device"}
        rows.append((device, json.dumps(record), record["udid"], record["serial_number"], device, 1, now))
        members.append(("g-fleet", device))
    db.executemany("INSERT INTO devices (id, record, udid, serial_number, mdm_id, enrolled, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO group_members (group_id, device_id) VALUES (?, ?)", members)
    db.execute("UPDATE inventory_generation SET generation = generation + 1")
    db.commit()
    db.close()


def cpu_seconds(pid):
    """The process's CPU time so far (user + system, every thread), or None off Linux: on a shared machine
    it says what the edit cost when the wall-clock figures say mostly how busy the neighbours were."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def percentile(values, p):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p / 100 * len(values)))], 2) if values else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.environ.get("ACMEPOLICY_BIN", "build/native/host-adapters/cli/acmepolicy"))
    parser.add_argument("--devices", type=int, default=100000)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--read-interval-ms", type=float, default=50, help="each reader starts a GET this often")
    parser.add_argument("--drain-seconds", type=float, default=10.0)
    parser.add_argument("--render-timeout", type=float, default=180.0,
                        help="how long to wait for every queued install to be rendered and signed")
    args = parser.parse_args()
    harness.BINARY = args.binary
    with harness.TempDir() as workdir:
        cert, key = signing_identity(workdir)
        nanomdm = loadtest.LoaderNanoMDM()
        stand_in = subprocess.Popen([loadtest.build_loader(workdir), "-mdm-listen", f"127.0.0.1:{nanomdm.port}",
                                     "-mdm-key", nanomdm.api_key, "-mdm-only", "24h"], stdout=subprocess.DEVNULL)
        server = harness.Server(workdir, nanomdm=nanomdm, extra=["--signing-cert", cert, "--signing-key", key]).start()
        # The edit's answer may take longer than the harness's 15-second client timeout on a loaded machine.
        server.connection = lambda: http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        print(json.dumps({"server_pid": server.process.pid}), file=sys.stderr, flush=True)
        database = os.path.join(workdir, "acmepolicy.db")

        def count(where):
            db = sqlite3.connect(database)
            n = db.execute(f"SELECT COUNT(*) FROM commands WHERE request_type = 'InstallProfile' AND {where}").fetchone()[0]
            db.close()
            return n

        def rendered():
            return count("payload != ''")

        def sent():
            return count("status = 'enqueued'")

        try:
            server.api("POST", "/groups", {"id": "g-fleet", "name": "Fleet", "devices": []}, expect=201)
            server.api("POST", "/policies", harness.policy_document(groups=["g-fleet"]), expect=201)
            seed(os.path.join(workdir, "acmepolicy.db"), args.devices)
            reads, stop = [], threading.Event()

            def reader(k):
                n = 0
                next_at = time.monotonic()
                while not stop.is_set():
                    n += 1
                    next_at += args.read_interval_ms / 1000
                    time.sleep(max(0.0, next_at - time.monotonic()))
                    path = "/policies" if n % 2 else f"/devices/EDIT-{(k * 7919 + n) % args.devices:06d}/status"
                    t0 = time.monotonic()
                    status, _ = server.api("GET", path)
                    reads.append(((time.monotonic() - t0) * 1000, status))
            threads = [threading.Thread(target=reader, args=(k,)) for k in range(args.readers)]
            for t in threads:
                t.start()
            time.sleep(0.5)
            edited = harness.policy_document(groups=["g-fleet"])
            edited["payload"]["KeySize"] = 384
            cpu0 = cpu_seconds(server.process.pid)
            t0 = time.monotonic()
            server.api("PUT", "/policies/corp-acme", edited, expect=200)
            edit_seconds = time.monotonic() - t0
            cpu_edit = cpu_seconds(server.process.pid)
            during = list(reads)
            # The pre-renderer renders and signs the queued installs ahead of the sender.
            deadline = time.monotonic() + args.render_timeout
            while rendered() < args.devices and time.monotonic() < deadline:
                time.sleep(0.25)
            render_seconds = time.monotonic() - t0
            cpu_rendered = cpu_seconds(server.process.pid)
            during_render = list(reads)
            sent_before = sent()
            time.sleep(args.drain_seconds)
            drained = sent() - sent_before
            stop.set()
            for t in threads:
                t.join()
            db = sqlite3.connect(os.path.join(workdir, "acmepolicy.db"))
            queued = db.execute("SELECT COUNT(*) FROM commands WHERE request_type = 'InstallProfile'").fetchone()[0]
            db.close()
            report = {"devices": args.devices, "edit_plan_and_queue_seconds": round(edit_seconds, 2),
                      "commands_queued": queued, "reads_during_edit": len(during),
                      "read_p99_ms_during_edit": percentile([ms for ms, _ in during], 99),
                      "edit_rendered_and_signed_seconds": round(render_seconds, 2),
                      "rendered_and_signed": rendered(), "reads_until_rendered": len(during_render),
                      "read_p99_ms_until_rendered": percentile([ms for ms, _ in during_render], 99),
                      "read_errors": sum(1 for _, s in reads if s >= 500),
                      # the server's CPU seconds (all threads, the readers' GETs included) from the PUT's start
                      "server_cpu_seconds_edit": None if cpu0 is None or cpu_edit is None else round(cpu_edit - cpu0, 2),
                      "server_cpu_seconds_until_rendered":
                          None if cpu0 is None or cpu_rendered is None else round(cpu_rendered - cpu0, 2),
                      "load_average_1min": round(os.getloadavg()[0], 2),
                      "sent_signed_in_drain": drained, "drain_seconds": args.drain_seconds,
                      "signed_sends_per_second": round(drained / args.drain_seconds, 1)}
            print(json.dumps(report))
            return 0 if queued >= args.devices and report["rendered_and_signed"] >= args.devices and \
                report["read_errors"] == 0 else 1
        finally:
            server.stop()
            stand_in.kill()
            stand_in.wait()


if __name__ == "__main__":
    sys.exit(main())
