"""Device identity: a check-in never takes over an enrolled device's record by a self-reported serial number
or UDID (the claim is parked as a visible conflict), and an enrolled device's record cannot be deleted while
it holds profiles."""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ServerTestCase, Device, FakeNanoMDM, Server, TempDir, policy_document, wait_until  # noqa: E402


class IdentityTestCase(ServerTestCase):
    def installed_preregistered(self):
        self.server.api("POST", "/devices", {"id": "d-ana", "serial_number": "PRE12345", "enrollment": "ade",
                                             "user_email": "ana@example.com"}, expect=201)
        self.server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": ["d-ana"]}, expect=201)
        self.server.api("POST", "/policies", policy_document(), expect=201)
        device = Device(self.server, enrollment_id="ENR-ANA", serial="PRE12345")
        device.enroll()
        _, command, _ = wait_until(lambda: self.nanomdm.received("InstallProfile"), what="install")[0]
        device.report(command["CommandUUID"], "Acknowledged")
        wait_until(lambda: self.server.api("GET", "/devices/d-ana/status")[1]["assignments"][0]["status"] ==
                   "installed", what="installed")
        return device


class SerialTakeover(IdentityTestCase):
    def test_second_enrollment_claiming_an_enrolled_serial_is_parked(self):
        ana = self.installed_preregistered()
        _, before = self.server.api("GET", "/devices/d-ana", expect=200)
        intruder = Device(self.server, enrollment_id="ENR-EVIL", serial="PRE12345")
        intruder.enroll()
        time.sleep(0.8)
        # Ana's record, enrollment and profile are untouched; nothing is sent to the intruder.
        _, after = self.server.api("GET", "/devices/d-ana", expect=200)
        self.assertEqual(after, before)
        self.assertEqual(after["udid"], ana.udid)
        self.assertEqual([c[0] for c in self.nanomdm.received()], ["ENR-ANA"])
        _, status = self.server.api("GET", "/devices/d-ana/status", expect=200)
        self.assertTrue(status["enrolled"])
        self.assertEqual(status["assignments"][0]["status"], "installed")
        # The intruder is a device of its own, and the conflict is visible with both enrollments.
        _, own = self.server.api("GET", "/devices/ENR-EVIL", expect=200)
        self.assertEqual(own["serial_number"], "PRE12345")
        _, conflicts = self.server.api("GET", "/identity-conflicts", expect=200)
        self.assertEqual([(c["device"], c["enrollment"], c["matched_on"]) for c in conflicts["conflicts"]],
                         [("d-ana", "ENR-EVIL", "serial_number")])
        self.assertEqual(len(status["identity_conflicts"]), 1)
        conflict_id = conflicts["conflicts"][0]["id"]
        self.server.api("DELETE", f"/identity-conflicts/{conflict_id}", expect=204)
        self.server.api("DELETE", f"/identity-conflicts/{conflict_id}", expect=404)

    def test_unenrolled_preregistered_record_is_still_claimed(self):
        self.installed_preregistered()  # claimed by ENR-ANA while unenrolled
        _, record = self.server.api("GET", "/devices/d-ana", expect=200)
        self.assertEqual(record["enrollment"], "ade")
        _, conflicts = self.server.api("GET", "/identity-conflicts", expect=200)
        self.assertEqual(conflicts["conflicts"], [])


class DeletingEnrolledDevices(IdentityTestCase):
    def test_enrolled_device_with_profiles_cannot_be_deleted(self):
        ana = self.installed_preregistered()
        status, body = self.server.api("DELETE", "/devices/d-ana")
        self.assertEqual((status, body["error"]["code"]), (409, "device.enrolled"))
        self.assertIn("corp-acme", body["error"]["message"])
        self.server.api("GET", "/devices/d-ana", expect=200)
        _, groups = self.server.api("GET", "/groups/g-sales", expect=200)
        self.assertEqual(groups["devices"], ["d-ana"])
        # After the device checks out (its profiles are gone with the enrollment) the record can go.
        ana.check_out()
        wait_until(lambda: not self.server.api("GET", "/devices/d-ana/status")[1]["enrolled"], what="checked out")
        self.server.api("DELETE", "/devices/d-ana", expect=204)

    def test_enrolled_device_without_profiles_can_be_deleted(self):
        Device(self.server, enrollment_id="ENR-BARE", serial="BARE1").enroll()
        self.server.api("DELETE", "/devices/ENR-BARE", expect=204)


if __name__ == "__main__":
    unittest.main()
