#!/usr/bin/env python3
"""`acmepolicy render` checked by independent readers: Python's plistlib parses every rendered profile and
command, and the parsed values (and their types) match the policy and the device record. Also the CLI's
exit codes and its promise never to leave a partial or stale output file.

usage: test_render_cli.py PATH/TO/acmepolicy   (run from the source root by CTest)
"""
import base64
import hashlib
import json
import os
import plistlib
import subprocess
import sys
import tempfile
import unittest

CLI = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = os.path.join(ROOT, "tests", "render", "cases")
DEVICES = os.path.join(ROOT, "examples", "devices")
POLICIES = os.path.join(ROOT, "examples", "policies")
NOW = "2026-12-01T00:00:00Z"


def run(*args):
    return subprocess.run([CLI, "render", *args], capture_output=True, timeout=60)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def pem_to_der(pem):
    body = "".join(line for line in pem.strip().splitlines() if not line.startswith("-----"))
    return base64.b64decode(body)


def expected_text(template, device, secret=None, policy_id=None):
    """Fills {{variables}} from the device record as the documentation says (independent of the core)."""
    out = template
    values = {
        "serial_number": device.get("serial_number"),
        "udid": device.get("udid"),
        "enrollment_id": device.get("enrollment_id"),
        "device_id": device.get("id"),
        "device_name": device.get("device_name"),
        "user_email": device.get("user_email"),
    }
    if secret is not None:
        import hmac
        mac = hmac.new(secret.encode(), (policy_id + "\0" + device["id"]).encode(), hashlib.sha256).digest()
        values["client_token"] = base64.urlsafe_b64encode(mac).decode().rstrip("=")
    for name, value in values.items():
        if value is not None:
            out = out.replace("{{" + name + "}}", value)
    return out


