#!/usr/bin/env python3
"""`acmepolicy checkin` and `acmepolicy remove-command`: the facade's check-in mapping and RemoveProfile by
identifier from the command line, checked with Python's plistlib and json.
Usage: test_cli_facade.py ACMEPOLICY_BINARY SOURCE_DIR"""
import json
import os
import plistlib
import re
import subprocess
import sys
import tempfile
import unittest

BINARY, SOURCE = sys.argv[1], sys.argv[2]
CHECKIN = os.path.join(SOURCE, "tests", "c_abi", "data", "checkin-authenticate.plist")


def run(*args, stdin=None):
    return subprocess.run([BINARY, *args], input=stdin, capture_output=True, timeout=60)


class Checkin(unittest.TestCase):
    def test_the_record_carries_the_messages_facts(self):
        result = run("checkin", CHECKIN)
        self.assertEqual(result.returncode, 0, result.stderr)
        answer = json.loads(result.stdout)
        with open(CHECKIN, "rb") as f:
            message = plistlib.load(f)
        device = answer["device"]
        self.assertEqual(answer["message_type"], message["MessageType"])
        self.assertEqual(device["id"], message["UDID"])
        self.assertEqual(device["serial_number"], message["SerialNumber"])
        self.assertEqual(device["product_name"], message["ProductName"])
        self.assertEqual(device["platform"], "macOS")  # iMac14,2
        self.assertEqual(device["enrollment"], "device")

    def test_merges_into_the_given_record(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"id": "dev-7", "enrollment": "ade", "user_email": "a@example.com"}, f)
        try:
            answer = json.loads(run("checkin", CHECKIN, "--device", f.name).stdout)
        finally:
            os.unlink(f.name)
        self.assertEqual(answer["device"]["id"], "dev-7")
        self.assertEqual(answer["device"]["enrollment"], "ade")
        self.assertEqual(answer["device"]["user_email"], "a@example.com")

    def test_a_message_of_another_kind_is_a_finding(self):
        checkout = plistlib.dumps({"MessageType": "CheckOut", "UDID": "U"})
        result = run("checkin", "-", stdin=checkout)
        self.assertEqual(result.returncode, 1)
        self.assertIn(b"checkin.unsupported", result.stderr)


class RemoveCommand(unittest.TestCase):
    def test_names_the_recorded_identifier(self):
        result = run("remove-command", "--identifier", "org.example.old.corp-wifi")
        self.assertEqual(result.returncode, 0, result.stderr)
        command = plistlib.loads(result.stdout)
        self.assertEqual(command["Command"], {"RequestType": "RemoveProfile", "Identifier": "org.example.old.corp-wifi"})
        self.assertRegex(command["CommandUUID"], re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$"))

    def test_policy_id_and_prefix(self):
        result = run("remove-command", "--policy-id", "corp-wifi", "--identifier-prefix", "com.example.mdm",
                     "--command-uuid", "C-1")
        self.assertEqual(result.returncode, 0, result.stderr)
        command = plistlib.loads(result.stdout)
        self.assertEqual(command["Command"]["Identifier"], "com.example.mdm.corp-wifi")
        self.assertEqual(command["CommandUUID"], "C-1")

    def test_refusals(self):
        self.assertEqual(run("remove-command", "--identifier", "has space").returncode, 1)
        self.assertEqual(run("remove-command").returncode, 2)
        self.assertEqual(run("remove-command", "--identifier", "a.b", "--policy-id", "b").returncode, 2)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
