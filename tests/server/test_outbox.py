"""The command outbox against a faulty NanoMDM stand-in: commands go out once and in order per device,
every failure is visible over REST, sends stop after --max-send-attempts (dead), and installs a device
refuses are retried on schedule with a new CommandUUID until --max-install-attempts."""

import os
import plistlib
import sys
import sqlite3
import subprocess
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Device, FakeNanoMDM, Server, TempDir, policy_document, wait_until  # noqa: E402


class OutboxTestCase(unittest.TestCase):
    extra = ()
    api_key = None  # the server's key when it should differ from the stand-in's

    def setUp(self):
        self._tmp = TempDir()
        self.workdir = self._tmp.__enter__()
        self.nanomdm = FakeNanoMDM()
        self.prepare(self.nanomdm)
        self.server_view = FakeNanoMDM(api_key=self.api_key or self.nanomdm.api_key, port=self.nanomdm.port)
        self.server = Server(self.workdir, nanomdm=self.server_view, database=self.make_database(),
                             extra=list(self.extra)).start()

    def prepare(self, nanomdm):
        nanomdm.start()

    def make_database(self):
        return None

    def tearDown(self):
        try:
            self.nanomdm.stop()
            self.server.stop()
        finally:
            self._tmp.__exit__(None, None, None)

    def enroll(self, enrollment="ENR-1", serial="OUTBOX1"):
        self.server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": [enrollment]}, expect=201)
        self.server.api("POST", "/policies", policy_document(), expect=201)
        device = Device(self.server, enrollment_id=enrollment, serial=serial)
        device.enroll()
        return device

    def assignment(self, device_id="ENR-1", policy_id="corp-acme"):
        _, body = self.server.api("GET", f"/devices/{device_id}/status", expect=200)
        return next((a for a in body["assignments"] if a["policy"] == policy_id), {})

    def commands(self, **query):
        path = "/commands" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
        _, body = self.server.api("GET", path, expect=200)
        return body["commands"]


class WrongKeyForever(OutboxTestCase):
    api_key = "wrong-key"
    extra = ("--max-send-attempts", "3")

    def test_401_forever_is_dead_after_the_cap_and_visible(self):
        self.enroll()
        dead = wait_until(lambda: self.commands(status="dead"), what="a dead command")[0]
        time.sleep(1.0)  # no further attempt after the cap
        self.assertEqual(self.nanomdm.unauthorized, 3)
        self.assertEqual(dead["attempts"], 3)
        self.assertTrue(dead["dead"])
        self.assertEqual(dead["last_mdm_answer"]["http_status"], 401)
        self.assertIn("--nanomdm-api-key", dead["last_mdm_answer"]["detail"])
        a = self.assignment()
        self.assertEqual((a["status"], a["dead"], a["attempts"], a["command_status"]), ("failed", True, 3, "dead"))
        self.assertEqual(a["last_mdm_answer"]["http_status"], 401)
        self.assertEqual(a["last_error"]["status"], "Dead")
        # Filters.
        self.assertEqual(len(self.commands(device="ENR-1")), 1)
        self.assertEqual(self.commands(device="nobody"), [])
        self.assertEqual(len(self.commands(policy="corp-acme", status="dead")), 1)
        # An admin's retry sends it again (and it dies again after the cap, the key still wrong).
        status, body = self.server.api("POST", f"/commands/{dead['command_uuid']}/retry")
        self.assertEqual((status, body["status"], body["attempts"]), (202, "queued", 0))
        wait_until(lambda: self.nanomdm.unauthorized >= 4, what="the retried send")
        status, body = self.server.api("POST", "/commands/no-such-uuid/retry")
        self.assertEqual((status, body["error"]["code"]), (404, "command.not_found"))


class ServerErrorsThenRecovery(OutboxTestCase):
    def prepare(self, nanomdm):
        nanomdm.mode = "5xx"
        nanomdm.fail_next = 2
        nanomdm.start()

    def test_5xx_is_retried_then_enqueued_once(self):
        self.enroll()
        wait_until(lambda: self.commands(status="enqueued"), what="enqueued after 5xx")
        command = self.commands()[0]
        self.assertEqual(command["attempts"], 3)
        self.assertEqual(command["last_mdm_answer"]["http_status"], 200)
        self.assertEqual(len(self.nanomdm.stored), 1)
        self.assertEqual(self.assignment()["status"], "pending")