class RenderedProfilesMatchTheirInputs(unittest.TestCase):
    PAIRS = [
        (os.path.join(CASES, "corp-acme-with-ca.json"), os.path.join(DEVICES, "d-0042.json"), None),
        (os.path.join(CASES, "corp-acme.json"), os.path.join(DEVICES, "d-0042.json"), None),
        (os.path.join(POLICIES, "corp-acme.json"), os.path.join(DEVICES, "d-0042.json"), None),
        (os.path.join(CASES, "byod-rsa.json"), os.path.join(DEVICES, "d-0107-ipad-user-enrollment.json"), None),
        (os.path.join(CASES, "token-acme.json"), os.path.join(DEVICES, "d-0311-ios16.json"), "s3cret"),
        (os.path.join(CASES, "hostile.json"), os.path.join(CASES, "hostile-device.json"), None),
    ]

    def render_profile(self, policy_path, device_path, secret, prefix="org.example.test"):
        with tempfile.TemporaryDirectory() as tmp:
            args = [policy_path, "--device", device_path, "--now", NOW, "--identifier-prefix", prefix,
                    "--organization", "Org <&> \"x\"", "-o", os.path.join(tmp, "out.mobileconfig")]
            if secret:
                secret_file = os.path.join(tmp, "secret")
                with open(secret_file, "w") as f:
                    f.write(secret + "\n")
                args += ["--client-token-secret-file", secret_file]
            result = run(*args)
            self.assertEqual(result.returncode, 0, result.stderr.decode())
            with open(os.path.join(tmp, "out.mobileconfig"), "rb") as f:
                return f.read()

    def test_values_and_types_match(self):
        for policy_path, device_path, secret in self.PAIRS:
            with self.subTest(policy=os.path.basename(policy_path), device=os.path.basename(device_path)):
                policy = load_json(policy_path)
                device = load_json(device_path)
                raw = self.render_profile(policy_path, device_path, secret)
                profile = plistlib.loads(raw)
                src = policy["payload"]
                fill = lambda t: expected_text(t, device, secret, policy["id"])

                self.assertEqual(profile["PayloadType"], "Configuration")
                self.assertIs(type(profile["PayloadVersion"]), int)
                self.assertEqual(profile["PayloadVersion"], 1)
                self.assertEqual(profile["PayloadIdentifier"], "org.example.test." + policy["id"])
                self.assertEqual(profile["PayloadDisplayName"], policy["name"])
                self.assertEqual(profile["PayloadOrganization"], "Org <&> \"x\"")
                content = profile["PayloadContent"]
                cas = policy.get("ca_certificates", [])
                self.assertEqual(len(content), 1 + len(cas))

                acme = content[0]
                self.assertEqual(acme["PayloadType"], "com.apple.security.acme")
                self.assertEqual(acme["DirectoryURL"], src["DirectoryURL"])
                self.assertEqual(acme["ClientIdentifier"], fill(src["ClientIdentifier"]))
                self.assertNotIn("{{", acme["ClientIdentifier"])
                self.assertEqual(acme["KeyType"], src["KeyType"])
                self.assertIs(type(acme["KeySize"]), int)
                self.assertEqual(acme["KeySize"], src["KeySize"])
                self.assertIs(type(acme["HardwareBound"]), bool)
                self.assertEqual(acme["HardwareBound"], src["HardwareBound"])
                if "Attest" in src:
                    self.assertIs(acme["Attest"], src["Attest"])
                else:
                    self.assertNotIn("Attest", acme)
                self.assertEqual(acme["Subject"], [[[t, fill(v)] for t, v in rdn] for rdn in src["Subject"]])
                if "SubjectAltName" in src:
                    self.assertEqual(acme["SubjectAltName"], {k: fill(v) for k, v in src["SubjectAltName"].items()})
                else:
                    self.assertNotIn("SubjectAltName", acme)
                if "UsageFlags" in src:
                    self.assertIs(type(acme["UsageFlags"]), int)
                    self.assertEqual(acme["UsageFlags"], src["UsageFlags"])
                self.assertEqual(acme.get("ExtendedKeyUsage"), src.get("ExtendedKeyUsage"))
                self.assertNotIn("KeyIsExtractable", acme)
                self.assertNotIn("AllowAllAppsAccess", acme)

                for i, pem in enumerate(cas):
                    root = content[1 + i]
                    self.assertEqual(root["PayloadType"], "com.apple.security.root")
                    self.assertIs(type(root["PayloadContent"]), bytes)
                    self.assertEqual(root["PayloadContent"], pem_to_der(pem))

                identifiers = [p["PayloadIdentifier"] for p in content] + [profile["PayloadIdentifier"]]
                self.assertEqual(len(set(identifiers)), len(identifiers))
                uuids = [p["PayloadUUID"] for p in content] + [profile["PayloadUUID"]]
                self.assertEqual(len(set(uuids)), len(uuids))
                # Byte-identical on a second run.
                self.assertEqual(self.render_profile(policy_path, device_path, secret), raw)

    def test_hostile_values_round_trip(self):
        device = load_json(os.path.join(CASES, "hostile-device.json"))
        policy = load_json(os.path.join(CASES, "hostile.json"))
        profile = plistlib.loads(self.render_profile(os.path.join(CASES, "hostile.json"),
                                                     os.path.join(CASES, "hostile-device.json"), None))
        self.assertEqual(profile["PayloadDisplayName"], policy["name"])
        self.assertEqual(profile["PayloadContent"][0]["ClientIdentifier"], device["serial_number"])
        self.assertGreater(len(device["serial_number"].encode()), 3000)
        self.assertEqual(profile["PayloadContent"][0]["Subject"][1][0][1], device["device_name"])
        self.assertEqual(profile["PayloadContent"][0]["Subject"][0][0][1], policy["payload"]["Subject"][0][0][1])

    def test_one_field_change_changes_uuids_not_identifier(self):
        policy = load_json(os.path.join(CASES, "byod-rsa.json"))
        device_path = os.path.join(DEVICES, "d-0107-ipad-user-enrollment.json")
        before = plistlib.loads(self.render_profile(os.path.join(CASES, "byod-rsa.json"), device_path, None))
        policy["payload"]["KeySize"] = 3072
        with tempfile.TemporaryDirectory() as tmp:
            edited = os.path.join(tmp, "edited.json")
            with open(edited, "w") as f:
                json.dump(policy, f)
            after = plistlib.loads(self.render_profile(edited, device_path, None))
        self.assertEqual(before["PayloadIdentifier"], after["PayloadIdentifier"])
        self.assertNotEqual(before["PayloadUUID"], after["PayloadUUID"])
        self.assertNotEqual(before["PayloadContent"][0]["PayloadUUID"], after["PayloadContent"][0]["PayloadUUID"])
        self.assertEqual(after["PayloadContent"][0]["KeySize"], 3072)


