#!/usr/bin/env python3
"""`acmepolicy certificates` end to end on examples/certificates: text and JSON output, --within-days,
and the exit codes 0 (planned), 1 (input with errors) and 2 (usage, unreadable file, invalid JSON).

usage: cli_certificates_test.py ACMEPOLICY SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

CLI, SOURCE = sys.argv[1], sys.argv[2]
EXAMPLES = os.path.join(SOURCE, "examples", "certificates")
INVENTORY = os.path.join(EXAMPLES, "inventory.json")
POLICY = os.path.join(EXAMPLES, "corp-acme.json")
NOW = "2026-11-28T12:00:00Z"
failures = []


def run(*args):
    p = subprocess.run([CLI, "certificates", *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


# JSON: the api_plan_renewals document.
code, out, err = run("--inventory", INVENTORY, POLICY, "--now", NOW, "--format", "json")
check(code == 0, f"json exit {code}: {err}")
doc = json.loads(out)
states = {(r["device"], r["state"]) for r in doc["renewals"]}
check(states == {("d-0042", "due"), ("d-0311", "expired"), ("d-0500", "throttled"), ("d-0107", "ok")}, f"states {states}")
check(doc["missing"] == [{"device": "d-0400", "policy": "corp-acme"}], f"missing {doc['missing']}")
renew_at = [r["renew_at"] for r in doc["renewals"]]
check(renew_at == sorted(renew_at), "renewals sorted by renew_at")
d42 = [r for r in doc["renewals"] if r["device"] == "d-0042"][0]
check(d42["serial"] == "1002" and d42["not_after"] == "2026-12-05T00:00:00Z", f"newest certificate of d-0042: {d42}")
throttled = [r for r in doc["renewals"] if r["device"] == "d-0500"][0]
check(throttled["renew_at"] == "2026-11-28T16:00:00Z", f"throttled until last renewal + 6 h: {throttled}")
check(sum(d["count"] for d in doc["per_day"]) == len(doc["renewals"]), "per_day counts every renewal")
check(doc["summary"] == {"pairs": 5, "ok": 1, "due": 1, "expired": 1, "throttled": 1, "missing": 1}, f"summary {doc['summary']}")

# Text: one line per certificate, soonest first, then the missing pairs and the summary.
code, out, err = run("--inventory", INVENTORY, POLICY, "--now", NOW)
lines = out.splitlines()
check(code == 0, f"text exit {code}: {err}")
check(lines[0].startswith("2026-11-28T12:00:00Z due") and "d-0042" in lines[0], f"first line {lines[:1]}")
check("missing d-0400 corp-acme" in lines, "missing line")
check(lines[-1].startswith("5 device/policy pairs: 1 ok, 1 due, 1 expired, 1 throttled, 1 missing"), lines[-1])

# --within-days keeps what renews soon; --min-interval-hours 0 lifts the throttle; --spread-hours moves ok ones.
code, out, _ = run("--inventory", INVENTORY, POLICY, "--now", NOW, "--format", "json", "--within-days", "7",
                   "--min-interval-hours", "0", "--spread-hours", "0")
doc = json.loads(out)
check(code == 0 and {r["device"] for r in doc["renewals"]} == {"d-0042", "d-0311", "d-0500"}, f"within 7 days {out}")
check({r["state"] for r in doc["renewals"]} == {"due", "expired"}, "no throttle with a zero interval")

# Exit 1: an inventory with errors (a device without an id); exit 2: usage and I/O problems.
with tempfile.TemporaryDirectory() as tmp:
    broken = os.path.join(tmp, "broken.json")
    with open(broken, "w") as f:
        json.dump({"devices": [{"device": {"serial_number": "X"}, "certificates": []}]}, f)
    code, out, _ = run("--inventory", broken, POLICY, "--now", NOW)
    check(code == 1, f"broken inventory exit {code}")
    check("error[" in out, "broken inventory diagnostics printed")
    not_json = os.path.join(tmp, "not.json")
    with open(not_json, "w") as f:
        f.write("{nope")
    check(run("--inventory", INVENTORY, not_json, "--now", NOW)[0] == 2, "policy not JSON")
check(run("--inventory", INVENTORY)[0] == 2, "no policy")
check(run(POLICY)[0] == 2, "no inventory")
check(run("--inventory", "/nonexistent.json", POLICY)[0] == 2, "unreadable inventory")
check(run("--inventory", INVENTORY, POLICY, "--now", "tomorrow")[0] == 2, "bad --now")
check(run("--inventory", INVENTORY, POLICY, "--within-days", "x")[0] == 2, "bad --within-days")
check(run("--inventory", INVENTORY, POLICY, "--spread-hours", "-1")[0] == 2, "bad --spread-hours")
check(run("--help")[0] == 0, "--help")

print("certificates CLI:", "FAILED" if failures else "ok")
sys.exit(1 if failures else 0)