class SlowMdm(OutboxTestCase):
    extra = ("--mdm-timeout-seconds", "0.5")

    def prepare(self, nanomdm):
        nanomdm.delay = 1.5  # beyond the server's timeout: the command is stored, the answer is lost
        nanomdm.slow_requests = 1
        nanomdm.reject_repeated_uuid = True
        nanomdm.start()

    def test_repeated_uuid_rejection_counts_as_enqueued(self):
        self.enroll()
        wait_until(lambda: self.commands(status="enqueued"), timeout=20, what="enqueued")
        command = self.commands()[0]
        self.assertGreaterEqual(len(self.nanomdm.received("InstallProfile")), 2)  # the lost answer was retried
        self.assertEqual(len(self.nanomdm.stored), 1)
        self.assertIn("repeated CommandUUID", command["last_mdm_answer"]["detail"])
        self.assertEqual(self.assignment()["status"], "pending")


class MdmDown(OutboxTestCase):
    def prepare(self, nanomdm):
        pass  # not started: connection refused

    def test_transport_error_names_host_and_cause_and_order_holds(self):
        device = self.enroll()
        wait_until(lambda: (self.commands() or [{}])[0].get("last_mdm_answer"), what="a failed attempt")
        answer = self.commands()[0]["last_mdm_answer"]
        self.assertIsNone(answer["http_status"])
        self.assertIn(f"127.0.0.1:{self.nanomdm.port}", answer["detail"])
        self.assertIn("connection refused", answer["detail"])
        self.assertIsNotNone(self.assignment()["next_retry_at"])
        # While the install waits for its retry, the policy is deleted: the removal must not overtake it.
        self.server.api("DELETE", "/policies/corp-acme", expect=204)
        # Removal is planned only for a profile the device has or is getting.
        queued = self.commands()
        self.assertEqual([c["request_type"] for c in sorted(queued, key=lambda c: c["seq"])],
                         ["InstallProfile", "RemoveProfile"])
        self.nanomdm.start()
        wait_until(lambda: len(self.nanomdm.received()) >= 2, what="both commands")
        self.assertEqual([c[1]["Command"]["RequestType"] for c in self.nanomdm.received()],
                         ["InstallProfile", "RemoveProfile"])
        self.assertEqual(len(device.udid) > 0, True)

    def test_reconcile_route(self):
        self.enroll()
        status, body = self.server.api("POST", "/devices/ENR-1/reconcile")
        self.assertEqual((status, body["device"], body["commands_queued"]), (200, "ENR-1", 0))
        status, body = self.server.api("POST", "/devices/nobody/reconcile")
        self.assertEqual((status, body["error"]["code"]), (404, "device.not_found"))


