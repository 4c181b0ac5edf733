"""Every result of the wasm package (Node, the JavaScript API) to the calls of calls.py, with index.js's
documented additions taken off, is the C ABI's answer to the same call and matches its schema in
docs/schemas/. The additions (index.d.ts, index.js): `status` on every result but version() and schema();
`output` on render (and a null `content_type` when nothing rendered), and when the core answered an error document, `ok`, the `format` asked for and a null
`content_type`; an `error` answer also gets its one diagnostic. Environment: ACMEPOLICY_WASM_PKG, ACMEPOLICY_LIB, ACMEPOLICY_NODE."""

import json
import os
import subprocess
import tempfile
import unittest

import calls
from c_abi_host import CAbi
from contract_case import ContractCase

HERE = os.path.dirname(os.path.abspath(__file__))
STATUS_NAMES = ["ok", "invalid_input", "bad_arguments", "not_found", "internal_error"]


def facade_answer(function, result, test):
    """The facade's document inside a wasm result, checking each addition is the documented one."""
    document = dict(result)
    status = document.pop("status", "ok" if function in ("version", "schema") else None)
    test.assertIn(status, STATUS_NAMES)
    if function == "render":
        output = document.pop("output")
        test.assertEqual(output is None, status != "ok", "render: output is set exactly when it rendered")
        if "error" not in document and document.get("content_type", "") is None:
            del document["content_type"]  # nothing rendered: the core names no content type
    if "error" in document:
        error = document["error"]
        test.assertEqual(document.pop("diagnostics"),
                         [{"severity": "error", "code": error["code"], "path": "", "message": error["message"]}])
        if function == "render":
            test.assertIs(document.pop("ok"), False)
            test.assertIsNone(document.pop("content_type"))
            document.pop("format")
    return status, document


class WasmResults(ContractCase):
    def test_every_result_is_the_facade_answer_and_matches_its_schema(self):
        every = calls.all_calls()
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(every, f)
        try:
            run = subprocess.run([os.environ.get("ACMEPOLICY_NODE", "node"), os.path.join(HERE, "wasm_host.mjs"),
                                  os.environ["ACMEPOLICY_WASM_PKG"], f.name], capture_output=True, text=True)
        finally:
            os.unlink(f.name)
        self.assertEqual(run.returncode, 0, run.stderr[-2000:])
        results = {r["label"]: r["result"] for r in json.loads(run.stdout)}
        lib = CAbi(os.environ["ACMEPOLICY_LIB"])
        answered = 0
        for c in every:
            if c["label"] not in results:
                self.assertEqual(c["function"], "verify_client_token", "only client tokens stay off the wasm API")
                continue
            result = results[c["label"]]
            with self.subTest(call=c["label"]):
                if "thrown" in result:
                    # JavaScript refuses an option of the wrong type before the core sees it (a TypeError).
                    self.assertEqual(c["schema"], calls.FACADE_ERROR, result["thrown"])
                    self.assertTrue(result["thrown"].startswith("TypeError"), result["thrown"])
                    continue
                status, document = facade_answer(c["function"], result, self)
                c_status, c_document = lib.answer(c["function"], c["inputs"])
                self.assertEqual(status, STATUS_NAMES[c_status])
                self.assertEqual(document, c_document)
                self.assertMatches(document, c["schema"], c["label"], mutate=False)
                answered += 1
        self.assertGreater(answered, 100)


if __name__ == "__main__":
    unittest.main()
