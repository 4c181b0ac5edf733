#!/usr/bin/env python3
"""End-to-end checks of `acmepolicy resolve`, `explain` and `plan` on the bundled examples and on broken
inputs. Usage: cli_test.py ACMEPOLICY_BINARY SOURCE_DIR"""
import copy
import json
import os
import subprocess
import sys
import tempfile

BINARY, SOURCE = sys.argv[1], sys.argv[2]
EXAMPLES = os.path.join(SOURCE, "examples")
INVENTORY = os.path.join(EXAMPLES, "inventory.json")
STATE = os.path.join(EXAMPLES, "state.json")
CORP = os.path.join(EXAMPLES, "policies", "corp-acme.json")
STEP_CA = os.path.join(EXAMPLES, "policies", "assign-step-ca.json")
failures = []


def run(*args):
    p = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def write(folder, name, value):
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(value if isinstance(value, str) else json.dumps(value))
    return path


def by_id(entries, key="device"):
    return {e[key]: e for e in entries}


def resolve_examples():
    code, out, err = run("resolve", "--inventory", INVENTORY, CORP, STEP_CA, "--format", "json")
    check(code == 0, f"resolve on the examples exits 0, got {code}: {err}")
    doc = json.loads(out)
    policies = by_id(doc["policies"], "id")
    check(list(policies) == ["assign-step-ca", "corp-acme"], f"policies sorted by id: {list(policies)}")
    corp, step = policies["corp-acme"], policies["assign-step-ca"]
    reasons = {e["reason"] for p in doc["policies"] for e in p["excluded"]}
    for reason in ["platform_unsupported", "os_too_old", "os_unknown", "not_enrolled", "variable_unavailable",
                   "server_profile_incompatible"]:
        check(reason in reasons, f"the examples show {reason}")
    excluded = by_id(corp["excluded"])
    check(excluded["d-0003"]["message"] == "macOS: this policy applies to iOS/iPadOS only", "macOS message")
    check(excluded["d-0004"]["message"] == "iOS 15.7 is older than 16.0", "iOS 15 message")
    check(excluded["d-0005"]["reason"] == "not_enrolled", "unenrolled device")
    check(excluded["d-0006"]["reason"] == "variable_unavailable", "User Enrollment device lacks the serial")
    check(by_id(step["excluded"])["d-0006"]["reason"] == "server_profile_incompatible", "step-ca and User Enrollment")
    check("d-0010" not in excluded and "d-0010" not in by_id(corp["included"]), "untargeted devices are not listed")
    included = by_id(corp["included"])
    check(included["d-0042"]["via"] == ["group:g-sales", "device"], "direct and group routes of d-0042")
    check([e["device"] for e in corp["included"]].count("d-0042") == 1, "d-0042 counted once")
    warnings = included["d-0007"]["warnings"]
    check(len(warnings) == 1 and warnings[0]["code"] == "attestation_unsupported"
          and warnings[0]["message"].startswith("iPad7,5 cannot attest"), f"A10 iPad warning: {warnings}")
    counts = corp["counts"]
    check(counts["included"] == len(corp["included"]) and counts["excluded"] == len(corp["excluded"]), "counts")
    check(sum(counts[r] for r in counts if r not in ("included", "excluded")) == counts["excluded"],
          "reason counts add up to the excluded count")
    ids = [e["device"] for e in corp["excluded"]]
    check(ids == sorted(ids), "excluded devices sorted by id")

    code, text, _ = run("resolve", "--inventory", INVENTORY, CORP, STEP_CA)
    check(code == 0, "text resolve exits 0")
    for fragment in ["excluded d-0004 os_too_old: iOS 15.7 is older than 16.0", "server_profile_incompatible",
                     "included d-0042 via group:g-sales, device", "attestation_unsupported"]:
        check(fragment in text, f"text output shows {fragment!r}")