def canonical(value, skip="PayloadUUID"):
    """The canonical encoding documented in docs/rendering.md ("Identity"), written from the document."""
    import datetime
    import struct
    if isinstance(value, str):
        data = value.encode()
        return b"s" + len(data).to_bytes(8, "big") + data
    if isinstance(value, bool):
        return b"t" if value else b"f"
    if isinstance(value, int):
        return b"i" + (value & (2**64 - 1)).to_bytes(8, "big")
    if isinstance(value, float):
        return b"r" + struct.pack(">d", value)
    if isinstance(value, datetime.datetime):
        seconds = int(value.replace(tzinfo=datetime.timezone.utc).timestamp())
        return b"d" + (seconds & (2**64 - 1)).to_bytes(8, "big")
    if isinstance(value, bytes):
        return b"b" + len(value).to_bytes(8, "big") + hashlib.sha256(value).digest()
    if isinstance(value, list):
        return b"a" + len(value).to_bytes(8, "big") + b"".join(canonical(v, skip) for v in value)
    items = [(k, v) for k, v in value.items() if k != skip]
    return b"D" + len(items).to_bytes(8, "big") + b"".join(canonical(k) + canonical(v, skip) for k, v in items)


def documented_uuid(policy_id, device_id, role, content):
    import uuid
    namespace = uuid.UUID("2511AC94-A344-5981-9611-B5E36D739CA8")
    name = b"".join(canonical(x) for x in ("acmepolicy.render.v1", policy_id, device_id, role)) + canonical(content)
    digest = hashlib.sha1(namespace.bytes + name).digest()
    return str(uuid.UUID(bytes=digest[:16], version=5)).upper()


class DocumentedIdentityScheme(unittest.TestCase):
    def test_every_payload_uuid_follows_the_documented_scheme(self):
        for policy_name, device_name in (("corp-acme-with-ca.json", "d-0042.json"), ("byod-rsa.json", None)):
            with self.subTest(policy=policy_name, device=device_name):
                args = [os.path.join(CASES, policy_name), "--now", NOW]
                args += ["--device", os.path.join(DEVICES, device_name)] if device_name else ["--preview"]
                r = run(*args)
                self.assertEqual(r.returncode, 0, r.stderr.decode())
                profile = plistlib.loads(r.stdout)
                policy_id = load_json(os.path.join(CASES, policy_name))["id"]
                device_id = load_json(os.path.join(DEVICES, device_name))["id"] if device_name else ""
                inner = profile["PayloadContent"]
                roles = ["acme"] + ["root.%d" % i for i in range(1, len(inner))]
                for role, payload in zip(roles, inner):
                    self.assertEqual(payload["PayloadUUID"], documented_uuid(policy_id, device_id, role, payload))
                top = dict(profile)
                top["PayloadContent"] = [p["PayloadUUID"] for p in inner]
                self.assertEqual(profile["PayloadUUID"], documented_uuid(policy_id, device_id, "profile", top))


class RenderedCommands(unittest.TestCase):
    def test_install_command_carries_the_profile(self):
        with tempfile.TemporaryDirectory() as tmp:
            common = [os.path.join(POLICIES, "corp-acme.json"), "--device", os.path.join(DEVICES, "d-0042.json"),
                      "--now", NOW]
            r = run(*common, "--format", "install-command", "-o", os.path.join(tmp, "cmd.plist"))
            self.assertEqual(r.returncode, 0, r.stderr.decode())
            r = run(*common, "-o", os.path.join(tmp, "profile.mobileconfig"))
            self.assertEqual(r.returncode, 0, r.stderr.decode())
            with open(os.path.join(tmp, "cmd.plist"), "rb") as f:
                command = plistlib.load(f)
            with open(os.path.join(tmp, "profile.mobileconfig"), "rb") as f:
                profile = f.read()
        self.assertEqual(command["Command"]["RequestType"], "InstallProfile")
        self.assertIs(type(command["Command"]["Payload"]), bytes)
        self.assertEqual(command["Command"]["Payload"], profile)
        self.assertRegex(command["CommandUUID"], r"^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$")

    def test_remove_command_and_random_command_uuids(self):
        outputs = []
        for _ in range(2):
            r = run(os.path.join(POLICIES, "corp-acme.json"), "--format", "remove-command",
                    "--identifier-prefix", "com.example.mdm")
            self.assertEqual(r.returncode, 0, r.stderr.decode())
            outputs.append(plistlib.loads(r.stdout))
        self.assertEqual(outputs[0]["Command"], {"RequestType": "RemoveProfile", "Identifier": "com.example.mdm.corp-acme"})
        self.assertNotEqual(outputs[0]["CommandUUID"], outputs[1]["CommandUUID"])

    def test_given_command_uuid(self):
        r = run(os.path.join(POLICIES, "corp-acme.json"), "--format", "remove-command", "--command-uuid", "cmd-42")
        self.assertEqual(plistlib.loads(r.stdout)["CommandUUID"], "cmd-42")


