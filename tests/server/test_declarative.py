"""The Declarative Management endpoints as NanoMDM's DM hook (-dm URL/dm/) and auth proxy (-auth-proxy-url
URL/dm-assets/) call them: X-Enrollment-ID, X-Hmac-Signature with -dm-send-hmac-key, tokens that change
exactly when declarations change, status reports moving assignments, a device never served another's
credential. The real NanoMDM runs these in tests/interop scenario 8."""

import base64
import hashlib
import hmac
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Device, FakeNanoMDM, Server, TempDir, policy_document, wait_until  # noqa: E402

DM_KEY = "dm-shared-key"


class Declarative(unittest.TestCase):
    def setUp(self):
        self._tmp = TempDir()
        self.workdir = self._tmp.__enter__()
        self.nanomdm = FakeNanoMDM().start()
        self.server = Server(self.workdir, nanomdm=self.nanomdm, hmac_key="hkey",
                             extra=["--mdm-public-url", "https://mdm.example.com", "--dm-hmac-key", DM_KEY]).start()
        self.modern = Device(self.server, enrollment_id="ENR-17", serial="F2LDDM17", os_version="17.5", hmac_key="hkey")
        self.legacy = Device(self.server, enrollment_id="ENR-16", serial="F2LDDM16", os_version="16.7", hmac_key="hkey")
        self.server.api("POST", "/groups", {"id": "g-sales", "name": "Sales",
                                            "devices": ["ENR-17", "ENR-16"]}, expect=201)
        doc = policy_document()
        doc["delivery"] = "auto"
        self.server.api("POST", "/policies", doc, expect=201)
        self.modern.enroll()
        self.legacy.enroll()

    def tearDown(self):
        self.server.stop()
        self.nanomdm.stop()
        self._tmp.__exit__(None, None, None)

    def dm(self, method, endpoint, enrollment="ENR-17", body=b"", key=DM_KEY, path_prefix="/dm/"):
        headers = {"X-Enrollment-ID": enrollment, "X-Enrollment-Type": "Device"}
        if key is not None:
            headers["X-Hmac-Signature"] = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()
        status, _, payload = self.server.request(method, path_prefix + endpoint, auth=False, headers=headers,
                                                 raw=body if method == "PUT" else None)
        return status, (json.loads(payload) if payload and payload[:1] == b"{" else payload)

    def test_auto_sends_declarative_management_to_ios17_and_a_profile_to_ios16(self):
        wait_until(lambda: len(self.nanomdm.received()) >= 2, what="two commands")
        by_enrollment = {e: c["Command"]["RequestType"] for e, c, _ in self.nanomdm.received()}
        self.assertEqual(by_enrollment, {"ENR-17": "DeclarativeManagement", "ENR-16": "InstallProfile"})
        _, resolution = self.server.api("GET", "/policies/corp-acme/assignments", expect=200)
        forms = {i["device"]: (i["delivery"], i["delivery_reason"]) for i in resolution["included"]}
        self.assertEqual(forms["ENR-17"][0], "declarative")
        self.assertEqual(forms["ENR-16"][0], "profile")
        self.assertIn("below iOS 17.0", forms["ENR-16"][1])

    def test_sync_serves_the_declarations_and_the_credential_and_status_installs(self):
        status, tokens = self.dm("GET", "tokens")
        self.assertEqual(status, 200)
        token = tokens["SyncTokens"]["DeclarationsToken"]
        status, items = self.dm("GET", "declaration-items")
        self.assertEqual(status, 200)
        self.assertEqual(items["DeclarationsToken"], token)
        groups = items["Declarations"]
        self.assertEqual([d["Identifier"] for d in groups["Activations"]], ["com.example.acmepolicy.corp-acme.activation"])
        self.assertEqual(len(groups["Assets"]), 1)
        self.assertEqual(len(groups["Configurations"]), 1)
        status, asset = self.dm("GET", "declaration/asset/com.example.acmepolicy.corp-acme.credential")
        self.assertEqual(status, 200)
        self.assertEqual(asset["ServerToken"], groups["Assets"][0]["ServerToken"])
        reference = asset["Payload"]["Reference"]
        self.assertEqual(reference["DataURL"], "https://mdm.example.com/authproxy/corp-acme/ENR-17.json")
        # What NanoMDM's auth proxy fetches for this enrollment: exactly the declared bytes.
        status, credential = self.dm("GET", "corp-acme/ENR-17.json", key=None, path_prefix="/dm-assets/")
        self.assertEqual(status, 200)
        raw = json.dumps(credential, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        self.assertEqual((len(raw), hashlib.sha256(raw).hexdigest()), (reference["Size"], reference["Hash-SHA-256"]))
        self.assertEqual(credential["ClientIdentifier"], "F2LDDM17")
        # Another enrollment never gets this device's credential; the iOS 16 device has no declarations.
        self.assertEqual(self.dm("GET", "corp-acme/ENR-17.json", enrollment="ENR-16", key=None,
                                 path_prefix="/dm-assets/")[0], 404)
        self.assertEqual(self.dm("GET", "declaration-items", enrollment="ENR-16")[1]["Declarations"]["Assets"], [])
        report = {"StatusItems": {"management": {"declarations": {"configurations": [
            {"identifier": "com.example.acmepolicy.corp-acme.identity", "active": True, "valid": "valid",
             "server-token": groups["Configurations"][0]["ServerToken"]}]}}}, "Errors": []}
        self.assertEqual(self.dm("PUT", "status", body=json.dumps(report).encode())[0], 200)
        _, st = self.server.api("GET", "/devices/ENR-17/status", expect=200)
        self.assertEqual(st["assignments"][0]["status"], "installed")
        # Unchanged policy: the same token; an edit changes it.
        self.assertEqual(self.dm("GET", "tokens")[1]["SyncTokens"]["DeclarationsToken"], token)
        doc = policy_document()
        doc["delivery"] = "auto"
        doc["payload"]["KeySize"] = 384
        self.server.api("PUT", "/policies/corp-acme", doc, expect=200)
        self.assertNotEqual(self.dm("GET", "tokens")[1]["SyncTokens"]["DeclarationsToken"], token)

    def test_failed_status_keeps_apples_reasons(self):
        reasons = [{"code": "Error.ConfigurationCannotBeApplied", "description": "ACME server refused"}]
        report = {"StatusItems": {"management": {"declarations": {"configurations": [
            {"identifier": "com.example.acmepolicy.corp-acme.identity", "active": False, "valid": "invalid",
             "reasons": reasons}]}}}}
        self.assertEqual(self.dm("PUT", "status", body=json.dumps(report).encode())[0], 200)
        _, st = self.server.api("GET", "/devices/ENR-17/status", expect=200)
        self.assertEqual(st["assignments"][0]["status"], "failed")
        self.assertEqual(json.loads(json.dumps(st["assignments"][0]["last_error"]))["reasons"], reasons)

    def test_signature_is_required_and_checked(self):
        self.assertEqual(self.dm("GET", "tokens", key=None)[0], 401)
        self.assertEqual(self.dm("GET", "tokens", key="wrong")[0], 401)
        self.assertEqual(self.dm("GET", "tokens", enrollment="ENR-unknown")[0], 404)

    def test_unassigning_removes_the_declarations(self):
        self.server.api("PUT", "/groups/g-sales/members", {"devices": []}, expect=200)
        wait_until(lambda: sum(1 for e, c, _ in self.nanomdm.received("DeclarativeManagement") if e == "ENR-17") >= 2,
                   what="a second DeclarativeManagement")
        _, items = self.dm("GET", "declaration-items")
        self.assertEqual(items["Declarations"]["Configurations"], [])
        _, st = self.server.api("GET", "/devices/ENR-17/status", expect=200)
        self.assertEqual(st["assignments"][0]["status"], "removed")


    def installed_profile_then_ios17(self):
        """The iOS 16 device gets and installs its profile, then updates to iOS 17.5: under "auto" it now
        takes the declarative form."""
        install = wait_until(lambda: [c for e, c, _ in self.nanomdm.received("InstallProfile") if e == "ENR-16"],
                             what="the iOS 16 profile")[0]
        self.legacy.report(install["CommandUUID"], "Acknowledged")
        wait_until(lambda: self.status("ENR-16") == "installed", what="the profile installed")
        self.legacy.os_version = "17.5"
        self.legacy.enroll()
        wait_until(lambda: [e for e, c, _ in self.nanomdm.received("DeclarativeManagement") if e == "ENR-16"],
                   what="DeclarativeManagement for the updated device")

    def test_an_os_update_moves_the_profile_to_the_declarative_form_without_a_gap(self):
        self.installed_profile_then_ios17()
        self.assertEqual(self.status("ENR-16"), "pending")
        _, items = self.dm("GET", "declaration-items", enrollment="ENR-16")
        self.assertEqual(len(items["Declarations"]["Configurations"]), 1)
        # Until the declarative identity is active the profile stays: no RemoveProfile yet.
        self.assertEqual([e for e, c, _ in self.nanomdm.received("RemoveProfile")], [])
        report = {"StatusItems": {"management": {"declarations": {"configurations": [
            {"identifier": "com.example.acmepolicy.corp-acme.identity", "active": True, "valid": "valid"}]}}}}
        self.assertEqual(self.dm("PUT", "status", enrollment="ENR-16", body=json.dumps(report).encode())[0], 200)
        removal = wait_until(lambda: [c for e, c, _ in self.nanomdm.received("RemoveProfile") if e == "ENR-16"],
                             what="the replaced profile's removal")[0]
        self.assertEqual(removal["Command"]["Identifier"], "com.example.acmepolicy.corp-acme")
        self.legacy.report(removal["CommandUUID"], "Acknowledged")
        time.sleep(0.3)
        self.assertEqual(self.status("ENR-16"), "installed")  # the declarative identity, not "removed"
        # Nothing more goes out for it: one removal, and the next check-in sends nothing new.
        self.legacy.enroll()
        time.sleep(0.5)
        self.assertEqual(len([e for e, c, _ in self.nanomdm.received("RemoveProfile") if e == "ENR-16"]), 1)
        self.assertEqual(len([e for e, c, _ in self.nanomdm.received("DeclarativeManagement") if e == "ENR-16"]), 1)

    def test_a_failed_declarative_identity_keeps_the_profile(self):
        self.installed_profile_then_ios17()
        report = {"StatusItems": {"management": {"declarations": {"configurations": [
            {"identifier": "com.example.acmepolicy.corp-acme.identity", "active": False, "valid": "invalid",
             "reasons": [{"code": "Error.ConfigurationCannotBeApplied"}]}]}}}}
        self.assertEqual(self.dm("PUT", "status", enrollment="ENR-16", body=json.dumps(report).encode())[0], 200)
        time.sleep(0.5)
        self.assertEqual(self.status("ENR-16"), "failed")
        self.assertEqual([e for e, c, _ in self.nanomdm.received("RemoveProfile")], [])  # the profile stays

    def status(self, device):
        _, st = self.server.api("GET", f"/devices/{device}/status", expect=200)
        return st["assignments"][0]["status"]


LINK_KEY = "asset-link-key-0123456789"


class SignedAssetLinks(unittest.TestCase):
    """Without an auth proxy: the asset's DataURL is a signed, expiring link to this server's /dm-assets,
    Authentication None; the link opens its own device's credential and nothing else."""

    def setUp(self):
        self._tmp = TempDir()
        self.workdir = self._tmp.__enter__()
        self.nanomdm = FakeNanoMDM().start()
        self.server = self.start()
        self.server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": ["ENR-A", "ENR-B"]},
                        expect=201)
        doc = policy_document()
        doc["delivery"] = "declarative"
        self.server.api("POST", "/policies", doc, expect=201)
        for enrollment in ("ENR-A", "ENR-B"):
            Device(self.server, enrollment_id=enrollment, serial="LINK" + enrollment[-1], os_version="17.5",
                   hmac_key="hkey").enroll()

    def start(self, offset_days=0):
        env = {"ACMEPOLICY_TEST_CLOCK_OFFSET_SECONDS": str(offset_days * 86400)} if offset_days else None
        return Server(self.workdir, nanomdm=self.nanomdm, hmac_key="hkey", env=env,
                      extra=["--ddm-base-url", "https://acmepolicy.example.com/dm-assets",
                             "--dm-asset-link-key", LINK_KEY, "--dm-asset-link-days", "7"]).start()

    def tearDown(self):
        self.server.stop()
        self.nanomdm.stop()
        self._tmp.__exit__(None, None, None)

    def asset(self, enrollment):
        headers = {"X-Enrollment-ID": enrollment, "X-Enrollment-Type": "Device"}
        status, _, body = self.server.request(
            "GET", "/dm/declaration/asset/com.example.acmepolicy.corp-acme.credential", auth=False, headers=headers)
        self.assertEqual(status, 200, body)
        return json.loads(body)["Payload"]

    def fetch(self, url):
        # As the device does: straight to the link, no proxy header, no MDM authentication.
        path = url[len("https://acmepolicy.example.com"):]
        status, _, body = self.server.request("GET", path, auth=False)
        return status, body

    def test_the_link_opens_its_own_credential_with_the_declared_hash(self):
        payload = self.asset("ENR-A")
        self.assertEqual(payload["Authentication"]["Type"], "None")
        url = payload["Reference"]["DataURL"]
        self.assertTrue(url.startswith("https://acmepolicy.example.com/dm-assets/corp-acme/ENR-A.json?expires="), url)
        self.assertIn("&signature=", url)
        status, body = self.fetch(url)
        self.assertEqual(status, 200)
        self.assertEqual((len(body), hashlib.sha256(body).hexdigest()),
                         (payload["Reference"]["Size"], payload["Reference"]["Hash-SHA-256"]))
        self.assertIn(b"LINKA", body)

    def test_a_link_opens_nothing_else(self):
        url = self.asset("ENR-A")["Reference"]["DataURL"]
        query = url.split("?", 1)[1]
        # Another device's document with A's signature, a changed expiry, a flipped signature, no signature.
        self.assertEqual(self.fetch(f"https://acmepolicy.example.com/dm-assets/corp-acme/ENR-B.json?{query}")[0], 404)
        expires = int(query.split("expires=")[1].split("&")[0])
        self.assertEqual(self.fetch(url.replace(f"expires={expires}", f"expires={expires + 86400}"))[0], 404)
        flipped = url[:-1] + ("0" if url[-1] != "0" else "1")
        self.assertEqual(self.fetch(flipped)[0], 404)
        self.assertEqual(self.fetch(url.split("?")[0])[0], 404)  # the proxy path needs the proxy's header
        # B's own link opens B's document.
        status, body = self.fetch(self.asset("ENR-B")["Reference"]["DataURL"])
        self.assertEqual(status, 200)
        self.assertIn(b"LINKB", body)

    def test_links_expire_and_are_renewed_with_the_declarations(self):
        url = self.asset("ENR-A")["Reference"]["DataURL"]
        self.server.stop()
        self.server = self.start(offset_days=15)  # beyond two 7-day periods
        self.assertEqual(self.fetch(url)[0], 404)
        fresh = self.asset("ENR-A")["Reference"]["DataURL"]
        self.assertNotEqual(fresh, url)
        self.assertEqual(self.fetch(fresh)[0], 200)

    def test_a_link_key_without_a_public_base_url_is_refused(self):
        import subprocess
        import harness
        result = subprocess.run([harness.BINARY, "serve", "--database", f"sqlite:{self.workdir}/other.db",
                                 "--dm-asset-link-key", LINK_KEY], capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("--ddm-base-url", result.stderr)


if __name__ == "__main__":
    unittest.main()
