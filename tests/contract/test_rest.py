"""REST answers of a running `acmepolicy serve` (tests/server/harness.py) against docs/openapi.yaml and the
schemas it references: a fleet is built (policies, groups, records, enrolled devices that install, refuse and
report certificates, an identity conflict, versions, audit), then every route is called, and each answer must
be a documented status whose JSON body matches its schema (and whose mutated copies do not). Every route that
reveals or changes state answers 401 without a token, and 403 to a read-only token when it writes.
Environment: ACMEPOLICY_BIN."""

import json
import os
import subprocess
import sys
import time
import urllib.parse

from contract_case import ContractCase
import openapi
from schemas import SOURCE_DIR

sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "server"))
import harness  # noqa: E402
from harness import Device, ServerTestCase, policy_document, wait_until  # noqa: E402
from test_certificates import Pki  # noqa: E402

# Objects the schemas leave open on purpose: stored documents before/after a change, the device's own
# ErrorChain and error details, the DDM declarations.
OPEN = [r"/entries/\d+/(before|after)", r"/assignments/\d+/last_error", r"/assignments/\d+/last_device_answer",
        r"/commands/\d+/last_device_answer", r"/last_device_answer", r"/declarations", r"/credential"]


class RestAnswers(ServerTestCase):
    def setUp(self):
        super().setUp()
        # The inventory commands (CertificateList) are what fill the certificate routes.
        self.server.stop()
        self.server = harness.Server(self.workdir, nanomdm=self.nanomdm, inventory=True,
                                     extra=["--mdm-public-url", "https://mdm.example.com",
                                            "--install-retry-seconds", "3600"]).start()
        self.checked = set()
        self.case = ContractCase()

    def call(self, method, path, body=None, raw=None, token=True, headers=None):
        """Sends a request and checks the answer against docs/openapi.yaml; returns (status, parsed body)."""
        h = dict(headers or {})
        if token is True:
            token = self.server.token
        if token:
            h["Authorization"] = f"Bearer {token}"
        if body is not None:
            raw = json.dumps(body).encode()
        if raw is not None:
            h.setdefault("Content-Type", "application/json")
        status, response_headers, payload = self.server.request(method, path, raw=raw, auth=False, headers=h)
        content_type = response_headers.get("Content-Type", "")
        label = f"{method} {path} -> {status}"
        self.assertLess(status, 500, f"{label}: {payload[:500]!r}")
        found = openapi.operation(method, path)
        self.assertIsNotNone(found, f"{label}: no operation of docs/openapi.yaml")
        documented, schema, _ = openapi.response_schema(method, path, status, content_type or "application/json")
        self.assertTrue(documented, f"{label} ({content_type}) is not documented: {payload[:300]!r}")
        parsed = None
        if content_type.startswith("application/json"):
            parsed = json.loads(payload)
            self.assertEqual(openapi.body_errors(method, path, status, content_type, parsed), [], label)
            if schema:
                self.case.assertMatches(parsed, schema, label, open_paths=OPEN)
            self.checked.add((found[0], method, status))
        else:
            self.checked.add((found[0], method, status))
        return status, parsed

    def ok(self, method, path, body=None, expect=200):
        status, parsed = self.call(method, path, body)
        self.assertEqual(status, expect, f"{method} {path}: {parsed}")
        return parsed

    def fleet(self):
        """Policies, groups, records and three enrolled devices in every state the routes report."""
        pki = Pki(self.workdir)
        policy = policy_document(groups=("g-sales",), devices=("d-rest",))
        policy["ca_certificates"] = [pki.pem]
        self.ok("POST", "/api/v1/groups", {"id": "g-sales", "name": "Sales", "devices": ["ENR-1", "ENR-2"]}, 201)
        self.ok("POST", "/api/v1/policies", policy, 201)
        fallback = policy_document("corp-no-attest", "Corporate ACME (no attestation)", groups=())
        fallback["payload"]["Attest"] = False
        fallback["targets"] = {"devices": ["d-rest"]}
        self.ok("POST", "/api/v1/policies", fallback, 201)
        self.ok("POST", "/api/v1/devices", {"id": "d-rest", "platform": "iOS", "os_version": "17.5",
                                            "enrollment": "ade", "serial_number": "REST0001",
                                            "product_name": "iPhone8,1"}, 201)
        self.ok("PUT", "/api/v1/devices/d-rest", {"id": "d-rest", "platform": "iOS", "os_version": "15.7",
                                                  "enrollment": "device"})
        # ENR-1 installs and reports a certificate the policy's CA issued; ENR-2 refuses the install.
        nanomdm = self.nanomdm
        ana = Device(self.server, enrollment_id="ENR-1", serial="CERT0001", os_version="17.5")
        ana.enroll()
        install = wait_until(lambda: nanomdm.received("InstallProfile"), what="install")[-1][1]
        ana.report(install["CommandUUID"], "Acknowledged")
        listing = wait_until(lambda: nanomdm.received("CertificateList"), what="CertificateList")[-1][1]
        der, _ = pki.device_certificate("CERT0001", 30)
        ana.report(listing["CommandUUID"], "Acknowledged",
                   answer={"CertificateList": [{"CommonName": "CERT0001", "Data": der, "IsIdentity": True}]})
        bob = Device(self.server, enrollment_id="ENR-2", serial="CERT0002", os_version="17.5")
        bob.enroll()
        refused = wait_until(lambda: [c for d, c, *_ in nanomdm.received("InstallProfile") if d == "ENR-2"],
                             what="install to ENR-2")[-1]
        bob.report(refused["CommandUUID"], "Error",
                   error_chain=[{"ErrorCode": 4001, "ErrorDomain": "MCInstallationErrorDomain",
                                 "LocalizedDescription": "The profile could not be installed."}])
        wait_until(lambda: self.ok("GET", "/api/v1/devices/ENR-2/status")["assignments"][0]["status"] == "failed",
                   what="ENR-2 failed")
        # A third enrollment claims ENR-1's serial: parked as an identity conflict.
        Device(self.server, enrollment_id="ENR-EVIL", serial="CERT0001").enroll()
        wait_until(lambda: self.ok("GET", "/api/v1/identity-conflicts")["conflicts"], what="conflict")
        wait_until(lambda: self.ok("GET", "/api/v1/devices/ENR-1/certificates")["certificates"], what="certificates")
        return policy, refused["CommandUUID"]

    def test_every_route_answers_what_docs_openapi_yaml_says(self):
        policy, refused = self.fleet()
        # Reads.
        for path in ("/api/v1/health", "/api/v1/whoami", "/api/v1/policies", "/api/v1/policies/corp-acme",
                     "/api/v1/policies/corp-acme/assignments", "/api/v1/policies/corp-no-attest/assignments",
                     "/api/v1/policies/corp-acme/versions", "/api/v1/devices", "/api/v1/devices/ENR-1",
                     "/api/v1/devices?q=cert&limit=1", "/api/v1/devices?status=failed&sort=status&dir=desc",
                     "/api/v1/devices?expires_within_days=60", "/api/v1/devices/ENR-1/status",
                     "/api/v1/devices/ENR-2/status", "/api/v1/devices/d-rest/status",
                     "/api/v1/devices/ENR-1/certificates", "/api/v1/identity-conflicts", "/api/v1/groups",
                     "/api/v1/groups/g-sales", "/api/v1/commands", "/api/v1/commands?device=ENR-2&limit=5",
                     "/api/v1/audit", "/api/v1/audit?limit=2", "/api/v1/certificates/inventory",
                     "/api/v1/renewals", "/api/v1/renewals?days=7",
                     "/api/v1/policies/corp-acme/profile?device=ENR-1",
                     "/api/v1/policies/corp-acme/profile?device=ENR-1&format=ddm"):
            with self.subTest(path=path):
                self.ok("GET", path)
        status = self.ok("GET", "/api/v1/devices/ENR-1/status")
        self.assertIsNotNone(status["assignments"][0]["certificate"], "the certificate was matched")
        self.assertTrue(self.ok("GET", "/api/v1/devices/ENR-2/status")["assignments"][0]["last_error"])
        # Writes with their answers (the refused install first, while it is the device's latest).
        self.ok("POST", f"/api/v1/commands/{refused}/retry", expect=202)
        policy["name"] = "Corporate ACME v2"
        self.ok("PUT", "/api/v1/policies/corp-acme", policy)
        self.ok("POST", "/api/v1/policies/corp-acme/versions/1/restore")
        self.ok("PUT", "/api/v1/groups/g-sales/members", {"devices": ["ENR-1", "ENR-2", "d-rest"]})
        self.ok("PUT", "/api/v1/groups/g-field", {"name": "Field", "devices": []})
        self.ok("POST", "/api/v1/devices/ENR-1/reconcile")
        self.ok("POST", "/api/v1/devices/ENR-1/policies/corp-acme/repush", expect=202)
        self.ok("POST", "/api/v1/client-tokens/verify", {"policy_id": "corp-acme", "device_id": "ENR-1",
                                                         "token": "nope"})
        conflict = self.ok("GET", "/api/v1/identity-conflicts")["conflicts"][0]["id"]
        self.ok("DELETE", f"/api/v1/identity-conflicts/{conflict}", expect=204)
        self.ok("DELETE", "/api/v1/groups/g-field", expect=204)
        self.ok("POST", "/api/v1/devices", {"id": "d-gone"}, 201)
        self.ok("DELETE", "/api/v1/devices/d-gone", expect=204)
        self.ok("DELETE", "/api/v1/policies/corp-no-attest", expect=204)
        audit = self.ok("GET", "/api/v1/audit?limit=1000")
        self.assertGreater(len(audit["entries"]), 10)
        # Refusals: each documented, each the error body.
        refusals = [
            ("GET", "/api/v1/policies/nope", None, None, 404),
            ("GET", "/api/v1/devices/nope/status", None, None, 404),
            ("GET", "/api/v1/devices?limit=0", None, None, 400),
            ("GET", "/api/v1/commands?limit=5000", None, None, 400),
            ("GET", "/api/v1/audit?before=x", None, None, 400),
            ("GET", "/api/v1/renewals?days=0", None, None, 400),
            ("GET", "/api/v1/policies/corp-acme/profile", None, None, 400),
            ("GET", "/api/v1/policies/corp-acme/profile?device=nobody", None, None, 404),
            ("GET", "/api/v1/devices/a%ZZ", None, None, 400),
            ("POST", "/api/v1/policies", None, b"{\"name\": 1, \"name\": 2}", 400),
            ("POST", "/api/v1/policies", None, b"not json", 400),
            ("POST", "/api/v1/policies", {"name": "x"}, None, 422),
            ("POST", "/api/v1/policies", policy, None, 409),
            ("PUT", "/api/v1/policies/other", policy, None, 409),
            ("POST", "/api/v1/devices", {"id": "d-x", "platform": "Android"}, None, 422),
            ("DELETE", "/api/v1/devices/ENR-1", None, None, 409),
            ("POST", "/api/v1/groups", {"id": 1}, None, 422),
            ("POST", "/api/v1/policies/corp-acme/versions/99/restore", None, None, 404),
            ("POST", "/api/v1/commands/nope/retry", None, None, 404),
            ("POST", "/api/v1/devices/d-rest/policies/corp-acme/repush", None, None, 404),
            ("POST", "/api/v1/devices/ENR-EVIL/policies/corp-acme/repush", None, None, 404),
            ("POST", "/api/v1/client-tokens/verify", {"policy_id": 1}, None, 422),
            ("POST", "/api/v1/policies", None, b"[" * 40 + b"]" * 40, 400),
            ("POST", "/api/v1/devices", None, b"{\"id\": \"" + b"x" * (1024 * 1024 + 10) + b"\"}", 413),
        ]
        for method, path, body, raw, expected in refusals:
            with self.subTest(request=f"{method} {path} {expected}"):
                status, parsed = self.call(method, path, body=body, raw=raw)
                self.assertEqual(status, expected, parsed)
                self.assertIn("error", parsed)
        # Every operation of docs/openapi.yaml was answered with success at least once.
        succeeded = {(template, method) for template, method, status in self.checked if status < 300}
        self.assertEqual(sorted({(t, m) for m, t, _, _ in openapi.OPERATIONS} - succeeded), [])

    def test_every_route_needs_a_token_and_writes_need_admin(self):
        read_only = json.loads(subprocess.run(
            [harness.BINARY, "token", "create", "--scope", "read-only", "--name", "contract", "--database",
             self.server.database], capture_output=True, text=True, check=True, timeout=20).stdout)["token"]
        self.assertEqual(self.ok("GET", "/api/v1/whoami")["scope"], "admin")
        for method, template, _, op in openapi.OPERATIONS:
            path = template.replace("{n}", "1").replace("{id}", "x").replace("{policy}", "p").replace("{uuid}", "u")
            needed = openapi.roles(op)
            with self.subTest(operation=f"{method} {template}"):
                status, parsed = self.call(method, path, token=None, raw=b"{}" if method in ("POST", "PUT") else None)
                if not needed:
                    self.assertEqual(status, 200)
                    continue
                self.assertEqual((status, parsed["error"]["code"]), (401, "auth.required"))
                status, parsed = self.call(method, path, token="acmp_not-a-token")
                self.assertEqual(status, 401)
                status, parsed = self.call(method, path, token=read_only,
                                           raw=b"{}" if method in ("POST", "PUT") else None)
                if "read-only" in needed:
                    self.assertNotIn(status, (401, 403), f"{method} {template}")
                else:
                    self.assertEqual((status, parsed["error"]["code"]), (403, "auth.forbidden"))