class RenderedDdm(unittest.TestCase):
    def test_credential_hash_and_size_describe_the_served_document(self):
        r = run(os.path.join(POLICIES, "corp-acme.json"), "--device", os.path.join(DEVICES, "d-0042.json"),
                "--format", "ddm", "--ddm-base-url", "https://mdm.example.com/ddm")
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        doc = json.loads(r.stdout)
        served = json.dumps(doc["credential"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        reference = doc["declarations"][0]["Payload"]["Reference"]
        self.assertEqual(reference["Size"], len(served))
        self.assertEqual(reference["Hash-SHA-256"], hashlib.sha256(served).hexdigest())
        self.assertEqual(reference["DataURL"], "https://mdm.example.com/ddm/corp-acme/d-0042.json")
        self.assertEqual(doc["credential"]["ClientIdentifier"], "F2LXK1ABCD")

    def test_ios16_device_is_refused(self):
        r = run(os.path.join(POLICIES, "corp-acme.json"), "--device", os.path.join(DEVICES, "d-0311-ios16.json"),
                "--format", "ddm", "--ddm-base-url", "https://mdm.example.com/ddm")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, b"")
        self.assertIn(b"d-0311-ios16.json:/os_version: error[render.ddm_os_unsupported]", r.stderr)


class ExitCodesAndOutputFiles(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = os.path.join(self.tmp.name, "out.mobileconfig")

    def tearDown(self):
        self.tmp.cleanup()

    def write_policy(self, mutate):
        policy = load_json(os.path.join(POLICIES, "corp-acme.json"))
        mutate(policy)
        path = os.path.join(self.tmp.name, "policy.json")
        with open(path, "w") as f:
            json.dump(policy, f)
        return path

    def test_invalid_policy_exits_1_and_writes_nothing(self):
        bad = self.write_policy(lambda p: p["payload"].__setitem__("KeySize", 512))
        r = run(bad, "--device", os.path.join(DEVICES, "d-0042.json"), "-o", self.out)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"/payload/KeySize", r.stderr)
        self.assertFalse(os.path.exists(self.out))
        self.assertEqual(os.listdir(self.tmp.name), ["policy.json"])  # no temporary file left behind

    def test_failed_render_leaves_an_existing_file_untouched(self):
        with open(self.out, "wb") as f:
            f.write(b"previous")
        r = run(os.path.join(POLICIES, "corp-acme.json"), "--device",
                os.path.join(DEVICES, "d-0107-ipad-user-enrollment.json"), "-o", self.out)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"render.variable_missing", r.stderr)
        self.assertIn(b"d-0107", r.stderr)
        with open(self.out, "rb") as f:
            self.assertEqual(f.read(), b"previous")

    def test_missing_device_without_preview_exits_1(self):
        r = run(os.path.join(POLICIES, "corp-acme.json"))
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"render.device_missing", r.stderr)

    def test_preview_keeps_placeholders(self):
        r = run(os.path.join(POLICIES, "corp-acme.json"), "--preview")
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertEqual(plistlib.loads(r.stdout)["PayloadContent"][0]["ClientIdentifier"], "{{serial_number}}")

    def test_usage_errors_exit_2(self):
        policy = os.path.join(POLICIES, "corp-acme.json")
        for args in ([], [policy, "--format", "pdf"], [policy, "--bogus"], [policy, "--sign-cert", policy],
                     [policy, "--device", os.path.join(self.tmp.name, "absent.json")],
                     [policy, "--now", "yesterday"], [os.path.join(self.tmp.name, "absent.json")]):
            with self.subTest(args=args):
                r = run(*args, "-o", self.out)
                self.assertEqual(r.returncode, 2, r.stderr.decode())
                self.assertFalse(os.path.exists(self.out))

    def test_bad_device_record_exits_1_naming_the_device_file(self):
        device = os.path.join(self.tmp.name, "device.json")
        with open(device, "w") as f:
            json.dump({"id": "d-1", "serial": "X"}, f)
        r = run(os.path.join(POLICIES, "corp-acme.json"), "--device", device, "-o", self.out)
        self.assertEqual(r.returncode, 1)
        self.assertIn((device + ":/serial: error[device.unknown_key]").encode(), r.stderr)
        self.assertFalse(os.path.exists(self.out))


if __name__ == "__main__":
    CLI = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)
