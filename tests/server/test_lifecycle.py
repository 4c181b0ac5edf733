"""Policy lifecycle under a moving clock: a policy accepted on write stays in force as accepted. A CA
certificate that expires after the profile was installed makes the policy `needs_attention`, never
uninstalls it; only an admin's delete or unassignment removes profiles. The server's clock is moved with
ACMEPOLICY_TEST_CLOCK_OFFSET_SECONDS (compiled into test builds only)."""

import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Device, FakeNanoMDM, Server, TempDir, policy_document, wait_until  # noqa: E402

DAY = 24 * 3600


def make_ca(workdir, days):
    key, cert = os.path.join(workdir, "ca.key"), os.path.join(workdir, "ca.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", str(days), "-subj", "/CN=Lifecycle Test CA",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
                   check=True, capture_output=True)
    with open(cert) as f:
        return f.read()


def edit_stored_documents(database, change):
    """Rewrites every stored policy document behind the server's back (SQLite file or PostgreSQL URL)."""
    import json
    if database.startswith("sqlite:"):
        import sqlite3
        with sqlite3.connect(database[len("sqlite:"):]) as db:
            for (pid, text) in db.execute("SELECT id, document FROM policies").fetchall():
                db.execute("UPDATE policies SET document = ? WHERE id = ?", (json.dumps(change(json.loads(text))), pid))
        return
    import pg_fixture
    import subprocess
    psql = os.path.join(pg_fixture.PG_BIN, "psql")
    rows = subprocess.run([psql, database, "-Atc", "SELECT id || chr(9) || document FROM policies"], check=True,
                          capture_output=True, text=True).stdout.splitlines()
    for row in rows:
        pid, text = row.split("\t", 1)
        subprocess.run([psql, database, "-v", "ON_ERROR_STOP=1", "-v", f"doc={json.dumps(change(json.loads(text)))}",
                        "-v", f"pid={pid}"], input="UPDATE policies SET document = :'doc' WHERE id = :'pid';",
                       check=True, capture_output=True, text=True)


class FreezeOnInvalid(unittest.TestCase):
    def setUp(self):
        self._tmp = TempDir()
        self.workdir = self._tmp.__enter__()
        self.nanomdm = FakeNanoMDM().start()
        self.server = None

    def tearDown(self):
        try:
            self.nanomdm.stop()
            if self.server:
                self.server.stop()
        finally:
            self._tmp.__exit__(None, None, None)

    def start(self, offset_days=0):
        if self.server:
            self.server.stop()
        env = {"ACMEPOLICY_TEST_CLOCK_OFFSET_SECONDS": str(offset_days * DAY)} if offset_days else {}
        self.server = Server(self.workdir, nanomdm=self.nanomdm, database=self.make_database(), env=env,
                             port=self.server.port if self.server else None).start()
        return self.server

    def make_database(self):
        if not hasattr(self, "_database"):
            self._database = None
        return self._database

    def status(self, device_id):
        _, body = self.server.api("GET", f"/devices/{device_id}/status", expect=200)
        return {a["policy"]: a for a in body["assignments"]}

    def installed_device(self, ca_days):
        server = self.start()
        policy = policy_document()
        policy["ca_certificates"] = [make_ca(self.workdir, ca_days)]
        server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": ["ENR-1", "ENR-2"]}, expect=201)
        _, created = server.api("POST", "/policies", policy, expect=201)
        self.assertEqual(created["state"], "ok")
        self.assertTrue(created["accepted_core_version"])
        device = Device(server, enrollment_id="ENR-1", serial="FREEZE1")
        device.enroll()
        _, command, _ = wait_until(lambda: self.nanomdm.received("InstallProfile"), what="install")[0]
        device.report(command["CommandUUID"], "Acknowledged")
        wait_until(lambda: self.status("ENR-1").get("corp-acme", {}).get("status") == "installed", what="installed")
        return device

    def test_ca_expiring_after_install_needs_attention_and_removes_nothing(self):
        device = self.installed_device(ca_days=60)
        server = self.start(offset_days=90)  # the CA expired 30 days ago
        device.server = server
        device.token_update()  # a check-in reconciles the device
        late = Device(server, enrollment_id="ENR-2", serial="FREEZE2")
        late.enroll()  # a device joining later still gets the policy as accepted
        wait_until(lambda: len(self.nanomdm.received("InstallProfile")) >= 2, what="install for the late device")
        time.sleep(1.0)
        self.assertEqual(self.nanomdm.received("RemoveProfile"), [])
        self.assertEqual(self.status("ENR-1")["corp-acme"]["status"], "installed")
        _, policy = server.api("GET", "/policies/corp-acme", expect=200)
        self.assertEqual(policy["state"], "needs_attention")
        self.assertEqual([a["code"] for a in policy["attention"]], ["cacertificates.expired"])
        self.assertTrue(all(a["severity"] == "warning" for a in policy["attention"]))
        _, listing = server.api("GET", "/policies", expect=200)
        self.assertEqual(listing["policies"][0]["state"], "needs_attention")
        self.assertEqual(listing["policies"][0]["counts"]["excluded"], 0)

        # Only the admin removes: deleting the policy sends RemoveProfile.
        server.api("DELETE", "/policies/corp-acme", expect=204)
        wait_until(lambda: self.nanomdm.received("RemoveProfile"), what="RemoveProfile after delete")

    def test_ca_expiring_soon_needs_attention(self):
        self.installed_device(ca_days=60)
        server = self.start(offset_days=45)  # 15 days left
        _, policy = server.api("GET", "/policies/corp-acme", expect=200)
        self.assertEqual(policy["state"], "needs_attention")
        self.assertEqual([a["code"] for a in policy["attention"]], ["cacertificates.expiring"])
        server = self.start(offset_days=0)
        _, policy = server.api("GET", "/policies/corp-acme", expect=200)
        self.assertEqual((policy["state"], policy["attention"]), ("ok", []))

    def test_policy_a_newer_core_refuses_is_frozen_not_removed(self):
        device = self.installed_device(ca_days=400)
        self.server.stop()
        # As if a newer core had a stricter rule: the stored document is now invalid whatever the clock.
        def stricter(document):
            document["payload"]["KeySize"] = 1000
            return document
        edit_stored_documents(self.server.database, stricter)
        self.server.process = None
        server = self.start()
        device.server = server
        device.token_update()
        Device(server, enrollment_id="ENR-2", serial="FREEZE2").enroll()
        time.sleep(1.0)
        self.assertEqual(self.nanomdm.received("RemoveProfile"), [])
        self.assertEqual(len(self.nanomdm.received("InstallProfile")), 1)  # nothing new from a frozen policy
        self.assertEqual(self.status("ENR-1")["corp-acme"]["status"], "installed")
        _, policy = server.api("GET", "/policies/corp-acme", expect=200)
        self.assertEqual(policy["state"], "needs_attention")
        # Nothing was even queued for the device (the core's plan keeps what a policy_invalid exclusion has
        # installed; the server drops any removal of a frozen policy as well).
        _, commands = server.api("GET", "/commands?device=ENR-1", expect=200)
        self.assertEqual([c["request_type"] for c in commands["commands"]], ["InstallProfile"])


if __name__ == "__main__":
    unittest.main()
