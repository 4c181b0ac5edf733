"""HTTPS (--tls-cert/--tls-key), step-ca's AUTHORIZING webhook, client-token verification and signed
profiles, checked with independent tools (Python's ssl and hmac, openssl cms)."""

import base64
import hashlib
import hmac
import http.client
import json
import os
import sqlite3
import ssl
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Device, FakeNanoMDM, Server, TempDir, policy_document, wait_until  # noqa: E402

STEPCA_SECRET = base64.b64encode(b"step-ca shared webhook secret!!").decode()


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class TlsServer(Server):
    def connection(self):
        context = ssl.create_default_context(cafile=os.path.join(self.workdir, "tls.pem"))
        return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=15, context=context)


class TlsAndStepCa(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = TempDir()
        cls.workdir = cls._tmp.__enter__()
        w = cls.workdir
        # TLS identity for 127.0.0.1, and a signing identity for profiles.
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "tls.key",
                "-out", "tls.pem", cwd=w)
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Profile Signer",
                "-keyout", "sign.key", "-out", "sign.pem", cwd=w)
        cls.nanomdm = FakeNanoMDM().start()
        cls.server = TlsServer(w, nanomdm=cls.nanomdm, extra=[
            "--tls-cert", os.path.join(w, "tls.pem"), "--tls-key", os.path.join(w, "tls.key"),
            "--stepca-webhook-secret", STEPCA_SECRET,
            "--signing-cert", os.path.join(w, "sign.pem"), "--signing-key", os.path.join(w, "sign.key")]).start()
        s = cls.server
        s.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": ["ENR-T"]}, expect=201)
        s.api("POST", "/policies", policy_document(), expect=201)
        cls.device = Device(s, enrollment_id="ENR-T", serial="TLSSERIAL1")
        cls.device.enroll()
        wait_until(lambda: cls.nanomdm.received("InstallProfile"), what="InstallProfile")

    @classmethod
    def tearDownClass(cls):
        try:
            cls.nanomdm.stop()
            cls.server.stop()
        finally:
            cls._tmp.__exit__(None, None, None)

    def stepca(self, identifier, secret=STEPCA_SECRET):
        body = json.dumps({"timestamp": "2026-11-28T12:00:00Z", "provisionerName": "acme-da",
                           "attestationData": {"permanentIdentifier": identifier},
                           "x509CertificateRequest": {"publicKeyAlgorithm": "ECDSA"}}).encode()
        signature = hmac.new(base64.b64decode(secret), body, hashlib.sha256).hexdigest()
        status, _, payload = self.server.request("POST", "/webhook/step-ca", raw=body, auth=False, headers={
            "Content-Type": "application/json", "X-Smallstep-Signature": signature,
            "X-Smallstep-Webhook-ID": "wh-1"})
        return status, json.loads(payload)

    def test_health_over_https(self):
        status, _, body = self.server.request("GET", "/api/v1/health", auth=False)
        self.assertEqual((status, json.loads(body)["status"]), (200, "ok"))

    def test_stepca_allows_enrolled_device_with_policy(self):
        status, body = self.stepca("TLSSERIAL1")
        self.assertEqual((status, body["allow"]), (200, True))
        status, body = self.stepca(self.device.udid)
        self.assertEqual((status, body["allow"]), (200, True))

    def test_stepca_denies_unknown_identifier(self):
        status, body = self.stepca("NOT-A-DEVICE")
        self.assertEqual((status, body["allow"]), (200, False))
        self.assertEqual(body["error"]["code"], "stepca.not_authorized")

    def test_stepca_wrong_signature_is_401(self):
        status, body = self.stepca("TLSSERIAL1", secret=base64.b64encode(b"another secret").decode())
        self.assertEqual(status, 401)
        self.assertEqual(body["error"]["code"], "webhook.signature_invalid")

    def test_client_token_verify(self):
        db = sqlite3.connect(os.path.join(self.workdir, "acmepolicy.db"))
        secret = db.execute("SELECT value FROM settings WHERE key = 'client_token_secret'").fetchone()[0]
        db.close()
        token = base64.urlsafe_b64encode(hmac.new(secret.encode(), b"corp-acme\0ENR-T", hashlib.sha256).digest())
        token = token.decode().rstrip("=")
        _, body = self.server.api("POST", "/client-tokens/verify",
                                  {"policy_id": "corp-acme", "device_id": "ENR-T", "token": token}, expect=200)
        self.assertEqual(body, {"valid": True})
        _, body = self.server.api("POST", "/client-tokens/verify",
                                  {"policy_id": "corp-acme", "device_id": "ENR-X", "token": token}, expect=200)
        self.assertEqual(body, {"valid": False})

    def test_signed_profile_verifies_with_openssl(self):
        status, headers, body = self.server.request("GET", "/api/v1/policies/corp-acme/profile?device=ENR-T")
        self.assertEqual(status, 200, body[:300])
        self.assertEqual(headers["Content-Type"], "application/x-apple-aspen-config")
        path = os.path.join(self.workdir, "signed.mobileconfig")
        with open(path, "wb") as f:
            f.write(body)
        result = subprocess.run(["openssl", "cms", "-verify", "-inform", "DER", "-in", path, "-CAfile",
                                 os.path.join(self.workdir, "sign.pem")], capture_output=True)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        import plistlib
        profile = plistlib.loads(result.stdout)
        self.assertEqual(profile["PayloadContent"][0]["ClientIdentifier"], "TLSSERIAL1")


if __name__ == "__main__":
    unittest.main()
