"""Safe defaults of `acmepolicy serve`: an unsigned webhook only on loopback, replayed events applied once,
the event journal redacted and pruned."""

import json
import os
import sqlite3
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ServerTestCase, BINARY, Device, FakeNanoMDM, Server, TempDir, free_port, policy_document, wait_until  # noqa: E402

DAY = 24 * 3600


class PublicListener(unittest.TestCase):
    def test_public_address_without_hmac_refuses_to_start(self):
        with TempDir() as workdir:
            for host in ("0.0.0.0", "::"):
                result = subprocess.run([BINARY, "serve", "--listen", f"{host}:{free_port()}", "--database",
                                         f"sqlite:{workdir}/a.db"], capture_output=True, text=True, timeout=20)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn("--webhook-hmac-key", result.stderr)
                self.assertIn("forge", result.stderr)
                self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
                self.assertFalse(os.path.exists(f"{workdir}/a.db"))  # refused before opening anything

    def test_public_address_with_hmac_or_explicit_insecure_starts(self):
        with TempDir() as workdir:
            for extra in (["--webhook-hmac-key", "k"], ["--insecure-webhook"]):
                server = Server(workdir, listen_host="0.0.0.0", extra=extra).start()
                try:
                    status, _, _ = server.request("GET", "/api/v1/health", auth=False)
                    self.assertEqual(status, 200)
                finally:
                    server.stop()

    def test_loopback_needs_no_hmac(self):
        with TempDir() as workdir:
            server = Server(workdir).start()
            server.stop()


class JournalTestCase(ServerTestCase):
    def status(self, device_id):
        _, body = self.server.api("GET", f"/devices/{device_id}/status", expect=200)
        return body

    def journal(self):
        if not self.server.database.startswith("sqlite:"):
            return None
        with sqlite3.connect(self.server.database[len("sqlite:"):]) as db:
            return db.execute("SELECT topic, event_id, status, body FROM events ORDER BY id").fetchall()


class ReplayedEvents(JournalTestCase):
    def test_replayed_event_applies_once(self):
        self.server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": ["ENR-R"]}, expect=201)
        self.server.api("POST", "/policies", policy_document(), expect=201)
        device = Device(self.server, enrollment_id="ENR-R", serial="REPLAY1")
        authenticate = device.event("mdm.Authenticate", {
            "MessageType": "Authenticate", "UDID": device.udid, "SerialNumber": device.serial,
            "OSVersion": device.os_version, "ProductName": device.product, "BuildVersion": "21E236",
            "DeviceName": "Replay", "Topic": "com.apple.mgmt.External.e0bd1eac"})
        self.assertEqual(device.send(authenticate)[0], 200)
        self.assertEqual(device.token_update()[0], 200)
        _, command, _ = wait_until(lambda: self.nanomdm.received("InstallProfile"), what="install")[0]
        device.report(command["CommandUUID"], "Acknowledged")
        wait_until(lambda: self.status("ENR-R")["assignments"][0]["status"] == "installed", what="installed")
        # The MDM retries the old Authenticate (same event_id): applied again it would unenroll the device.
        status, payload = device.send(authenticate)
        self.assertEqual((status, json.loads(payload)["status"]), (200, "duplicate"))
        body = self.status("ENR-R")
        self.assertTrue(body["enrolled"])
        self.assertEqual(body["assignments"][0]["status"], "installed")
        journal = self.journal()
        if journal is not None:
            event_id = json.loads(authenticate)["event_id"]
            self.assertEqual([row[1] for row in journal].count(event_id), 1)


