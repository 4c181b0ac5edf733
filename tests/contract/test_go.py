"""The Go binding's typed results for the calls of calls.py, marshalled back to JSON, are the C ABI's answers
(which match docs/schemas/): a key the Go types drop, rename or invent fails here. The one difference allowed
is Go's: a null the library sends reads into a non-pointer field as its zero value ("" or 0). A call the
binding refuses carries the library's whole answer, which must be the C ABI's.
Environment: ACMEPOLICY_GO, ACMEPOLICY_LIB and Go's build settings (from CTest)."""

import json
import os
import subprocess
import unittest

import calls
from c_abi_host import CAbi
from contract_case import ContractCase
from schemas import SOURCE_DIR


def differences(go, c, path=""):
    """Where `go` (the binding's value marshalled) differs from `c` (the library's answer)."""
    if c is None and go in ("", 0, None):
        return []
    if isinstance(c, dict) and isinstance(go, dict):
        out = [f"{path}/{k}: only in the Go value" for k in go.keys() - c.keys()]
        out += [f"{path}/{k}: missing in the Go value" for k in c.keys() - go.keys()]
        for k in go.keys() & c.keys():
            out += differences(go[k], c[k], f"{path}/{k}")
        return out
    if isinstance(c, list) and isinstance(go, list) and len(c) == len(go):
        out = []
        for i, (g, v) in enumerate(zip(go, c)):
            out += differences(g, v, f"{path}/{i}")
        return out
    if c == [] and go is None:  # a nil slice marshals as null
        return []
    return [] if go == c and type(go) is type(c) else [f"{path}: Go {json.dumps(go)[:80]} != {json.dumps(c)[:80]}"]


class GoDecoding(ContractCase):
    def test_the_typed_results_are_the_library_answers(self):
        every = calls.all_calls()
        run = subprocess.run([os.environ["ACMEPOLICY_GO"], "run", "-tags", "acmepolicy_intree", "./cmd/contract-answers"],
                             cwd=os.path.join(SOURCE_DIR, "host-adapters", "go"), input=json.dumps(every),
                             capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr[-2000:])
        results = {r["label"]: r for r in json.loads(run.stdout)}
        lib = CAbi(os.environ["ACMEPOLICY_LIB"])
        typed = 0
        for c in every:
            result = results[c["label"]]
            if result.get("skip"):
                # Only options a Go caller cannot even write (a number for "now") are skipped.
                self.assertEqual(result["skip"], "options", c["label"])
                continue
            _, answer = lib.answer(c["function"], c["inputs"])
            with self.subTest(call=c["label"]):
                if result["typed"] is None:
                    self.assertEqual(result["error"], answer)
                else:
                    self.assertEqual(differences(result["typed"], answer), [])
                    typed += 1
        self.assertGreater(typed, 100)


if __name__ == "__main__":
    unittest.main()
