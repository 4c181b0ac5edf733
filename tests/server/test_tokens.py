"""Scoped bearer tokens: `acmepolicy token create|list|revoke` writes hashed tokens into the server's
database; the server enforces each token's scope, and the admin token file keeps working."""

import json
import os
import sqlite3
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BINARY, Server, TempDir, policy_document  # noqa: E402


class ScopedTokens(unittest.TestCase):
    def setUp(self):
        self._tmp = TempDir()
        self.workdir = self._tmp.__enter__()
        self.server = Server(self.workdir).start()

    def tearDown(self):
        try:
            self.server.stop()
        finally:
            self._tmp.__exit__(None, None, None)

    def cli(self, *args, expect=0):
        result = subprocess.run([BINARY, "token", *args, "--database", self.server.database], capture_output=True,
                                text=True, timeout=20)
        self.assertEqual(result.returncode, expect, result.stderr)
        return json.loads(result.stdout) if result.stdout.strip() else None

    def call(self, token, method, path, body=None):
        status, _, payload = self.server.request(method, "/api/v1" + path, body=body, auth=False,
                                                 headers={"Authorization": f"Bearer {token}"})
        return status, json.loads(payload) if payload else None

    def test_scopes_are_enforced_and_revocation_works(self):
        read_only = self.cli("create", "--scope", "read-only", "--name", "dashboard")
        acme = self.cli("create", "--scope", "acme-server", "--name", "step-ca")
        admin = self.cli("create", "--scope", "admin")
        self.assertTrue(read_only["token"].startswith("acmp_"))

        self.assertEqual(self.call(read_only["token"], "GET", "/policies")[0], 200)
        status, body = self.call(read_only["token"], "POST", "/policies", policy_document())
        self.assertEqual((status, body["error"]["code"]), (403, "auth.forbidden"))
        self.assertEqual(self.call(acme["token"], "POST", "/client-tokens/verify",
                                   {"policy_id": "p", "device_id": "d", "token": "t"}), (200, {"valid": False}))
        self.assertEqual(self.call(acme["token"], "GET", "/devices")[0], 403)
        self.assertEqual(self.call(admin["token"], "POST", "/policies", policy_document())[0], 201)
        self.assertEqual(self.call(self.server.token, "GET", "/policies")[0], 200)  # the token file: admin
        self.assertEqual(self.call(read_only["token"] + "x", "GET", "/policies")[0], 401)

        listing = self.cli("list")["tokens"]
        self.assertEqual(sorted((t["name"], t["scope"]) for t in listing),
                         [("", "admin"), ("dashboard", "read-only"), ("step-ca", "acme-server")])
        self.assertTrue(all("token" not in t and t["revoked_at"] is None for t in listing))
        with sqlite3.connect(self.server.database[len("sqlite:"):]) as db:
            stored = " ".join(" ".join(map(str, row)) for row in db.execute("SELECT * FROM api_tokens"))
        for t in (read_only, acme, admin):
            self.assertNotIn(t["token"], stored)
            self.assertNotIn(t["token"].rsplit("_", 1)[1], stored)

        self.assertEqual(self.cli("revoke", read_only["id"]), {"revoked": read_only["id"]})
        self.assertEqual(self.call(read_only["token"], "GET", "/policies")[0], 401)
        self.cli("revoke", read_only["id"], expect=1)
        revoked = [t for t in self.cli("list")["tokens"] if t["id"] == read_only["id"]][0]
        self.assertIsNotNone(revoked["revoked_at"])

    def test_usage_errors(self):
        result = subprocess.run([BINARY, "token", "create", "--scope", "root"], capture_output=True, text=True,
                                timeout=20)
        self.assertEqual(result.returncode, 2)
        self.assertIn("admin, read-only or acme-server", result.stderr)
        result = subprocess.run([BINARY, "token"], capture_output=True, text=True, timeout=20)
        self.assertEqual(result.returncode, 2)


if __name__ == "__main__":
    unittest.main()