def resolve_broken_inputs(tmp):
    with open(CORP, encoding="utf-8") as f:
        corp = json.load(f)
    invalid = copy.deepcopy(corp)
    invalid["payload"]["KeySize"] = 123
    code, out, _ = run("resolve", "--inventory", INVENTORY, write(tmp, "invalid.json", invalid), "--format", "json")
    check(code == 1, f"an invalid policy exits 1, got {code}")
    policy = json.loads(out)["policies"][0]
    check(policy["valid"] is False and policy["included"] == [], "an invalid policy includes nobody")
    check(policy["excluded"] and all(e["reason"] == "policy_invalid" for e in policy["excluded"]), "policy_invalid")

    with open(INVENTORY, encoding="utf-8") as f:
        inventory = json.load(f)
    duplicated = copy.deepcopy(inventory)
    duplicated["devices"].append(dict(inventory["devices"][0]))
    code, out, _ = run("resolve", "--inventory", write(tmp, "dup.json", duplicated), CORP, "--format", "json")
    doc = json.loads(out)
    check(code == 1, f"a duplicate device id exits 1, got {code}")
    check(any(d["code"] == "inventory.duplicate_id" for d in doc["diagnostics"]), "inventory.duplicate_id reported")

    ghost = copy.deepcopy(inventory)
    ghost["groups"][0]["devices"].append("d-ghost")
    code, out, _ = run("resolve", "--inventory", write(tmp, "ghost.json", ghost), CORP, "--format", "json")
    doc = json.loads(out)
    check(code == 0, "an unknown group member is only a warning")
    check(any(d["code"] == "inventory.unknown_device" and d["severity"] == "warning" for d in doc["diagnostics"]),
          "inventory.unknown_device warning")

    code, _, err = run("resolve", "--inventory", INVENTORY, write(tmp, "broken.json", '{"schema_version": 1,'))
    check(code == 2 and "broken.json" in err, f"a policy file that is not JSON exits 2 naming it: {code} {err}")
    code, _, _ = run("resolve", CORP)
    check(code == 2, "resolve without --inventory exits 2")
    code, _, _ = run("resolve", "--inventory", os.path.join(tmp, "missing.json"), CORP)
    check(code == 2, "an unreadable inventory exits 2")


def explain_examples():
    expectations = {
        "d-0042": "included directly and through group Sales",
        "d-0004": "excluded: iOS 15.7 is older than 16.0",
        "d-0010": "not targeted: the policy names neither this device nor a group it belongs to",
    }
    for device, message in expectations.items():
        code, out, err = run("explain", "--inventory", INVENTORY, CORP, "--device", device, "--format", "json")
        check(code == 0, f"explain {device} exits 0: {err}")
        doc = json.loads(out)
        check(doc["message"] == message, f"explain {device}: {doc['message']!r}")
        check(doc["policy"] == "corp-acme" and doc["device"] == device, "explain names the pair")
    doc = json.loads(run("explain", "--inventory", INVENTORY, CORP, "--device", "d-0004", "--format", "json")[1])
    check(doc["included"] is False and doc["reason"] == "os_too_old", "explain gives the reason code")
    code, out, _ = run("explain", "--inventory", INVENTORY, CORP, "--device", "d-0007")
    check(code == 0 and "attestation_unsupported" in out, "explain text shows warnings")
    code, _, err = run("explain", "--inventory", INVENTORY, CORP, "--device", "d-nope")
    check(code == 2 and "d-nope" in err, f"an unknown device exits 2: {code} {err}")


def apply(state, actions):
    devices = copy.deepcopy(state["devices"])
    for a in actions:
        entry = devices.setdefault(a["device"], {})
        if a["action"] == "remove":
            entry.pop(a["policy"], None)
        else:
            entry[a["policy"]] = {"payload_identifier": a["payload_identifier"], "payload_uuid": a["payload_uuid"]}
    return {"devices": {d: p for d, p in devices.items() if p}}


