"""The life of a certificate on the server: inventory freshness (DeviceInformation, ProfileList), certificates
tracked from CertificateList answers, renewal before expiry (a new PayloadUUID under the same
PayloadIdentifier), renewal_failed after the timeout, throttling and the fleet view. Certificates are real
(made with the openssl CLI); the server's clock is moved with ACMEPOLICY_TEST_CLOCK_OFFSET_SECONDS so a
certificate issued today is near its expiry."""

import base64
import datetime
import hashlib
import hmac
import json
import os
import plistlib
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Device, FakeNanoMDM, Server, TempDir, policy_document, wait_until  # noqa: E402

DAY = 24 * 3600


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


class Pki:
    """A CA (the policy's ca_certificates) and device certificates it signs, as DER."""

    def __init__(self, workdir, name="Renewal Test CA"):
        self.dir = workdir
        self.key = os.path.join(workdir, f"{name.replace(' ', '_')}.key")
        self.cert = os.path.join(workdir, f"{name.replace(' ', '_')}.pem")
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", self.key,
                "-out", self.cert, "-days", "3650", "-subj", f"/CN={name}",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
        with open(self.cert) as f:
            self.pem = f.read()
        self.count = 0

    def device_certificate(self, common_name, days):
        """A certificate for `common_name`, valid from now for `days` days: (DER bytes, not_after)."""
        self.count += 1
        base = os.path.join(self.dir, f"device-{self.count}")
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                base + ".key", "-out", base + ".csr", "-subj", f"/CN={common_name}")
        openssl("x509", "-req", "-in", base + ".csr", "-CA", self.cert, "-CAkey", self.key, "-set_serial",
                str(4096 + self.count), "-days", str(days), "-outform", "DER", "-out", base + ".der")
        with open(base + ".der", "rb") as f:
            der = f.read()
        out = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-enddate"], input=der, check=True,
                             capture_output=True).stdout.decode()
        end = datetime.datetime.strptime(out.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y %Z")
        return der, end.replace(tzinfo=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def profile_of(command):
    """The profile plist an InstallProfile carries."""
    return plistlib.loads(command["Command"]["Payload"])


class CertificateLifecycle(unittest.TestCase):
    def setUp(self):
        self._tmp = TempDir()
        self.workdir = self._tmp.__enter__()
        self.nanomdm = FakeNanoMDM().start()
        self.server = None
        self.pki = Pki(self.workdir)

    def tearDown(self):
        try:
            self.nanomdm.stop()
            if self.server:
                self.server.stop()
        finally:
            self._tmp.__exit__(None, None, None)

    def make_database(self):
        return None

    def start(self, offset_days=0, extra=()):
        env = {"ACMEPOLICY_TEST_CLOCK_OFFSET_SECONDS": str(int(offset_days * DAY))} if offset_days else {}
        self.server = Server(self.workdir, nanomdm=self.nanomdm, database=self.make_database(), env=env,
                             inventory=True, extra=list(extra)).start()
        policy = policy_document()
        policy["ca_certificates"] = [self.pki.pem]
        self.server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": ["ENR-1"]}, expect=201)
        self.server.api("POST", "/policies", policy, expect=201)
        return self.server

    def assignment(self, device="ENR-1", policy="corp-acme"):
        _, body = self.server.api("GET", f"/devices/{device}/status", expect=200)
        return {a["policy"]: a for a in body["assignments"]}.get(policy, {})

    def latest(self, request_type, after=0):
        """The newest command of this type the MDM received, once more than `after` were received."""
        got = wait_until(lambda: len(self.nanomdm.received(request_type)) > after and self.nanomdm.received(request_type),
                         what=f"{request_type} number {after + 1}")
        return got[-1][1]

    def installed_device(self, serial="CERT0001", os_version="17.5"):
        device = Device(self.server, enrollment_id="ENR-1", serial=serial, os_version=os_version)
        device.enroll()
        install = self.latest("InstallProfile")
        device.report(install["CommandUUID"], "Acknowledged")
        wait_until(lambda: self.assignment().get("status") == "installed", what="installed")
        return device, install

    def answer_certificates(self, device, certificates, after=0):
        command = self.latest("CertificateList", after)
        entries = [{"CommonName": cn, "Data": der, "IsIdentity": identity} for cn, der, identity in certificates]
        status, _ = device.report(command["CommandUUID"], "Acknowledged", answer={"CertificateList": entries})
        self.assertEqual(status, 200)
        return command

    # --- inventory freshness

    def test_token_update_asks_for_the_inventory_with_the_queries_gating_needs(self):
        self.start()
        device = Device(self.server, enrollment_id="ENR-1", serial="CERT0001")
        device.enroll()
        information = self.latest("DeviceInformation")
        queries = information["Command"]["Queries"]
        for q in ("OSVersion", "BuildVersion", "ProductName", "ModelName", "SerialNumber", "UDID", "DeviceName",
                  "IsSupervised"):
            self.assertIn(q, queries)
        self.latest("ProfileList")
        self.assertTrue(self.latest("CertificateList")["Command"]["ManagedOnly"])
        # The profile goes first: the inventory commands were queued after it.
        types = [c[1]["Command"]["RequestType"] for c in self.nanomdm.received()]
        self.assertEqual(types[0], "InstallProfile")

    def test_device_information_with_a_new_os_version_makes_an_old_device_eligible(self):
        self.start()
        device = Device(self.server, enrollment_id="ENR-1", serial="CERT0001", os_version="15.8")
        device.enroll()
        information = self.latest("DeviceInformation")
        time.sleep(0.5)
        self.assertEqual(self.nanomdm.received("InstallProfile"), [])
        _, resolution = self.server.api("GET", "/policies/corp-acme/assignments", expect=200)
        self.assertEqual([e["reason"] for e in resolution["excluded"]], ["os_too_old"])

        status, _ = device.report(information["CommandUUID"], "Acknowledged", answer={"QueryResponses": {
            "OSVersion": "17.5", "BuildVersion": "21F79", "ProductName": "iPhone15,2", "ModelName": "iPhone",
            "SerialNumber": "CERT0001", "UDID": device.udid, "DeviceName": "Ana's iPhone", "IsSupervised": True}})
        self.assertEqual(status, 200)
        install = self.latest("InstallProfile")
        self.assertEqual(profile_of(install)["PayloadIdentifier"], "com.example.acmepolicy.corp-acme")
        _, record = self.server.api("GET", "/devices/ENR-1", expect=200)
        self.assertEqual(record["os_version"], "17.5")
        self.assertTrue(record["supervised"])
        self.assertEqual(record["serial_number"], "CERT0001")

    def test_profile_list_without_our_profile_installs_it_again(self):
        self.start()
        device, install = self.installed_device()
        before = len(self.nanomdm.received("ProfileList"))
        listing = self.latest("ProfileList", after=before - 1)
        identifier = profile_of(install)["PayloadIdentifier"]
        # Ours, as installed: nothing to do.
        device.report(listing["CommandUUID"], "Acknowledged", answer={"ProfileList": [
            {"PayloadIdentifier": identifier, "PayloadUUID": profile_of(install)["PayloadUUID"]},
            {"PayloadIdentifier": "com.other.wifi", "PayloadUUID": "A"}]})
        time.sleep(0.8)
        self.assertEqual(len(self.nanomdm.received("InstallProfile")), 1)
        # The user removed it: it is installed again, the same profile.
        listing = self.nanomdm.received("ProfileList")[0][1]
        device.report(listing["CommandUUID"], "Acknowledged", answer={"ProfileList": [
            {"PayloadIdentifier": "com.other.wifi", "PayloadUUID": "A"}]})
        again = self.latest("InstallProfile", after=1)
        self.assertEqual(profile_of(again)["PayloadIdentifier"], identifier)
        self.assertEqual(profile_of(again)["PayloadUUID"], profile_of(install)["PayloadUUID"])
        self.assertEqual(self.assignment()["status"], "pending")

    def test_profile_list_with_another_version_of_ours_updates_it(self):
        self.start()
        device, install = self.installed_device()
        listing = self.latest("ProfileList")
        device.report(listing["CommandUUID"], "Acknowledged", answer={"ProfileList": [
            {"PayloadIdentifier": profile_of(install)["PayloadIdentifier"],
             "PayloadUUID": "00000000-0000-4000-8000-000000000000"}]})
        again = self.latest("InstallProfile", after=1)
        self.assertEqual(profile_of(again)["PayloadUUID"], profile_of(install)["PayloadUUID"])

    # --- certificates and renewal

    def test_certificate_expiring_in_5_days_is_renewed_with_a_new_payload_uuid(self):
        self.start(offset_days=85)  # a 90-day certificate issued today has 5 days left on the server's clock
        device, install = self.installed_device()
        der, not_after = self.pki.device_certificate("CERT0001", 90)
        foreign = Pki(self.workdir, "Other CA").device_certificate("CERT0001", 90)[0]
        self.answer_certificates(device, [("CERT0001", der, True), ("wifi", foreign, True),
                                          ("Renewal Test CA", self.pki_der(), False)])
        renewal = self.latest("InstallProfile", after=1)
        self.assertEqual(profile_of(renewal)["PayloadIdentifier"], profile_of(install)["PayloadIdentifier"])
        self.assertNotEqual(profile_of(renewal)["PayloadUUID"], profile_of(install)["PayloadUUID"])
        self.assertNotEqual(renewal["CommandUUID"], install["CommandUUID"])
        state = self.assignment()
        self.assertEqual(state["renewal"]["status"], "renewing")
        self.assertEqual(state["certificate"]["not_after"], not_after)
        self.assertEqual(state["certificate"]["serial"], "1001")
        _, listed = self.server.api("GET", "/devices/ENR-1/certificates", expect=200)
        ours = [c for c in listed["certificates"] if c["policy"] == "corp-acme"]
        self.assertEqual(len(ours), 1)
        self.assertEqual(ours[0]["issuer"], "CN=Renewal Test CA")
        self.assertEqual(ours[0]["sha256"], state["certificate"]["fingerprint"])
        self.assertEqual(ours[0]["key_type"], "EC")
        self.assertTrue(ours[0]["is_identity"])
        self.assertEqual(sorted(c["policy"] is None for c in listed["certificates"]), [False, True, True])

        # The device installs it and runs a fresh order: the next CertificateList shows the new certificate.
        lists = len(self.nanomdm.received("CertificateList"))
        device.report(renewal["CommandUUID"], "Acknowledged")
        wait_until(lambda: self.assignment().get("status") == "installed", what="renewal installed")
        new_der, new_not_after = self.pki.device_certificate("CERT0001", 180)
        self.answer_certificates(device, [("CERT0001", der, True), ("CERT0001", new_der, True)], after=lists)
        wait_until(lambda: self.assignment()["renewal"]["status"] == "renewed", what="renewed")
        state = self.assignment()
        self.assertEqual(state["renewal"]["renewed_not_after"], new_not_after)
        self.assertEqual(state["certificate"]["not_after"], new_not_after)
        time.sleep(0.5)
        self.assertEqual(len(self.nanomdm.received("InstallProfile")), 2)

    def pki_der(self):
        return subprocess.run(["openssl", "x509", "-in", self.pki.cert, "-outform", "DER"], check=True,
                              capture_output=True).stdout

    def test_certificate_with_40_days_left_is_not_renewed_and_is_planned(self):
        self.start(offset_days=50)  # 90-day certificate: 40 days left, more than the 30-day window
        device, _ = self.installed_device()
        der, not_after = self.pki.device_certificate("CERT0001", 90)
        self.answer_certificates(device, [("CERT0001", der, True)])
        wait_until(lambda: self.assignment().get("certificate"), what="the certificate in the status")
        time.sleep(1.0)
        self.assertEqual(len(self.nanomdm.received("InstallProfile")), 1)
        state = self.assignment()
        self.assertEqual(state["certificate"]["not_after"], not_after)
        self.assertIsNone(state["renewal"]["status"])
        renew_at = state["renewal"]["renew_at"]
        _, fleet = self.server.api("GET", "/renewals?days=90", expect=200)
        self.assertEqual(len(fleet["days"]), 90)
        self.assertEqual(set(fleet["days"][0]), {"date", "expiring", "renewals_planned", "renewed"})
        days = {d["date"]: d for d in fleet["days"]}
        self.assertEqual(days[not_after[:10]]["expiring"], 1)
        self.assertEqual(days[renew_at[:10]]["renewals_planned"], 1)
        self.assertEqual(sum(d["renewals_planned"] for d in fleet["days"]), 1)
        self.assertEqual(sum(d["expiring"] for d in fleet["days"]), 1)
        # The renewal opens 30 days before expiry, plus this device's jitter (at most the 12-hour spread).
        expiry = datetime.datetime.strptime(not_after, "%Y-%m-%dT%H:%M:%SZ")
        planned = datetime.datetime.strptime(renew_at, "%Y-%m-%dT%H:%M:%SZ")
        self.assertGreaterEqual((expiry - planned).total_seconds(), 30 * DAY - 12 * 3600 - 1)
        self.assertLessEqual((expiry - planned).total_seconds(), 30 * DAY)
        # The export is the inventory document of `acmepolicy certificates`: the CLI plans the same renewal.
        _, export = self.server.api("GET", "/certificates/inventory", expect=200)
        self.assertEqual([d["device"]["id"] for d in export["devices"]], ["ENR-1"])
        self.assertEqual(export["devices"][0]["policies"], ["corp-acme"])
        _, stored = self.server.api("GET", "/policies/corp-acme", expect=200)
        inventory_file, policy_file = os.path.join(self.workdir, "export.json"), os.path.join(self.workdir, "p.json")
        with open(inventory_file, "w") as f:
            json.dump(export, f)
        with open(policy_file, "w") as f:
            json.dump(stored["document"], f)
        server_now = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=50)
        cli = subprocess.run([self.server.args()[0], "certificates", "--inventory", inventory_file, policy_file,
                              "--format", "json", "--now", server_now.strftime("%Y-%m-%dT%H:%M:%SZ")],
                             capture_output=True, text=True)
        self.assertEqual(cli.returncode, 0, cli.stderr)
        plan = json.loads(cli.stdout)
        self.assertEqual([(r["device"], r["policy"], r["state"], r["renew_at"]) for r in plan["renewals"]],
                         [("ENR-1", "corp-acme", "ok", renew_at)])
        self.assertEqual(self.server.api("GET", "/renewals?days=0")[0], 400)
        self.assertEqual(self.server.api("GET", "/renewals?days=abc")[0], 400)
        self.assertEqual(self.server.api("GET", "/devices/nobody/certificates")[0], 404)

    def test_the_device_list_filters_by_certificate_expiry(self):
        self.start(offset_days=50)  # a 90-day certificate: 40 days left
        device, _ = self.installed_device()
        der, _ = self.pki.device_certificate("CERT0001", 90)
        self.answer_certificates(device, [("CERT0001", der, True)])
        wait_until(lambda: self.assignment().get("certificate"), what="the certificate in the status")
        Device(self.server, enrollment_id="ENR-2", serial="CERT0002").enroll()  # no certificate reported

        def listed(days):
            _, page = self.server.api("GET", f"/devices?expires_within_days={days}", expect=200)
            return [d["id"] for d in page["devices"]]
        self.assertEqual(listed(30), [])         # 40 days left: not within 30
        self.assertEqual(listed(45), ["ENR-1"])  # within 45; ENR-2 has no certificate to expire
        self.assertEqual(listed(0), [])          # nothing has expired
        self.assertEqual(self.server.api("GET", "/devices?expires_within_days=-1")[0], 400)
        self.assertEqual(self.server.api("GET", "/devices?expires_within_days=x")[0], 400)

    def test_renewal_without_a_new_certificate_fails_after_the_timeout(self):
        self.start(offset_days=85, extra=["--renewal-timeout-hours", "0.001"])  # 3.6 s
        device, _ = self.installed_device()
        der, _ = self.pki.device_certificate("CERT0001", 90)
        self.answer_certificates(device, [("CERT0001", der, True)])
        self.latest("InstallProfile", after=1)  # the renewal, never answered
        failed = wait_until(lambda: (self.assignment().get("renewal") or {}).get("status") == "renewal_failed"
                            and self.assignment(), timeout=20, what="renewal_failed")
        self.assertIn("not acknowledged", failed["renewal"]["reason"])
        # The minimum interval (6 hours) holds the next attempt back.
        time.sleep(1.0)
        self.assertEqual(len(self.nanomdm.received("InstallProfile")), 2)

    def test_an_expired_certificate_is_renewed_at_once(self):
        self.start(offset_days=100)
        device, install = self.installed_device()
        der, _ = self.pki.device_certificate("CERT0001", 90)
        self.answer_certificates(device, [("CERT0001", der, True)])
        renewal = self.latest("InstallProfile", after=1)
        self.assertNotEqual(profile_of(renewal)["PayloadUUID"], profile_of(install)["PayloadUUID"])

    def test_certificate_commands_are_paced_per_minute(self):
        self.start(extra=["--max-commands-per-minute", "6"])  # one every 10 s
        Device(self.server, enrollment_id="ENR-1", serial="CERT0001").enroll()
        self.latest("DeviceInformation")
        time.sleep(2.0)
        self.assertEqual(len(self.nanomdm.received("DeviceInformation")), 1)
        self.assertEqual(self.nanomdm.received("ProfileList"), [])
        self.assertEqual(len(self.nanomdm.received("InstallProfile")), 1)  # profiles are not paced

    def test_inventory_interval_zero_sends_no_inventory(self):
        self.start(extra=["--inventory-interval-hours", "0"])
        Device(self.server, enrollment_id="ENR-1", serial="CERT0001").enroll()
        self.latest("InstallProfile")
        time.sleep(1.0)
        self.assertEqual([c[1]["Command"]["RequestType"] for c in self.nanomdm.received()], ["InstallProfile"])


class DeclarativeRenewal(unittest.TestCase):
    """A declaratively delivered credential is renewed by changing its declarations' ServerTokens: the
    server sends DeclarativeManagement and serves the changed declarations (docs/lifecycle.md)."""

    DM_KEY = "dm-renewal-key"

    def setUp(self):
        self._tmp = TempDir()
        self.workdir = self._tmp.__enter__()
        self.nanomdm = FakeNanoMDM().start()
        self.pki = Pki(self.workdir)
        env = {"ACMEPOLICY_TEST_CLOCK_OFFSET_SECONDS": str(85 * DAY)}
        self.server = Server(self.workdir, nanomdm=self.nanomdm, database=self.make_database(), env=env,
                             inventory=True, extra=["--mdm-public-url", "https://mdm.example.com",
                                                    "--dm-hmac-key", self.DM_KEY]).start()

    def tearDown(self):
        try:
            self.nanomdm.stop()
            self.server.stop()
        finally:
            self._tmp.__exit__(None, None, None)

    def make_database(self):
        return None

    def dm(self, method, endpoint, body=b""):
        headers = {"X-Enrollment-ID": "ENR-1", "X-Enrollment-Type": "Device",
                   "X-Hmac-Signature": base64.b64encode(hmac.new(self.DM_KEY.encode(), body, hashlib.sha256)
                                                        .digest()).decode()}
        status, _, payload = self.server.request(method, "/dm/" + endpoint, auth=False, headers=headers,
                                                 raw=body if method == "PUT" else None)
        self.assertEqual(status, 200, payload)
        return json.loads(payload) if payload[:1] == b"{" else None

    def report_installed(self):
        items = self.dm("GET", "declaration-items")
        report = {"StatusItems": {"management": {"declarations": {"configurations": [
            {"identifier": "com.example.acmepolicy.corp-acme.identity", "active": True, "valid": "valid",
             "server-token": items["Declarations"]["Configurations"][0]["ServerToken"]}]}}}}
        self.dm("PUT", "status", json.dumps(report).encode())
        return items

    def test_a_declarative_credential_expiring_in_5_days_gets_new_server_tokens(self):
        policy = policy_document()
        policy["delivery"] = "declarative"
        policy["ca_certificates"] = [self.pki.pem]
        self.server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": ["ENR-1"]}, expect=201)
        self.server.api("POST", "/policies", policy, expect=201)
        device = Device(self.server, enrollment_id="ENR-1", serial="CERT0001", os_version="17.5")
        device.enroll()
        wait_until(lambda: self.nanomdm.received("DeclarativeManagement"), what="DeclarativeManagement")
        before = self.report_installed()
        lists = len(self.nanomdm.received("CertificateList"))
        command = wait_until(lambda: len(self.nanomdm.received("CertificateList")) > lists
                             and self.nanomdm.received("CertificateList"), what="CertificateList after the status")
        der, _ = self.pki.device_certificate("CERT0001", 90)
        device.report(command[-1][1]["CommandUUID"], "Acknowledged",
                      answer={"CertificateList": [{"CommonName": "CERT0001", "Data": der, "IsIdentity": True}]})
        wait_until(lambda: len(self.nanomdm.received("DeclarativeManagement")) >= 2, what="a renewal sync")
        self.assertEqual(self.nanomdm.received("InstallProfile"), [])
        after = self.dm("GET", "declaration-items")
        self.assertNotEqual(after["DeclarationsToken"], before["DeclarationsToken"])
        self.assertNotEqual(after["Declarations"]["Assets"][0]["ServerToken"],
                            before["Declarations"]["Assets"][0]["ServerToken"])
        _, st = self.server.api("GET", "/devices/ENR-1/status", expect=200)
        self.assertEqual(st["assignments"][0]["renewal"]["status"], "renewing")
        self.assertEqual(st["assignments"][0]["status"], "pending")
        # The device applies the changed declarations and reports them active: installed again.
        self.report_installed()
        _, st = self.server.api("GET", "/devices/ENR-1/status", expect=200)
        self.assertEqual(st["assignments"][0]["status"], "installed")

if __name__ == "__main__":
    unittest.main()
