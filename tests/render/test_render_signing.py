#!/usr/bin/env python3
"""Signed profiles checked by the real `openssl cms -verify`: identities (RSA-2048, EC P-256, EC P-384; keys in
PKCS#1, SEC1 and PKCS#8 PEM; with and without an intermediate) are made with openssl at test time, the CLI
signs, openssl must accept the signature and output exactly the unsigned profile's bytes, and a single
tampered byte must make verification fail.

usage: test_render_signing.py PATH/TO/acmepolicy   (run from the source root by CTest)
"""
import os
import subprocess
import sys
import tempfile
import unittest

CLI = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POLICY = os.path.join(ROOT, "examples", "policies", "corp-acme.json")
DEVICE = os.path.join(ROOT, "examples", "devices", "d-0042.json")
NOW = "2026-12-01T00:00:00Z"


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=120)


class Identity:
    """A root CA, optionally an intermediate, and a signer certificate with its key in one PEM format."""

    def __init__(self, folder, key_algorithm, key_format, with_intermediate):
        self.folder = folder
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "root.key", "-out", "root.pem", "-days", "3650", "-subj", "/CN=Signing Test Root",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
                cwd=folder)
        issuer, issuer_key = "root.pem", "root.key"
        if with_intermediate:
            openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                    "mid.key", "-out", "mid.csr", "-subj", "/CN=Signing Test Intermediate", cwd=folder)
            with open(os.path.join(folder, "ca.ext"), "w") as f:
                f.write("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n")
            openssl("x509", "-req", "-in", "mid.csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", "2",
                    "-days", "3650", "-extfile", "ca.ext", "-out", "mid.pem", cwd=folder)
            issuer, issuer_key = "mid.pem", "mid.key"
        if key_algorithm == "rsa2048":
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "pkcs8.key", cwd=folder)
        else:
            curve = {"p256": "P-256", "p384": "P-384"}[key_algorithm]
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + curve, "-out", "pkcs8.key",
                    cwd=folder)
        if key_format == "pkcs8":
            os.rename(os.path.join(folder, "pkcs8.key"), os.path.join(folder, "signer.key"))
        elif key_format == "pkcs1":
            openssl("rsa", "-in", "pkcs8.key", "-traditional", "-out", "signer.key", cwd=folder)
        else:  # sec1
            openssl("ec", "-in", "pkcs8.key", "-out", "signer.key", cwd=folder)
        openssl("req", "-new", "-key", "signer.key", "-out", "signer.csr", "-subj", "/CN=Profile Signer", cwd=folder)
        with open(os.path.join(folder, "leaf.ext"), "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n")
        openssl("x509", "-req", "-in", "signer.csr", "-CA", issuer, "-CAkey", issuer_key, "-set_serial", "3",
                "-days", "3650", "-extfile", "leaf.ext", "-out", "signer.pem", cwd=folder)
        self.chain = "mid.pem" if with_intermediate else None

    def path(self, name):
        return os.path.join(self.folder, name)


def verify(folder, signed_path, out_path):
    return subprocess.run(["openssl", "cms", "-verify", "-inform", "DER", "-in", signed_path, "-CAfile",
                           os.path.join(folder, "root.pem"), "-purpose", "any", "-out", out_path],
                          capture_output=True, timeout=60)


class SignedProfiles(unittest.TestCase):
    CASES = [
        ("rsa2048", "pkcs1", False),
        ("rsa2048", "pkcs8", True),
        ("p256", "sec1", False),
        ("p256", "pkcs8", True),
        ("p384", "sec1", True),
        ("p384", "pkcs8", False),
    ]

    def test_openssl_verifies_and_outputs_the_exact_profile(self):
        for algorithm, key_format, with_intermediate in self.CASES:
            with self.subTest(key=algorithm, format=key_format, intermediate=with_intermediate), \
                    tempfile.TemporaryDirectory() as tmp:
                identity = Identity(tmp, algorithm, key_format, with_intermediate)
                signed = os.path.join(tmp, "signed.mobileconfig")
                args = [POLICY, "--device", DEVICE, "--now", NOW, "--sign-cert", identity.path("signer.pem"),
                        "--sign-key", identity.path("signer.key")]
                if identity.chain:
                    args += ["--sign-chain", identity.path(identity.chain)]
                r = subprocess.run([CLI, "render", *args, "-o", signed], capture_output=True, timeout=60)
                self.assertEqual(r.returncode, 0, r.stderr.decode())
                plain = subprocess.run([CLI, "render", POLICY, "--device", DEVICE, "--now", NOW],
                                       capture_output=True, timeout=60).stdout

                v = verify(tmp, signed, os.path.join(tmp, "verified.xml"))
                self.assertEqual(v.returncode, 0, v.stderr.decode())
                with open(os.path.join(tmp, "verified.xml"), "rb") as f:
                    self.assertEqual(f.read(), plain)

                # Signing the same inputs again gives a signature that verifies to the same profile. EC
                # signatures carry a fresh nonce each time, so only RSA (PKCS#1 v1.5) repeats its bytes.
                again = os.path.join(tmp, "again.mobileconfig")
                subprocess.run([CLI, "render", *args, "-o", again], check=True, capture_output=True, timeout=60)
                v = verify(tmp, again, os.path.join(tmp, "again.xml"))
                self.assertEqual(v.returncode, 0, v.stderr.decode())
                with open(os.path.join(tmp, "again.xml"), "rb") as f:
                    self.assertEqual(f.read(), plain)
                if algorithm.startswith("rsa"):
                    with open(signed, "rb") as a, open(again, "rb") as b:
                        self.assertEqual(a.read(), b.read())

                # One flipped byte inside the profile text breaks the signature.
                with open(signed, "rb") as f:
                    der = bytearray(f.read())
                offset = der.find(b"F2LXK1ABCD")
                self.assertGreater(offset, 0)
                der[offset] ^= 0x01
                tampered = os.path.join(tmp, "tampered.mobileconfig")
                with open(tampered, "wb") as f:
                    f.write(der)
                self.assertNotEqual(verify(tmp, tampered, os.path.join(tmp, "t.xml")).returncode, 0)

    def test_install_command_carries_the_signed_profile(self):
        import plistlib
        with tempfile.TemporaryDirectory() as tmp:
            identity = Identity(tmp, "p256", "sec1", False)
            common = [POLICY, "--device", DEVICE, "--now", NOW, "--sign-cert", identity.path("signer.pem"),
                      "--sign-key", identity.path("signer.key")]
            command = subprocess.run([CLI, "render", *common, "--format", "install-command"], capture_output=True,
                                     timeout=60)
            self.assertEqual(command.returncode, 0, command.stderr.decode())
            payload = plistlib.loads(command.stdout)["Command"]["Payload"]
            with open(os.path.join(tmp, "payload.der"), "wb") as f:
                f.write(payload)
            self.assertEqual(verify(tmp, os.path.join(tmp, "payload.der"), os.path.join(tmp, "p.xml")).returncode, 0)

    def test_mismatched_key_is_an_error_and_writes_nothing(self):
        with tempfile.TemporaryDirectory() as tmp:
            identity = Identity(tmp, "p256", "sec1", False)
            out = os.path.join(tmp, "out.mobileconfig")
            r = subprocess.run([CLI, "render", POLICY, "--device", DEVICE, "--now", NOW, "--sign-cert",
                                identity.path("signer.pem"), "--sign-key", identity.path("root.key"), "-o", out],
                               capture_output=True, timeout=60)
            self.assertEqual(r.returncode, 1)
            self.assertIn(b"render.signing_material_invalid", r.stderr)
            self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    CLI = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)
