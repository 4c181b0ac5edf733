#!/usr/bin/env python3
"""The CLI names the user's mistake in its inputs (a folder, an endless or oversized input, a binary DER
certificate, a binary secret) with exit 2 and one sentence, reading no more than its cap.
Usage: test_cli_inputs.py ACMEPOLICY_BINARY SOURCE_DIR"""
import os
import subprocess
import sys
import tempfile
import unittest

BINARY, SOURCE = sys.argv[1], sys.argv[2]
POLICY = os.path.join(SOURCE, "examples", "certificates", "corp-acme.json")
CAP = 64 * 1024 * 1024


def run(*args, stdin=None):
    return subprocess.run([BINARY, *args], input=stdin, capture_output=True, timeout=60)


class UserMistakes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="acmepolicy-cli-")
        cls.key = os.path.join(cls.folder, "key.pem")
        cls.pem = os.path.join(cls.folder, "cert.pem")
        cls.der = os.path.join(cls.folder, "cert.der")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", cls.key, "-out", cls.pem, "-subj", "/CN=signer", "-days", "2"],
                       check=True, capture_output=True)
        subprocess.run(["openssl", "x509", "-in", cls.pem, "-outform", "der", "-out", cls.der], check=True)

    def assertMistake(self, result, *phrases):
        err = result.stderr.decode("utf-8", "replace")
        self.assertEqual(result.returncode, 2, err)
        self.assertNotIn("internal error", err)
        self.assertEqual(len(err.strip().splitlines()), 1, f"one sentence, got: {err}")
        for phrase in phrases:
            self.assertIn(phrase, err)

    def test_a_folder_is_named_as_a_folder(self):
        self.assertMistake(run("validate", self.folder), self.folder, "folder")
        self.assertMistake(run("render", POLICY, "--preview", "--sign-cert", self.folder, "--sign-key", self.key), "folder")

    def test_an_endless_input_stops_at_the_cap(self):
        # /dev/zero never ends: the CLI must stop reading at its cap instead of filling memory.
        self.assertMistake(run("validate", "/dev/zero"), "/dev/zero", "64 MiB")

    def test_standard_input_over_the_cap(self):
        self.assertMistake(run("validate", "-", stdin=b" " * (CAP + 1)), "standard input", "64 MiB")

    def test_a_binary_der_certificate_gets_the_conversion(self):
        result = run("render", POLICY, "--preview", "--sign-cert", self.der, "--sign-key", self.key)
        self.assertMistake(result, self.der, "binary", "openssl x509 -inform der")

    def test_a_binary_secret_is_refused(self):
        secret = os.path.join(self.folder, "secret.bin")
        with open(secret, "wb") as f:
            f.write(b"\x82\xff\x00secret")
        self.assertMistake(run("render", POLICY, "--preview", "--client-token-secret-file", secret), "secret", "binary")

    def test_a_missing_file_names_the_cause(self):
        self.assertMistake(run("validate", os.path.join(self.folder, "absent.json")), "No such file")

    def test_the_same_pem_in_text_still_signs(self):
        # The control: the PEM form of the same certificate is read and used.
        result = run("render", POLICY, "--preview", "--sign-cert", self.pem, "--sign-key", self.key, "-o",
                     os.path.join(self.folder, "signed.mobileconfig"))
        self.assertEqual(result.returncode, 0, result.stderr.decode())


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