def plan_examples(tmp):
    code, out, err = run("plan", "--inventory", INVENTORY, "--state", STATE, CORP, "--format", "json")
    check(code == 0, f"plan on the examples exits 0: {err}")
    actions = json.loads(out)["actions"]
    kinds = {(a["action"], a["device"], a["policy"]) for a in actions}
    check(("update", "d-0001", "corp-acme") in kinds, "d-0001 has changed content: update")
    check(("remove", "d-0002", "old-wifi-cert") in kinds, "a deleted policy's profile is removed")
    check(("remove", "d-0004", "corp-acme") in kinds, "an excluded device's profile is removed")
    check(("install", "d-0042", "corp-acme") in kinds, "a newly included device gets an install")
    for a in actions:
        check(a["payload_identifier"] == "com.example.acmepolicy." + a["policy"], f"identifier of {a}")
        check(("payload_uuid" in a) == (a["action"] != "remove"), f"only install/update carry a UUID: {a}")
    order = [(a["device"], a["policy"]) for a in actions]
    check(order == sorted(order), "actions sorted by device, then policy")
    with open(STATE, encoding="utf-8") as f:
        state = json.load(f)
    after = write(tmp, "after.json", apply(state, actions))
    code, out, _ = run("plan", "--inventory", INVENTORY, "--state", after, CORP, "--format", "json")
    check(code == 0 and json.loads(out)["actions"] == [], f"planning after applying gives nothing: {out}")

    code, out, _ = run("plan", "--inventory", INVENTORY, "--state", after, CORP, "--format", "json",
                       "--identifier-prefix", "org.example")
    moved = json.loads(out)["actions"]
    check(moved and all(a["action"] in ("remove", "install") for a in moved), "a new prefix replaces profiles")
    code, out, _ = run("plan", "--inventory", INVENTORY, "--state", after, CORP)
    check(code == 0 and out.strip().endswith("0 actions"), f"text plan: {out}")
    code, _, _ = run("plan", "--inventory", INVENTORY, "--state", write(tmp, "bad-state.json", '{"devices": []}'),
                     CORP)
    check(code == 1, "a malformed state exits 1")
    code, _, _ = run("plan", "--inventory", INVENTORY, CORP)
    check(code == 2, "plan without --state exits 2")


ATTESTED = os.path.join(EXAMPLES, "policies", "attested-step-ca.json")
NO_ATTEST = os.path.join(EXAMPLES, "policies", "corp-acme-no-attest.json")


