"""Fallback policies through `acmepolicy serve` (SQLite): a primary that requires attestation names a fallback
without it. A device that cannot attest (iPad7,11) and a User Enrollment device get the fallback's profile,
the REST resolution and the device status say so (included_via_fallback with the reason), and a device that
moves between primary and fallback (a changed enrollment) gets the new profile before the old one is removed,
in that order at the NanoMDM stand-in."""

import base64
import json
import os
import plistlib
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Device, FakeNanoMDM, Server, TempDir, nanomdm_time, policy_document, wait_until  # noqa: E402

PRIMARY = "corp-acme"
FALLBACK = "corp-acme-noattest"


def primary_policy():
    doc = policy_document(PRIMARY, "Corporate ACME", groups=("g-fleet",))
    doc["fallback"] = {"policy": FALLBACK, "when": ["attestation_unsupported", "user_enrollment"]}
    return doc


def fallback_policy():
    """No attestation and only variables every enrollment type has: fits what the primary cannot serve."""
    doc = policy_document(FALLBACK, "Corp ACME (no attestation)", groups=())
    doc["payload"].update({"Attest": False, "ClientIdentifier": "{{device_id}}",
                           "Subject": [[["CN", "{{device_id}}"]]]})
    return doc


class UserEnrolledDevice(Device):
    """A User Enrollment device as NanoMDM reports it: ids.type "User Enrollment (Device)", an EnrollmentID and
    neither UDID nor serial number in its check-ins."""

    def event(self, topic, message, ack=None):
        raw = base64.b64encode(plistlib.dumps(message)).decode()
        ids = {"id": self.enrollment_id, "type": "User Enrollment (Device)"}
        body = {"topic": topic, "event_id": str(uuid.uuid4()), "created_at": nanomdm_time()}
        if ack is None:
            body["checkin_event"] = {"udid": "", "ids": ids, "raw_payload": raw, "url_params": None}
        else:
            body["acknowledge_event"] = dict(ack, udid="", ids=ids, raw_payload=raw)
        return json.dumps(body).encode()

    def authenticate(self):
        return self.send(self.event("mdm.Authenticate", {
            "MessageType": "Authenticate", "EnrollmentID": self.enrollment_id, "OSVersion": self.os_version,
            "ProductName": self.product, "BuildVersion": "21E236", "Topic": "com.apple.mgmt.External.e0bd1eac"}))

    def token_update(self):
        return self.send(self.event("mdm.TokenUpdate", {
            "MessageType": "TokenUpdate", "EnrollmentID": self.enrollment_id, "Token": b"\x01\x02\x03",
            "PushMagic": "magic", "Topic": "com.apple.mgmt.External.e0bd1eac"}))

    def report(self, command_uuid, status, error_chain=None):
        message = {"EnrollmentID": self.enrollment_id, "CommandUUID": command_uuid, "Status": status}
        return self.send(self.event("mdm.Connect", message, ack={"command_uuid": command_uuid, "status": status}))