class RedactedJournal(JournalTestCase):
    def test_secrets_are_redacted_in_the_journal(self):
        device = Device(self.server, enrollment_id="ENR-S", serial="SECRET1")
        device.authenticate()
        message = {"MessageType": "TokenUpdate", "UDID": device.udid, "Token": b"\x01\x02\x03secret-token",
                   "PushMagic": "push-magic-value", "UnlockToken": b"unlock-token-bytes",
                   "Topic": "com.apple.mgmt.External.e0bd1eac"}
        self.assertEqual(device.send(device.event("mdm.TokenUpdate", message))[0], 200)
        journal = self.journal()
        if journal is None:
            self.skipTest("reads the journal through SQLite")
        text = "".join(row[3] for row in journal)
        for secret in ("push-magic-value", "secret-token", "unlock-token-bytes", "AQIDc2VjcmV0LXRva2Vu",
                       "dW5sb2NrLXRva2VuLWJ5dGVz", "raw_payload"):
            self.assertNotIn(secret, text)
        token_update = json.loads(journal[-1][3])
        payload = token_update["checkin_event"]["payload"]
        self.assertEqual((payload["PushMagic"], payload["Token"], payload["UnlockToken"]),
                         ("[redacted]", "[redacted]", "[redacted]"))
        self.assertEqual(payload["UDID"], device.udid)  # what is not secret stays readable


class PrunedJournal(JournalTestCase):
    def test_events_older_than_the_retention_are_pruned(self):
        Device(self.server, enrollment_id="ENR-P", serial="PRUNE1").enroll()
        journal = self.journal()
        if journal is None:
            self.skipTest("reads the journal through SQLite")
        self.assertEqual(len(journal), 2)
        self.server.stop()
        # 20 days later with 30 days' retention: kept.
        self.server.env = {"ACMEPOLICY_TEST_CLOCK_OFFSET_SECONDS": str(20 * DAY)}
        self.server.start()
        time.sleep(0.5)
        self.assertEqual(len(self.journal()), 2)
        self.server.stop()
        # 31 days later: gone (pruned at start, then hourly).
        self.server.env = {"ACMEPOLICY_TEST_CLOCK_OFFSET_SECONDS": str(31 * DAY)}
        self.server.start()
        wait_until(lambda: len(self.journal()) == 0, what="pruned journal")
        self.assertIn("webhook events pruned", self.server.log())


class KillDuringBurst(JournalTestCase):
    def test_kill9_during_a_burst_then_replay_applies_each_event_once(self):
        import threading
        devices = [Device(self.server, enrollment_id=f"ENR-B{i:03d}", serial=f"BURST{i:04d}") for i in range(100)]
        events = []
        for d in devices:
            events.append(d.event("mdm.Authenticate", {"MessageType": "Authenticate", "UDID": d.udid,
                                                       "SerialNumber": d.serial, "ProductName": "iPhone15,2"}))
            for k in range(4):
                events.append(d.event("mdm.Connect", {"UDID": d.udid, "Status": "Idle"},
                                      ack={"command_uuid": "", "status": "Idle"}))
        answered = {}
        cursor = iter(range(len(events)))
        lock = threading.Lock()

        def sender():
            while True:
                with lock:
                    i = next(cursor, None)
                if i is None:
                    return
                try:
                    status, _ = devices[0].send(events[i])
                except Exception:  # the connection died with the server: not answered
                    continue
                with lock:
                    answered[i] = status

        threads = [threading.Thread(target=sender) for _ in range(8)]
        for t in threads:
            t.start()
        wait_until(lambda: len(answered) >= 150, what="part of the burst answered")
        self.server.kill9()
        for t in threads:
            t.join()
        self.server.start()
        accepted = {i for i, status in answered.items() if status == 200}
        self.assertGreaterEqual(len(accepted), 150)
        journal = self.journal()
        if journal is not None:
            ids = [row[1] for row in journal]
            for i in accepted:  # every answered-200 event survived the kill
                self.assertEqual(ids.count(json.loads(events[i])["event_id"]), 1)
        # The MDM sends everything again: each event applies once, replays answer "duplicate".
        for i, body in enumerate(events):
            status, payload = devices[0].send(body)
            self.assertEqual(status, 200)
            if i in accepted:
                self.assertEqual(json.loads(payload)["status"], "duplicate")
        journal = self.journal()
        if journal is not None:
            ids = [row[1] for row in journal]
            self.assertEqual(len(ids), len(events))
            self.assertEqual(len(set(ids)), len(events))
        _, listing = self.server.api("GET", "/devices", expect=200)
        self.assertEqual(len(listing["devices"]), len(devices))


if __name__ == "__main__":
    unittest.main()
