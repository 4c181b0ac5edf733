#!/usr/bin/env python3
"""Same bytes, same verdict: every policy of the validation corpus goes through the five hosts (the CLI, the
C ABI, wasm under Node, the Go binding and the REST API of `acmepolicy serve`), and each must give the same
validity and the same diagnostics (severity, code, path and message), or the same refusal.

Usage: test_host_parity.py CLI LIBACMEPOLICY_SO WASM_PKG_DIR GO SOURCE_DIR (Go's environment from CTest)."""
import ctypes
import datetime
import glob
import json
import os
import subprocess
import sys
import unittest

CLI, LIBRARY, PKG, GO, SOURCE = sys.argv[1:6]
sys.path.insert(0, os.path.join(SOURCE, "tests", "server"))
import harness  # noqa: E402

harness.BINARY = CLI
FILES = sorted(glob.glob(os.path.join(SOURCE, "tests", "validation", "corpus", "*.json")))
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def verdict(valid, diagnostics):
    return {"valid": bool(valid),
            "diagnostics": sorted((d["severity"], d["code"], d["path"], d["message"]) for d in diagnostics)}


def by_cli():
    out = {}
    for f in FILES:
        run = subprocess.run([CLI, "validate", "--format", "json", "--now", NOW, f], capture_output=True, text=True)
        doc = json.loads(run.stdout)
        entry = doc["files"][0]
        out[f] = verdict(entry["valid"], entry["diagnostics"] + doc["diagnostics"])
    return out


class Buffer(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def by_c_abi():
    lib = ctypes.CDLL(LIBRARY)
    lib.acmepolicy_validate.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t,
                                        ctypes.POINTER(Buffer)]
    lib.acmepolicy_free.argtypes = [ctypes.POINTER(Buffer)]
    options = json.dumps({"now": NOW}).encode()
    out = {}
    for f in FILES:
        text = open(f, "rb").read()
        answer = Buffer()
        lib.acmepolicy_validate(text, len(text), options, len(options), ctypes.byref(answer))
        doc = json.loads(ctypes.string_at(answer.data, answer.len))
        lib.acmepolicy_free(ctypes.byref(answer))
        out[f] = verdict(doc["valid"], doc["diagnostics"])
    return out


def by_wasm():
    run = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "validate_wasm.mjs"), PKG, NOW, *FILES],
                         capture_output=True, text=True, check=True)
    return {f: verdict(r["valid"], r["diagnostics"]) for f, r in json.loads(run.stdout).items()}


def by_go():
    run = subprocess.run([GO, "run", "-tags", "acmepolicy_intree", "./cmd/validate-files", NOW, *FILES],
                         cwd=os.path.join(SOURCE, "host-adapters", "go"), capture_output=True, text=True)
    if run.returncode != 0:
        raise AssertionError(f"go run failed: {run.stderr}")
    return {f: verdict(r["valid"], r["diagnostics"] or []) for f, r in json.loads(run.stdout).items()}


def by_rest():
    out = {}
    with harness.TempDir() as workdir:
        server = harness.Server(workdir).start()
        try:
            for f in FILES:
                body = open(f, "rb").read()
                status, _, payload = server.request("POST", "/api/v1/policies", raw=body,
                                                    headers={"Content-Type": "application/json"})
                doc = json.loads(payload)
                if status == 201:
                    out[f] = verdict(True, doc.get("diagnostics", []))
                    server.request("DELETE", f"/api/v1/policies/{doc['id']}")  # the next file may reuse its name
                elif status in (400, 422):
                    error = doc.get("error", {})
                    out[f] = verdict(False, doc.get("diagnostics", error.get("diagnostics", [])))
                else:
                    raise AssertionError(f"{f}: REST answered {status}: {payload[:300]}")
        finally:
            server.stop()
    return out


class HostParity(unittest.TestCase):
    def test_the_corpus_gets_one_verdict_from_every_host(self):
        self.assertGreaterEqual(len(FILES), 10, "the corpus is where it should be")
        reference = by_cli()
        self.assertTrue(any(not v["valid"] for v in reference.values()), "the corpus has invalid policies")
        self.assertTrue(any(v["valid"] for v in reference.values()), "the corpus has valid policies")
        for name, host in (("C ABI", by_c_abi), ("wasm", by_wasm), ("Go", by_go), ("REST", by_rest)):
            answers = host()
            for f in FILES:
                with self.subTest(host=name, file=os.path.basename(f)):
                    self.assertEqual(answers[f], reference[f])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
