"""The facade calls every host answers in the contract tests, with their inputs and the schema of docs/schemas/
the answer must match. One list for the C ABI, wasm and Go harnesses, so each host is asked the same things:
the examples, the validation corpus, invalid inputs and a call with bad options (the facade's error body)."""

import glob
import json
import os

from schemas import SOURCE_DIR

# The examples' CA certificates are valid from 2026-11-28; the example device certificates expire in 2026-09.
NOW = "2026-12-01T12:00:00Z"
CERTIFICATES_NOW = "2026-08-01T12:00:00Z"


def _read(*parts):
    with open(os.path.join(SOURCE_DIR, *parts), encoding="utf-8") as f:
        return f.read()


def _policies_array(paths):
    return "[" + ",".join(_read(p) for p in paths) + "]"


EXAMPLE_POLICIES = sorted(os.path.relpath(p, SOURCE_DIR)
                          for p in glob.glob(os.path.join(SOURCE_DIR, "examples", "policies", "*.json")))
INVALID_POLICIES = sorted(os.path.relpath(p, SOURCE_DIR)
                          for p in glob.glob(os.path.join(SOURCE_DIR, "examples", "policies", "invalid", "*.json")))
CORPUS = sorted(os.path.relpath(p, SOURCE_DIR)
                for p in glob.glob(os.path.join(SOURCE_DIR, "tests", "validation", "corpus", "*.json")))
DEVICES = sorted(os.path.relpath(p, SOURCE_DIR)
                 for p in glob.glob(os.path.join(SOURCE_DIR, "examples", "devices", "*.json")))

# The answer of any call that could not run (bad options, internal failure).
FACADE_ERROR = "common.json#/$defs/facade_error"


def call(function, inputs, schema, label, open_paths=()):
    """One facade call; `open_paths` are the JSON pointers of objects the schema leaves open (a plist's value)."""
    return {"function": function, "inputs": list(inputs), "schema": schema, "label": label,
            "open": list(open_paths)}


def all_calls():
    inventory = _read("examples", "inventory.json")
    state = _read("examples", "state.json")
    every_policy = _policies_array(EXAMPLE_POLICIES)
    corp = _read("examples", "policies", "corp-acme.json")
    fallback_set = _policies_array(["examples/policies/attested-step-ca.json",
                                    "examples/policies/corp-acme-no-attest.json"])
    cert_policy = _read("examples", "certificates", "corp-acme.json")
    cert_inventory = _read("examples", "certificates", "inventory.json")
    cert_list = _read("examples", "certificates", "certificate-list.plist")
    pem = json.loads(cert_policy)["ca_certificates"][0]
    entry = json.dumps(json.loads(cert_inventory)["devices"][0])
    now = json.dumps({"now": NOW})
    certificates_now = json.dumps({"now": CERTIFICATES_NOW})

    calls = [call("version", [], "version.json", "version"),
             call("schema", [], "schema-answer.json", "schema")]
    for path in EXAMPLE_POLICIES + INVALID_POLICIES + CORPUS:
        calls.append(call("validate", [_read(path), now], "validate-answer.json", f"validate {path}"))
    calls.append(call("validate", [corp, "{\"now\": 5}"], FACADE_ERROR, "validate with bad options"))
    calls.append(call("validate_set", [every_policy, now], "validate-set-answer.json", "validate_set examples"))
    calls.append(call("validate_set", [_policies_array(CORPUS[:6]), now], "validate-set-answer.json",
                      "validate_set corpus"))
    calls.append(call("validate_set", ["{}", now], "validate-set-answer.json", "validate_set not an array"))
    for path in EXAMPLE_POLICIES:
        for device in DEVICES:
            for fmt in ("mobileconfig", "ddm", "install-command", "remove-command"):
                options = {"format": fmt, "device": json.loads(_read(device)), "now": NOW,
                           "ddm_base_url": "https://mdm.example.com/ddm", "client_token_secret": "s3cret",
                           "random_hex": "00112233445566778899aabbccddeeff"}
                calls.append(call("render", [_read(path), json.dumps(options)], "render-answer.json",
                                  f"render {path} {device} {fmt}"))
    calls.append(call("render", [corp, json.dumps({"preview": True})], "render-answer.json", "render preview"))
    calls.append(call("render", [_read(INVALID_POLICIES[0]), "{}"], "render-answer.json", "render invalid policy"))
    calls.append(call("render", [corp, json.dumps({"format": "pdf"})], FACADE_ERROR, "render bad format"))
    calls.append(call("verify_client_token",
                      [json.dumps({"secret": "s", "policy_id": "p", "device_id": "d", "token": "t"})],
                      "rest/client-token-verify.json", "verify_client_token"))
    assign_set = _policies_array(["examples/policies/corp-acme.json", "examples/policies/assign-step-ca.json"])
    calls.append(call("resolve", [inventory, assign_set, now], "resolution.json", "resolve corp-acme, assign-step-ca"))
    calls.append(call("resolve", [inventory, fallback_set, now], "resolution.json", "resolve fallback set"))
    calls.append(call("resolve", [inventory, every_policy, now], "resolution.json", "resolve examples"))
    calls.append(call("resolve", [inventory, _policies_array(CORPUS), now], "resolution.json", "resolve corpus"))
    calls.append(call("resolve", ["{\"devices\": 3}", every_policy, now], "resolution.json", "resolve bad inventory"))
    for device in [d["id"] for d in json.loads(inventory)["devices"]]:
        calls.append(call("explain", [inventory, corp, device, now], "explain.json", f"explain corp-acme {device}"))
        calls.append(call("explain", [inventory, fallback_set, device, now], "explain.json",
                          f"explain fallback set {device}"))
    calls.append(call("explain", [inventory, "{}", "d-0001", now], "explain.json", "explain invalid policy"))
    calls.append(call("explain", [inventory, corp, "nobody", now], FACADE_ERROR, "explain unknown device"))
    calls.append(call("plan", [inventory, assign_set, state,
                               json.dumps({"now": NOW, "identifier_prefix": "com.example.acmepolicy"})],
                      "plan.json", "plan examples"))
    calls.append(call("plan", [inventory, every_policy, "{\"devices\": []}", now], "plan.json", "plan bad state"))
    checkin = _read("tests", "c_abi", "data", "checkin-authenticate.plist")
    calls.append(call("parse_plist", [checkin], "plist-answer.json", "parse_plist check-in",
                      ["/value"]))
    calls.append(call("parse_plist", ["<plist><dict><key>a</key></dict></plist>"], "plist-answer.json",
                      "parse_plist broken"))
    calls.append(call("inspect_certificate", [pem, ""], "certificate-info.json", "inspect_certificate CA"))
    calls.append(call("inspect_certificate", ["not a pem", ""], "certificate-info.json", "inspect_certificate junk"))
    calls.append(call("parse_certificate_list", [cert_list, ""], "certificate-list-answer.json",
                      "parse_certificate_list example"))
    calls.append(call("parse_certificate_list", ["<plist>", ""], "certificate-list-answer.json",
                      "parse_certificate_list junk"))
    calls.append(call("certificate_status", [cert_policy, entry, certificates_now], "certificate-status.json",
                      "certificate_status example"))
    calls.append(call("certificate_status", ["{}", entry, certificates_now], "certificate-status.json",
                      "certificate_status invalid policy"))
    calls.append(call("plan_renewals", [cert_inventory, "[" + cert_policy + "]", certificates_now], "renewal-plan.json",
                      "plan_renewals example"))
    calls.append(call("plan_renewals", [cert_inventory, "{}", certificates_now], "renewal-plan.json", "plan_renewals not an array"))
    return calls
