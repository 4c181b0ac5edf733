"""`acmepolicy ... --format json` over the examples and the validation corpus: every document the CLI prints
matches its schema in docs/schemas/ (and a mutated copy does not). Environment: ACMEPOLICY_CLI."""

import json
import os
import subprocess
import unittest

import calls
from contract_case import ContractCase
from schemas import SOURCE_DIR


def cli(*args, codes=(0, 1)):
    run = subprocess.run([os.environ["ACMEPOLICY_CLI"], *args], cwd=SOURCE_DIR, capture_output=True, text=True)
    if run.returncode not in codes:
        raise AssertionError(f"acmepolicy {' '.join(args)} exited {run.returncode}: {run.stderr[:1000]}")
    return json.loads(run.stdout)


INVENTORY = "examples/inventory.json"


class CliAnswers(ContractCase):
    def test_validate_each_file(self):
        for path in calls.EXAMPLE_POLICIES + calls.INVALID_POLICIES + calls.CORPUS:
            with self.subTest(file=path):
                # Exit 2 for text that is not JSON: the document is printed all the same.
                document = cli("validate", "--format", "json", "--now", calls.NOW, path, codes=(0, 1, 2))
                self.assertMatches(document, "cli-validate-answer.json", path)

    def test_validate_a_set_with_an_unreadable_file(self):
        files = calls.EXAMPLE_POLICIES + calls.CORPUS[:8] + ["no-such-file.json"]
        document = cli("validate", "--format", "json", *files, codes=(1, 2))
        self.assertEqual(document["files"][-1].get("readable"), False)
        self.assertTrue(document["diagnostics"], "the set has set-level findings")
        self.assertMatches(document, "cli-validate-answer.json", "validate set")

    def test_resolve_explain_plan(self):
        pair = ["examples/policies/corp-acme.json", "examples/policies/assign-step-ca.json"]
        fallback = ["examples/policies/attested-step-ca.json", "examples/policies/corp-acme-no-attest.json"]
        for policies in (pair, fallback, calls.CORPUS[:5]):
            with self.subTest(policies=policies):
                self.assertMatches(cli("resolve", "--inventory", INVENTORY, "--format", "json", *policies),
                                   "resolution.json", f"resolve {policies}")
        with open(os.path.join(SOURCE_DIR, INVENTORY)) as f:
            devices = [d["id"] for d in json.load(f)["devices"]]
        for device in devices:
            with self.subTest(device=device):
                self.assertMatches(cli("explain", "--inventory", INVENTORY, "--format", "json", *fallback,
                                       "--device", device), "explain.json", f"explain {device}")
        self.assertMatches(cli("plan", "--inventory", INVENTORY, "--state", "examples/state.json", "--format", "json",
                               *pair), "plan.json", "plan")

    def test_certificates_and_schema(self):
        document = cli("certificates", "--inventory", "examples/certificates/inventory.json",
                       "examples/certificates/corp-acme.json", "--format", "json", "--now", calls.CERTIFICATES_NOW)
        self.assertTrue(document["renewals"], "the example plans renewals")
        self.assertMatches(document, "renewal-plan.json", "certificates")
        self.assertMatches(cli("schema"), "schema-answer.json", "schema")


if __name__ == "__main__":
    unittest.main()