def fallback_examples(tmp):
    code, out, err = run("resolve", "--inventory", INVENTORY, ATTESTED, NO_ATTEST, "--format", "json")
    check(code == 0, f"resolve with a fallback exits 0: {err}")
    policies = by_id(json.loads(out)["policies"], "id")
    primary, fallback = policies["attested-step-ca"], policies["corp-acme-no-attest"]
    moved = by_id(primary["included_via_fallback"])
    check(set(moved) == {"d-0006", "d-0007"}, f"the User Enrollment and the A10 devices fall back: {list(moved)}")
    check(moved["d-0007"] == {"device": "d-0007", "policy": "corp-acme-no-attest", "reason": "attestation_unsupported",
                              "message": "iPad7,5 cannot attest: gets Corp ACME (no attestation) instead"},
          f"the fallback entry: {moved.get('d-0007')}")
    check(moved["d-0006"]["reason"] == "user_enrollment", "User Enrollment falls back as user_enrollment")
    check(primary["counts"]["included_via_fallback"] == 2, "counted")
    arrived = by_id(fallback["included"])
    check(arrived.get("d-0007", {}).get("via") == ["fallback:attested-step-ca"], f"via fallback: {arrived}")
    # Text: the hand-over is one line, and the receiving policy names the route.
    code, out, _ = run("resolve", "--inventory", INVENTORY, ATTESTED, NO_ATTEST)
    check("  fallback d-0007 to corp-acme-no-attest attestation_unsupported: iPad7,5 cannot attest: gets Corp ACME "
          "(no attestation) instead" in out, f"resolve text shows the fallback:\n{out}")
    check("  included d-0007 via fallback:attested-step-ca" in out, f"resolve text shows the route:\n{out}")
    check("included_via_fallback" not in out, f"the count is not listed among reasons:\n{out}")
    # Alone, the primary names a policy the set lacks: exit 1, nothing handed over.
    code, out, _ = run("resolve", "--inventory", INVENTORY, ATTESTED)
    check(code == 1 and "No policy of the set has the id \"corp-acme-no-attest\"" in out and "[invalid]" in out,
          f"a missing fallback is an error: {code}\n{out}")
    # explain: the first file is explained, the others complete the set.
    code, out, err = run("explain", "--inventory", INVENTORY, ATTESTED, NO_ATTEST, "--device", "d-0007")
    check(code == 0 and out.strip() == "attested-step-ca / d-0007: fallback: iPad7,5 cannot attest: gets Corp ACME "
          "(no attestation) instead", f"explain text on the primary: {out}{err}")
    code, out, _ = run("explain", "--inventory", INVENTORY, NO_ATTEST, ATTESTED, "--device", "d-0006",
                       "--format", "json")
    doc = json.loads(out)
    check(doc["included"] is True and doc["message"] == "included as the fallback of Attested step-ca",
          f"explain on the fallback: {doc}")
    code, out, _ = run("explain", "--inventory", INVENTORY, ATTESTED, NO_ATTEST, "--device", "d-0006",
                       "--format", "json")
    doc = json.loads(out)
    check(doc.get("included_via_fallback") == {"policy": "corp-acme-no-attest", "reason": "user_enrollment"},
          f"explain JSON names the fallback: {doc}")
    # Plan: d-0007 has the primary installed from before; it gets the fallback first, then loses the primary.
    state = write(tmp, "fallback-state.json", {"devices": {"d-0007": {"attested-step-ca": {
        "payload_identifier": "com.example.acmepolicy.attested-step-ca", "payload_uuid": "OLD"}}}})
    code, out, err = run("plan", "--inventory", INVENTORY, "--state", state, ATTESTED, NO_ATTEST, "--format", "json")
    check(code == 0, f"plan with a fallback exits 0: {err}")
    d7 = [(a["action"], a["policy"]) for a in json.loads(out)["actions"] if a["device"] == "d-0007"]
    check(d7 == [("install", "corp-acme-no-attest"), ("remove", "attested-step-ca")],
          f"install the fallback before removing the primary: {d7}")



def schema_command():
    """`acmepolicy schema`: the core's tables, the same document compact or --pretty; the hardware table there
    is the one resolution applies (an iPad below the first attesting major is handed to the fallback)."""
    code, out, err = run("schema")
    check(code == 0 and out.endswith("}\n") and "\n" not in out[:-1], f"schema prints one line of JSON: {code} {err}")
    compact = json.loads(out)
    code, pretty, _ = run("schema", "--pretty")
    check(code == 0 and json.loads(pretty) == compact and pretty.count("\n") > 50, "--pretty is the same document")
    code, _, err = run("schema", "--nope")
    check(code == 2 and "usage: acmepolicy schema" in err, f"an unknown argument is a usage error: {code} {err}")
    ipad = [f for f in compact["attestation_hardware"]["families"] if f["prefix"] == "iPad"][0]
    code, out, err = run("explain", "--inventory", INVENTORY, ATTESTED, NO_ATTEST, "--device", "d-0007")
    check(f"iPad{ipad['first_capable_major'] - 1},5 cannot attest: gets Corp ACME (no attestation) instead" in out,
          f"explain hands the old iPad (below major {ipad['first_capable_major']}) over: {out} {err}")


with tempfile.TemporaryDirectory() as tmp:
    schema_command()
    fallback_examples(tmp)
    resolve_examples()
    resolve_broken_inputs(tmp)
    explain_examples()
    plan_examples(tmp)

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all assignment CLI checks passed")
