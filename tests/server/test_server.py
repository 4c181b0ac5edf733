"""Integration tests of `acmepolicy serve` over HTTP with SQLite: REST contract, webhook intake and the
command outbox against a NanoMDM stand-in (the process itself: test_server_process.py)."""

import gzip
import json
import os
import plistlib
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Device, FakeNanoMDM, Server, TempDir, policy_document, wait_until  # noqa: E402


class ServerTestCase(unittest.TestCase):
    hmac_key = None

    def setUp(self):
        self._tmp = TempDir()
        self.workdir = self._tmp.__enter__()
        self.nanomdm = FakeNanoMDM().start()
        self.server = Server(self.workdir, nanomdm=self.nanomdm, hmac_key=self.hmac_key,
                             database=self.make_database()).start()

    def make_database(self):
        return None  # a temporary SQLite file

    def tearDown(self):
        try:
            self.nanomdm.stop()
            self.server.stop()
        finally:
            self._tmp.__exit__(None, None, None)

    def device(self, **kwargs):
        return Device(self.server, hmac_key=self.hmac_key, **kwargs)

    def status_of(self, device_id, policy_id):
        _, body = self.server.api("GET", f"/devices/{device_id}/status", expect=200)
        for a in body["assignments"]:
            if a["policy"] == policy_id:
                return a
        return None

    def wait_status(self, device_id, policy_id, status):
        return wait_until(lambda: (self.status_of(device_id, policy_id) or {}).get("status") == status and
                          self.status_of(device_id, policy_id), what=f"{device_id}/{policy_id} {status}")

    def wait_commands(self, request_type, count):
        return wait_until(lambda: len(self.nanomdm.received(request_type)) >= count and
                          self.nanomdm.received(request_type), what=f"{count} {request_type} at NanoMDM")


class RestContract(ServerTestCase):
    def test_health_needs_no_token_and_api_does(self):
        status, _, body = self.server.request("GET", "/api/v1/health", auth=False)
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["status"], "ok")
        status, _, body = self.server.request("GET", "/api/v1/policies", auth=False)
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(body)["error"]["code"], "auth.required")
        status, _, _ = self.server.request("GET", "/api/v1/policies", headers={"Authorization": "Bearer wrong"},
                                           auth=False)
        self.assertEqual(status, 401)

    def test_token_file_is_private_and_token_not_logged(self):
        self.assertEqual(os.stat(self.server.token_file).st_mode & 0o777, 0o600)
        self.assertGreaterEqual(len(self.server.token), 32)
        log = self.server.log()
        self.assertNotIn(self.server.token, log)
        self.assertIn(self.server.token_file, log)

    def test_logs_are_json_lines_with_request_ids(self):
        status, headers, _ = self.server.request("GET", "/api/v1/health", auth=False)
        request_id = headers.get("X-Request-Id")
        self.assertTrue(request_id)
        time.sleep(0.2)
        lines = [json.loads(line) for line in self.server.log().splitlines() if line.startswith("{")]
        self.assertTrue(any(line.get("request_id") == request_id and line.get("path") == "/api/v1/health"
                            for line in lines))

    def test_unknown_route_404_wrong_method_405_oversized_413(self):
        status, _, body = self.server.request("GET", "/api/v1/nothing-here")
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(body)["error"]["code"], "http.not_found")
        status, headers, body = self.server.request("DELETE", "/api/v1/policies")
        self.assertEqual(status, 405)
        self.assertIn("GET", headers.get("Allow", ""))
        self.assertEqual(json.loads(body)["error"]["code"], "http.method_not_allowed")
        status, _, body = self.server.request("POST", "/api/v1/policies", raw=b"x" * (1024 * 1024 + 1),
                                              headers={"Content-Type": "application/json"})
        self.assertEqual(status, 413)

    def test_policy_crud_with_core_validation(self):
        bad = policy_document()
        bad["payload"]["KeySize"] = 1000
        status, body = self.server.api("POST", "/policies", bad)
        self.assertEqual(status, 422)
        self.assertEqual(body["error"]["code"], "policy.invalid")
        self.assertTrue(body["error"]["diagnostics"])
        self.assertTrue(all({"severity", "code", "path", "message"} <= set(d) for d in body["error"]["diagnostics"]))

        status, created = self.server.api("POST", "/policies", policy_document(), expect=201)
        self.assertEqual((created["id"], created["version"]), ("corp-acme", 1))
        status, body = self.server.api("POST", "/policies", policy_document("other", "CORPORATE acme"))
        self.assertEqual((status, body["error"]["code"]), (409, "policy.name_conflict"))
        status, body = self.server.api("POST", "/policies", policy_document("corp-acme", "Another name"))
        self.assertEqual((status, body["error"]["code"]), (409, "policy.id_conflict"))

        changed = policy_document(name="Corporate ACME v2")
        _, updated = self.server.api("PUT", "/policies/corp-acme", changed, expect=200)
        self.assertEqual(updated["version"], 2)
        _, listing = self.server.api("GET", "/policies", expect=200)
        self.assertEqual([p["name"] for p in listing["policies"]], ["Corporate ACME v2"])
        self.assertEqual(set(listing["policies"][0]["counts"]),
                         {"targeted", "included", "excluded", "installed", "pending", "failed"})
        self.server.api("DELETE", "/policies/corp-acme", expect=204)
        self.server.api("GET", "/policies/corp-acme", expect=404)

    def test_devices_and_groups(self):
        record = {"id": "d-1", "serial_number": "SER1", "platform": "iOS", "os_version": "17.1",
                  "enrollment": "device"}
        self.server.api("POST", "/devices", record, expect=201)
        status, body = self.server.api("POST", "/devices", {"id": "d-2", "colour": "red"})
        self.assertEqual((status, body["error"]["code"]), (422, "device.invalid"))
        self.server.api("POST", "/groups", {"id": "g-1", "name": "Sales", "devices": ["d-1"]}, expect=201)
        _, group = self.server.api("PUT", "/groups/g-1/members", {"devices": []}, expect=200)
        self.assertEqual(group["devices"], [])
        _, groups = self.server.api("GET", "/groups", expect=200)
        self.assertEqual(groups["groups"], [{"id": "g-1", "name": "Sales", "devices": []}])
        self.server.api("DELETE", "/devices/d-1", expect=204)
        self.server.api("GET", "/devices/d-1", expect=404)