class FallbackFlow(unittest.TestCase):
    def setUp(self):
        self._tmp = TempDir()
        self.workdir = self._tmp.__enter__()
        self.nanomdm = FakeNanoMDM().start()
        self.server = Server(self.workdir, nanomdm=self.nanomdm, database=self.make_database()).start()

    def make_database(self):
        return None  # a temporary SQLite file (test_postgres.py runs the same flow on PostgreSQL)

    def tearDown(self):
        try:
            self.nanomdm.stop()
            self.server.stop()
        finally:
            self._tmp.__exit__(None, None, None)

    # --- helpers

    def commands_for(self, device_id):
        """(request type, policy id) of every command NanoMDM received for the device, in arrival order."""
        out = []
        for enrollment, command, _ in self.nanomdm.received():
            if enrollment != device_id:
                continue
            request = command["Command"]
            if request["RequestType"] == "InstallProfile":
                identifier = plistlib.loads(request["Payload"])["PayloadIdentifier"]
            else:
                identifier = request.get("Identifier", "")
            out.append((request["RequestType"], identifier.rsplit(".", 1)[-1], command["CommandUUID"]))
        return out

    def wait_for(self, device_id, count):
        return wait_until(lambda: len(self.commands_for(device_id)) >= count and self.commands_for(device_id),
                          what=f"{count} commands for {device_id}")

    def status(self, device_id):
        return self.server.api("GET", f"/devices/{device_id}/status", expect=200)[1]

    def assignment(self, device_id, policy_id):
        for a in self.status(device_id)["assignments"]:
            if a["policy"] == policy_id:
                return a
        return None

    def acknowledge(self, device, command_uuid):
        status, payload = device.report(command_uuid, "Acknowledged")
        self.assertEqual(status, 200, payload)

    def fleet(self):
        """An attesting iPhone, an iPad7,11 (A10: ignores Attest) and a User Enrollment iPhone, all in g-fleet."""
        iphone = Device(self.server, enrollment_id="ENR-IPHONE", serial="C02IPHONE01", product="iPhone15,2")
        ipad = Device(self.server, enrollment_id="ENR-IPAD", serial="DMPIPAD0711", product="iPad7,11",
                      os_version="17.7")
        byod = UserEnrolledDevice(self.server, enrollment_id="ENR-BYOD", product="iPhone14,5")
        members = [d.enrollment_id for d in (iphone, ipad, byod)]
        self.server.api("POST", "/groups", {"id": "g-fleet", "name": "Fleet", "devices": members}, expect=201)
        self.server.api("POST", "/policies", primary_policy(), expect=201)
        self.server.api("POST", "/policies", fallback_policy(), expect=201)
        for d in (iphone, ipad, byod):
            d.enroll()
        return iphone, ipad, byod

    # --- tests

    def test_devices_the_primary_cannot_serve_get_the_fallback_and_rest_says_why(self):
        iphone, ipad, byod = self.fleet()
        self.assertEqual([c[:2] for c in self.wait_for(iphone.enrollment_id, 1)], [("InstallProfile", PRIMARY)])
        self.assertEqual([c[:2] for c in self.wait_for(ipad.enrollment_id, 1)], [("InstallProfile", FALLBACK)])
        self.assertEqual([c[:2] for c in self.wait_for(byod.enrollment_id, 1)], [("InstallProfile", FALLBACK)])
        _, record = self.server.api("GET", f"/devices/{byod.enrollment_id}", expect=200)
        self.assertEqual(record["enrollment"], "user")

        # The fallback's profile is the one without attestation, identified by the device id.
        _, command, _ = [c for c in self.nanomdm.received("InstallProfile") if c[0] == ipad.enrollment_id][0]
        profile = plistlib.loads(command["Command"]["Payload"])
        acme = [p for p in profile["PayloadContent"] if p["PayloadType"] == "com.apple.security.acme"][0]
        self.assertEqual(acme["ClientIdentifier"], ipad.enrollment_id)
        self.assertFalse(acme.get("Attest", False))

        # The primary's resolution hands both over, with the reason and the core's sentence.
        _, primary = self.server.api("GET", f"/policies/{PRIMARY}/assignments", expect=200)
        moved = {m["device"]: m for m in primary["included_via_fallback"]}
        self.assertEqual(sorted(moved), [byod.enrollment_id, ipad.enrollment_id])
        self.assertEqual((moved[ipad.enrollment_id]["policy"], moved[ipad.enrollment_id]["reason"]),
                         (FALLBACK, "attestation_unsupported"))
        self.assertEqual(moved[ipad.enrollment_id]["message"],
                         "iPad7,11 cannot attest: gets Corp ACME (no attestation) instead")
        self.assertEqual((moved[byod.enrollment_id]["policy"], moved[byod.enrollment_id]["reason"]),
                         (FALLBACK, "user_enrollment"))
        self.assertEqual(moved[ipad.enrollment_id]["status"], "pending")
        self.assertEqual([i["device"] for i in primary["included"]], [iphone.enrollment_id])
        self.assertEqual((primary["counts"]["included_via_fallback"], primary["counts"]["included"],
                          primary["counts"]["targeted"]), (2, 1, 3))

        # The fallback lists them as included through the primary's fallback.
        _, fallback = self.server.api("GET", f"/policies/{FALLBACK}/assignments", expect=200)
        self.assertEqual({i["device"]: i["via"] for i in fallback["included"]},
                         {ipad.enrollment_id: [f"fallback:{PRIMARY}"], byod.enrollment_id: [f"fallback:{PRIMARY}"]})

        # The device status says which primary handed it over, and why.
        status = self.status(ipad.enrollment_id)
        self.assertEqual(status["included_via_fallback"], [{
            "primary": PRIMARY, "policy": FALLBACK, "reason": "attestation_unsupported",
            "message": "iPad7,11 cannot attest: gets Corp ACME (no attestation) instead"}])
        self.assertEqual([a["policy"] for a in status["assignments"]], [FALLBACK])
        self.assertEqual(self.status(iphone.enrollment_id)["included_via_fallback"], [])

        # Acknowledged: installed, and the resolution entry follows the receiving policy's status.
        self.acknowledge(ipad, self.commands_for(ipad.enrollment_id)[0][2])
        wait_until(lambda: (self.assignment(ipad.enrollment_id, FALLBACK) or {}).get("status") == "installed",
                   what="fallback installed on the iPad")
        _, primary = self.server.api("GET", f"/policies/{PRIMARY}/assignments", expect=200)
        self.assertEqual({m["device"]: m["status"] for m in primary["included_via_fallback"]}[ipad.enrollment_id],
                         "installed")

    def test_a_changed_enrollment_installs_the_new_profile_before_removing_the_old(self):
        iphone, _, byod = self.fleet()
        for device in (iphone, byod):
            self.acknowledge(device, self.wait_for(device.enrollment_id, 1)[0][2])
        wait_until(lambda: (self.assignment(byod.enrollment_id, FALLBACK) or {}).get("status") == "installed",
                   what="fallback installed")
        wait_until(lambda: (self.assignment(iphone.enrollment_id, PRIMARY) or {}).get("status") == "installed",
                   what="primary installed")

        # The User Enrollment device is enrolled again with Automated Device Enrollment (its record now has
        # the serial number and UDID): the primary fits it now.
        _, record = self.server.api("GET", f"/devices/{byod.enrollment_id}", expect=200)
        record.update({"enrollment": "ade", "serial_number": "C02BYOD0001", "udid": str(uuid.uuid4()).upper()})
        self.server.api("PUT", f"/devices/{byod.enrollment_id}", record, expect=200)
        commands = self.wait_for(byod.enrollment_id, 2)
        self.assertEqual([c[:2] for c in commands], [("InstallProfile", FALLBACK), ("InstallProfile", PRIMARY)])
        self.assertEqual(self.status(byod.enrollment_id)["included_via_fallback"], [])
        # The fallback's profile (the device's identity) stays until the primary's is installed.
        self.assertEqual(self.assignment(byod.enrollment_id, FALLBACK)["status"], "installed")
        self.acknowledge(byod, commands[1][2])
        commands = self.wait_for(byod.enrollment_id, 3)
        self.assertEqual([c[:2] for c in commands],
                         [("InstallProfile", FALLBACK), ("InstallProfile", PRIMARY), ("RemoveProfile", FALLBACK)])

        # And the other way: the iPhone's record becomes a User Enrollment one; it gets the fallback first.
        _, record = self.server.api("GET", f"/devices/{iphone.enrollment_id}", expect=200)
        record["enrollment"] = "user"
        self.server.api("PUT", f"/devices/{iphone.enrollment_id}", record, expect=200)
        commands = self.wait_for(iphone.enrollment_id, 2)
        self.assertEqual([c[:2] for c in commands], [("InstallProfile", PRIMARY), ("InstallProfile", FALLBACK)])
        self.assertEqual([f["reason"] for f in self.status(iphone.enrollment_id)["included_via_fallback"]],
                         ["user_enrollment"])
        self.acknowledge(iphone, commands[1][2])
        commands = self.wait_for(iphone.enrollment_id, 3)
        self.assertEqual([c[:2] for c in commands],
                         [("InstallProfile", PRIMARY), ("InstallProfile", FALLBACK), ("RemoveProfile", PRIMARY)])

    def test_a_move_whose_new_profile_fails_keeps_the_old_one(self):
        iphone, _, _ = self.fleet()
        self.acknowledge(iphone, self.wait_for(iphone.enrollment_id, 1)[0][2])
        wait_until(lambda: (self.assignment(iphone.enrollment_id, PRIMARY) or {}).get("status") == "installed",
                   what="primary installed")
        _, record = self.server.api("GET", f"/devices/{iphone.enrollment_id}", expect=200)
        record["enrollment"] = "user"
        self.server.api("PUT", f"/devices/{iphone.enrollment_id}", record, expect=200)
        install = self.wait_for(iphone.enrollment_id, 2)[1]
        self.assertEqual(install[:2], ("InstallProfile", FALLBACK))
        # The device cannot get the fallback's certificate (say the ACME server refuses it).
        chain = [{"ErrorCode": 12, "ErrorDomain": "ACMEErrorDomain", "LocalizedDescription": "refused",
                  "USEnglishDescription": "The ACME server refused the request."}]
        self.assertEqual(iphone.report(install[2], "Error", error_chain=chain)[0], 200)
        wait_until(lambda: (self.assignment(iphone.enrollment_id, FALLBACK) or {}).get("status") == "failed",
                   what="fallback failed")
        # Another reconcile of the device (a group edit) still does not remove the primary's profile.
        self.server.api("PUT", "/groups/g-fleet/members",
                        {"devices": ["ENR-IPHONE", "ENR-IPAD", "ENR-BYOD"]}, expect=200)
        self.server.api("PUT", f"/devices/{iphone.enrollment_id}", record, expect=200)
        self.assertEqual([c[:2] for c in self.commands_for(iphone.enrollment_id)],
                         [("InstallProfile", PRIMARY), ("InstallProfile", FALLBACK)])
        self.assertEqual(self.assignment(iphone.enrollment_id, PRIMARY)["status"], "installed")

    def test_a_fallback_created_after_its_primary_takes_the_devices_over(self):
        ipad = Device(self.server, enrollment_id="ENR-IPAD", serial="DMPIPAD0711", product="iPad7,11")
        self.server.api("POST", "/groups", {"id": "g-fleet", "name": "Fleet", "devices": [ipad.enrollment_id]},
                        expect=201)
        # Stored alone, the primary's fallback names no stored policy: the iPad gets the primary (with the
        # attestation warning), as without a fallback.
        self.server.api("POST", "/policies", primary_policy(), expect=201)
        ipad.enroll()
        self.assertEqual([c[:2] for c in self.wait_for(ipad.enrollment_id, 1)], [("InstallProfile", PRIMARY)])
        self.acknowledge(ipad, self.commands_for(ipad.enrollment_id)[0][2])
        wait_until(lambda: (self.assignment(ipad.enrollment_id, PRIMARY) or {}).get("status") == "installed",
                   what="primary installed")
        # Creating the fallback reconciles the primary's devices: fallback installed, then primary removed.
        self.server.api("POST", "/policies", fallback_policy(), expect=201)
        install = self.wait_for(ipad.enrollment_id, 2)[1]
        self.assertEqual(install[:2], ("InstallProfile", FALLBACK))
        self.acknowledge(ipad, install[2])
        commands = self.wait_for(ipad.enrollment_id, 3)
        self.assertEqual([c[:2] for c in commands],
                         [("InstallProfile", PRIMARY), ("InstallProfile", FALLBACK), ("RemoveProfile", PRIMARY)])


if __name__ == "__main__":
    unittest.main()