class RenderedWhenSent(OutboxTestCase):
    """InstallProfile is rendered (and signed) by the outbox just before its first send, outside the write
    lock, for the policy version it was queued for: an edit before the send cancels it instead of sending a
    stale profile."""

    def prepare(self, nanomdm):
        # The first send holds the outbox (until the test opens the gate) while the second device's install
        # waits in the queue.
        self.gate = threading.Event()
        nanomdm.gate = self.gate
        nanomdm.gated_requests = 1
        nanomdm.start()

    def queue_behind_a_held_send(self, serial_prefix):
        """ENR-A's install holds the sender at the gate; ENR-B's waits queued behind it. Returns ENR-B's."""
        self.server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": ["ENR-A", "ENR-B"]},
                        expect=201)
        self.server.api("POST", "/policies", policy_document(), expect=201)
        Device(self.server, enrollment_id="ENR-A", serial=f"{serial_prefix}-A").enroll()
        wait_until(lambda: self.nanomdm.received("InstallProfile"), what="the first (slow) send")
        Device(self.server, enrollment_id="ENR-B", serial=f"{serial_prefix}-B").enroll()
        queued = [c for c in self.commands(device="ENR-B") if c["request_type"] == "InstallProfile"]
        self.assertEqual([c["status"] for c in queued], ["queued"])
        return queued[0]

    def edit_and_expect_only_the_new_install(self, stale):
        """Edits the policy (P-384), opens the gate, and checks that `stale` was cancelled and ENR-B got
        exactly one InstallProfile, rendered from the new version."""
        edited = policy_document()
        edited["payload"]["KeySize"] = 384
        self.server.api("PUT", "/policies/corp-acme", edited, expect=200)
        self.gate.set()

        def b_commands():
            return [c for c in self.commands(device="ENR-B") if c["request_type"] == "InstallProfile"]
        wait_until(lambda: len(b_commands()) == 2 and all(c["status"] != "queued" for c in b_commands()),
                   what="the stale install settled and the new one sent")
        by_uuid = {c["command_uuid"]: c for c in b_commands()}
        self.assertEqual(by_uuid[stale["command_uuid"]]["status"], "cancelled")
        self.assertIn("changed", by_uuid[stale["command_uuid"]]["detail"])
        sent_b = [c for c in self.nanomdm.received("InstallProfile") if c[0] == "ENR-B"]
        self.assertEqual(len(sent_b), 1)
        self.assertNotEqual(sent_b[0][1]["CommandUUID"], stale["command_uuid"])
        self.assertIn(b"<integer>384</integer>", sent_b[0][1]["Command"]["Payload"])
        self.assertEqual(self.assignment("ENR-B")["status"], "pending")

    def test_an_edit_before_the_send_cancels_the_stale_install(self):
        self.edit_and_expect_only_the_new_install(self.queue_behind_a_held_send("RENDER"))

    def unsent_payload(self, command_uuid):
        """(status, payload) of the command's row, read from the database itself (SQLite or PostgreSQL)."""
        database = self.server.database
        if database.startswith("sqlite:"):
            db = sqlite3.connect(database[len("sqlite:"):])
            try:
                return db.execute("SELECT status, payload FROM commands WHERE command_uuid = ?", (command_uuid,)).fetchone()
            finally:
                db.close()
        import pg_fixture
        psql = os.path.join(pg_fixture.PG_BIN, "psql")
        out = subprocess.run([psql, database, "-Atc", "SELECT status || chr(9) || COALESCE(payload, '') FROM commands "
                              f"WHERE command_uuid = '{command_uuid}'"], check=True, capture_output=True, text=True).stdout
        status, _, payload = out.rstrip("\n").partition("\t")
        return status, payload

    def test_a_queued_install_is_rendered_ahead_and_still_cancelled_when_its_policy_changes(self):
        queued = self.queue_behind_a_held_send("AHEAD")
        # The pre-renderer renders it while the sender is still held by the first send.
        wait_until(lambda: self.unsent_payload(queued["command_uuid"])[1], what="the install rendered ahead")
        status, payload = self.unsent_payload(queued["command_uuid"])
        self.assertEqual(status, "queued")
        self.assertIn(b"<string>InstallProfile</string>", payload.encode() if isinstance(payload, str) else payload)
        self.assertEqual([c for c in self.nanomdm.received("InstallProfile") if c[0] == "ENR-B"], [])
        self.edit_and_expect_only_the_new_install(queued)

    def queued_installs(self):
        """{command_uuid: (device_id, status, payload)} of every InstallProfile, read from the database itself."""
        database = self.server.database
        if database.startswith("sqlite:"):
            db = sqlite3.connect(database[len("sqlite:"):])
            try:
                rows = db.execute("SELECT command_uuid, device_id, status, payload FROM commands "
                                  "WHERE request_type = 'InstallProfile'").fetchall()
            finally:
                db.close()
            return {uuid: (device, status, payload) for uuid, device, status, payload in rows}
        import base64
        import pg_fixture
        psql = os.path.join(pg_fixture.PG_BIN, "psql")
        out = subprocess.run([psql, database, "-Atc", "SELECT command_uuid || chr(9) || device_id || chr(9) || status || "
                              "chr(9) || replace(encode(convert_to(COALESCE(payload, ''), 'UTF8'), 'base64'), chr(10), '') "
                              "FROM commands WHERE request_type = 'InstallProfile'"],
                             check=True, capture_output=True, text=True).stdout
        found = {}
        for line in out.splitlines():
            uuid, device, status, payload = line.split("\t")
            found[uuid] = (device, status, base64.b64decode(payload).decode())
        return found

    def test_a_fleet_edit_is_rendered_ahead_once_per_command_with_its_own_bytes(self):
        # More installs than one batch per render thread, queued by one edit while the sender is held: the
        # pre-renderer's threads take the batches side by side, and each command must get its own bytes.
        count = 300
        queued = self.queue_behind_a_held_send("FLEET")
        fleet = [f"ENR-F{i:03d}" for i in range(count)]
        for i, enrollment in enumerate(fleet):
            Device(self.server, enrollment_id=enrollment, serial=f"FLEET{i:03d}").enroll()
        self.server.api("PUT", "/groups/g-sales/members", {"devices": ["ENR-A", "ENR-B"] + fleet}, expect=200)

        def fleet_installs():
            return {u: row for u, row in self.queued_installs().items() if row[0].startswith("ENR-F")}
        wait_until(lambda: len(fleet_installs()) == count and all(p for _, _, p in fleet_installs().values()),
                   timeout=60, what="every install of the edit rendered ahead")
        installs = fleet_installs()
        self.assertEqual(sorted(device for device, _, _ in installs.values()), fleet)
        for uuid, (device, status, payload) in installs.items():
            self.assertEqual(status, "queued")
            command = plistlib.loads(payload.encode())
            self.assertEqual(command["CommandUUID"], uuid)
            self.assertEqual(command["Command"]["RequestType"], "InstallProfile")
            serial = f"FLEET{int(device[len('ENR-F'):]):03d}".encode()
            self.assertIn(serial, command["Command"]["Payload"])  # rendered for its own device
        self.assertEqual(self.unsent_payload(queued["command_uuid"])[0], "queued")
        self.gate.set()