class WebhookFlow(ServerTestCase):
    hmac_key = "shared-hmac-key"

    def enrolled_device_with_policy(self, **kwargs):
        device = self.device(enrollment_id="ENR-" + kwargs.pop("suffix", "1"), **kwargs)
        self.server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": [device.enrollment_id]},
                        expect=201)
        self.server.api("POST", "/policies", policy_document(), expect=201)
        device.enroll()
        return device

    def test_enrollment_installs_profile_with_serial_then_ack_installs(self):
        device = self.enrolled_device_with_policy(serial="C02XYZ12345")
        enrollment, command, _ = self.wait_commands("InstallProfile", 1)[0]
        self.assertEqual(enrollment, device.enrollment_id)
        profile = plistlib.loads(command["Command"]["Payload"])
        acme = [p for p in profile["PayloadContent"] if p["PayloadType"] == "com.apple.security.acme"][0]
        self.assertEqual(acme["ClientIdentifier"], "C02XYZ12345")
        self.assertEqual(self.wait_status(device.enrollment_id, "corp-acme", "pending")["desired_version"], 1)
        _, listing = self.server.api("GET", "/policies", expect=200)
        self.assertEqual((listing["policies"][0]["counts"]["pending"],
                          listing["policies"][0]["counts"]["installed"]), (1, 0))

        status, _ = device.report(command["CommandUUID"], "Acknowledged")
        self.assertEqual(status, 200)
        installed = self.wait_status(device.enrollment_id, "corp-acme", "installed")
        self.assertEqual(installed["installed_version"], 1)

        _, assignments = self.server.api("GET", "/policies/corp-acme/assignments", expect=200)
        self.assertEqual([(i["device"], i["status"]) for i in assignments["included"]],
                         [(device.enrollment_id, "installed")])
        # The policy list counts install states from the same source as the assignment view.
        _, listing = self.server.api("GET", "/policies", expect=200)
        listed = listing["policies"][0]["counts"]
        self.assertEqual(listed, {k: assignments["counts"][k] for k in listed})
        self.assertEqual((listed["installed"], listed["pending"]), (1, 0))

        # Group change: the device leaves the group, so the profile is removed with its stable identifier.
        self.server.api("PUT", "/groups/g-sales/members", {"devices": []}, expect=200)
        _, remove, _ = self.wait_commands("RemoveProfile", 1)[0]
        self.assertEqual(remove["Command"]["Identifier"], profile["PayloadIdentifier"])
        self.wait_status(device.enrollment_id, "corp-acme", "removing")
        device.report(remove["CommandUUID"], "Acknowledged")
        self.wait_status(device.enrollment_id, "corp-acme", "removed")
        self.assertEqual(len(self.nanomdm.received("InstallProfile")), 1)

    def test_notnow_stays_pending_then_installed(self):
        device = self.enrolled_device_with_policy()
        _, command, _ = self.wait_commands("InstallProfile", 1)[0]
        device.report(command["CommandUUID"], "NotNow")
        time.sleep(0.3)
        self.assertEqual(self.status_of(device.enrollment_id, "corp-acme")["status"], "pending")
        device.report(command["CommandUUID"], "Acknowledged")
        self.wait_status(device.enrollment_id, "corp-acme", "installed")

    def test_error_chain_is_stored(self):
        device = self.enrolled_device_with_policy()
        _, command, _ = self.wait_commands("InstallProfile", 1)[0]
        chain = [{"ErrorCode": 4001, "ErrorDomain": "MCProfileErrorDomain",
                  "LocalizedDescription": "The profile could not be installed.", "USEnglishDescription": "x"}]
        device.report(command["CommandUUID"], "Error", error_chain=chain)
        failed = self.wait_status(device.enrollment_id, "corp-acme", "failed")
        self.assertEqual(failed["last_error"]["status"], "Error")
        self.assertEqual(failed["last_error"]["error_chain"][0]["ErrorCode"], 4001)
        self.assertEqual(failed["last_error"]["error_chain"][0]["ErrorDomain"], "MCProfileErrorDomain")

    def test_policy_edit_updates_only_affected_devices(self):
        device = self.enrolled_device_with_policy()
        other = self.device(enrollment_id="ENR-other", serial="OTHER1")
        other.enroll()  # enrolled but in no targeted group
        _, command, _ = self.wait_commands("InstallProfile", 1)[0]
        device.report(command["CommandUUID"], "Acknowledged")
        self.wait_status(device.enrollment_id, "corp-acme", "installed")
        edited = policy_document()
        edited["payload"]["KeySize"] = 384
        self.server.api("PUT", "/policies/corp-acme", edited, expect=200)
        commands = self.wait_commands("InstallProfile", 2)
        self.assertEqual([c[0] for c in commands], [device.enrollment_id, device.enrollment_id])
        self.assertEqual(self.wait_status(device.enrollment_id, "corp-acme", "pending")["desired_version"], 2)
        self.assertIsNone(self.status_of(other.enrollment_id, "corp-acme"))

    def test_preregistered_device_takes_over_its_enrollment(self):
        self.server.api("POST", "/devices", {"id": "d-ana", "serial_number": "PRE12345", "enrollment": "ade",
                                             "user_email": "ana@example.com"}, expect=201)
        self.server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": ["d-ana"]}, expect=201)
        self.server.api("POST", "/policies", policy_document(), expect=201)
        device = self.device(enrollment_id="ENR-PRE", serial="PRE12345")
        device.enroll()
        enrollment, command, _ = self.wait_commands("InstallProfile", 1)[0]
        self.assertEqual(enrollment, "ENR-PRE")
        _, record = self.server.api("GET", "/devices/d-ana", expect=200)
        self.assertEqual((record["enrollment"], record["udid"], record["platform"]), ("ade", device.udid, "iOS"))
        self.server.api("GET", "/devices/ENR-PRE", expect=404)
        device.report(command["CommandUUID"], "Acknowledged")
        self.wait_status("d-ana", "corp-acme", "installed")

    def test_token_update_delivered_before_its_authenticate_still_installs(self):
        # NanoMDM posts webhook events from goroutines: the TokenUpdate can overtake the Authenticate that
        # preceded it (seen with the real NanoMDM in tests/interop). The late Authenticate must not end the
        # enrollment.
        device = self.device(enrollment_id="ENR-race", serial="C02RACE0001")
        self.server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": [device.enrollment_id]},
                        expect=201)
        self.server.api("POST", "/policies", policy_document(), expect=201)
        # NanoMDM stamps created_at inside the goroutine too, so the late Authenticate may even carry the later
        # time: only its arrival right after the TokenUpdate tells.
        self.assertEqual(device.token_update()[0], 200)
        time.sleep(0.01)
        self.assertEqual(device.authenticate()[0], 200)
        enrollment, command, _ = self.wait_commands("InstallProfile", 1)[0]
        self.assertEqual(enrollment, device.enrollment_id)
        device.report(command["CommandUUID"], "Acknowledged")
        self.wait_status(device.enrollment_id, "corp-acme", "installed")

    def test_enrolling_again_reinstalls(self):
        device = self.enrolled_device_with_policy()
        _, command, _ = self.wait_commands("InstallProfile", 1)[0]
        device.report(command["CommandUUID"], "Acknowledged")
        self.wait_status(device.enrollment_id, "corp-acme", "installed")
        # Enrolling again takes a person minutes; within 3 s of a TokenUpdate an Authenticate is taken as the
        # one NanoMDM delivered late (see the next test), so wait that out.
        time.sleep(3.2)
        device.enroll()  # unenrolment removed the profile; the new enrollment gets it again
        second = self.wait_commands("InstallProfile", 2)[1][1]
        self.assertNotEqual(second["CommandUUID"], command["CommandUUID"])
        self.wait_status(device.enrollment_id, "corp-acme", "pending")

    def test_wrong_hmac_is_401_and_stores_nothing(self):
        device = self.device(enrollment_id="ENR-bad")
        status, payload = device.send(device.event("mdm.Authenticate", {"MessageType": "Authenticate",
                                                                        "UDID": device.udid}),
                                      signature="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        self.assertEqual(status, 401)
        self.server.api("GET", f"/devices/{device.enrollment_id}", expect=404)
        status, _ = Device(self.server, enrollment_id="ENR-nosig").authenticate()
        self.assertEqual(status, 401)
        self.server.api("GET", "/devices/ENR-nosig", expect=404)

    def test_answers_are_never_brotli_compressed(self):
        # httplib's brotli takes seconds on large answers (the 10,000-device list); gzip is offered instead.
        for i in range(200):
            self.server.api("POST", "/devices", {"id": f"d-{i:04d}", "serial_number": f"SERIAL{i:06d}"}, expect=201)
        status, headers, payload = self.server.request("GET", "/api/v1/devices",
                                                       headers={"Accept-Encoding": "br;q=1.0, gzip;q=0.8"})
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("Content-Encoding"), "gzip")
        self.assertEqual(len(json.loads(gzip.decompress(payload))["devices"]), 200)
        status, headers, _ = self.server.request("GET", "/api/v1/devices", headers={"Accept-Encoding": "br"})
        self.assertEqual(status, 200)
        self.assertNotIn("Content-Encoding", headers)

    def test_oversized_webhook_is_413(self):
        device = self.device()
        status, _ = device.send(b"{" + b" " * (1024 * 1024) + b"}")
        self.assertEqual(status, 413)

    def test_checkout_marks_removed_and_sends_nothing(self):
        device = self.enrolled_device_with_policy()
        self.wait_commands("InstallProfile", 1)
        device.check_out()
        self.wait_status(device.enrollment_id, "corp-acme", "removed")
        time.sleep(0.5)
        self.assertEqual(len(self.nanomdm.received("RemoveProfile")), 0)

    def test_push_error_keeps_command_pending_and_command_error_fails(self):
        self.nanomdm.mode = "push_error"
        device = self.enrolled_device_with_policy()
        self.wait_commands("InstallProfile", 1)
        time.sleep(0.6)  # a push_error is not retried: the command is stored at NanoMDM
        self.assertEqual(len(self.nanomdm.received("InstallProfile")), 1)
        self.assertEqual(self.status_of(device.enrollment_id, "corp-acme")["status"], "pending")

        self.nanomdm.mode = "command_error"
        second = self.device(enrollment_id="ENR-2", serial="SECOND1")
        self.server.api("PUT", "/groups/g-sales/members", {"devices": [device.enrollment_id, second.enrollment_id]},
                        expect=200)
        second.enroll()
        failed = self.wait_status(second.enrollment_id, "corp-acme", "failed")
        self.assertIn("command_error", failed["last_error"]["mdm"])


if __name__ == "__main__":
    unittest.main()