class DeviceErrorRetried(OutboxTestCase):
    extra = ("--install-retry-seconds", "0.5", "--max-install-attempts", "2")

    def test_device_error_is_retried_with_a_new_uuid_then_dead(self):
        device = self.enroll()
        chain = [{"ErrorCode": 4001, "ErrorDomain": "MCProfileErrorDomain", "LocalizedDescription": "no"}]
        first = wait_until(lambda: self.nanomdm.received("InstallProfile"), what="install")[0][1]["CommandUUID"]
        device.report(first, "Error", error_chain=chain)
        a = wait_until(lambda: self.assignment().get("install_attempts") == 1 and self.assignment(), what="error")
        self.assertEqual(a["status"], "failed")
        self.assertIsNotNone(a["next_retry_at"])
        self.assertFalse(a["dead"])
        self.assertEqual(a["last_device_answer"]["error_chain"][0]["ErrorCode"], 4001)
        second = wait_until(lambda: len(self.nanomdm.received("InstallProfile")) >= 2 and
                            self.nanomdm.received("InstallProfile"), what="the retry")[1][1]["CommandUUID"]
        self.assertNotEqual(first, second)
        device.report(second, "Error", error_chain=chain)
        a = wait_until(lambda: self.assignment().get("dead") and self.assignment(), what="dead")
        self.assertEqual((a["status"], a["install_attempts"], a["next_retry_at"]), ("failed", 2, None))
        time.sleep(1.5)
        self.assertEqual(len(self.nanomdm.received("InstallProfile")), 2)
        # An admin's retry installs once more with a new UUID.
        status, body = self.server.api("POST", f"/commands/{second}/retry")
        self.assertEqual(status, 202)
        self.assertNotIn(body["command_uuid"], (first, second, ""))
        wait_until(lambda: len(self.nanomdm.received("InstallProfile")) >= 3, what="the admin's retry")
        status, body = self.server.api("POST", f"/commands/{first}/retry")
        self.assertEqual((status, body["error"]["code"]), (409, "command.not_retryable"))


if __name__ == "__main__":
    unittest.main()
