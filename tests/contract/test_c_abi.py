"""Every answer of the C ABI (libacmepolicy.so through ctypes) to the calls of calls.py matches its schema in
docs/schemas/, and every mutated copy of it does not. Environment: ACMEPOLICY_LIB (the library's path)."""

import collections
import os
import unittest

import calls
from c_abi_host import CAbi
from contract_case import ContractCase


class CAbiAnswers(ContractCase):
    def test_every_answer_matches_its_schema(self):
        lib = CAbi(os.environ["ACMEPOLICY_LIB"])
        statuses = collections.defaultdict(set)
        for c in calls.all_calls():
            status, document = lib.answer(c["function"], c["inputs"])
            statuses[c["function"]].add(status)
            with self.subTest(call=c["label"]):
                self.assertMatches(document, c["schema"], c["label"], open_paths=c["open"])
        # The calls reach both the answer and the refusal of each function (status 0 ok, 1 invalid input).
        for function in ("validate", "validate_set", "render", "resolve", "explain", "plan", "inspect_certificate",
                         "parse_certificate_list", "certificate_status", "plan_renewals", "parse_plist"):
            self.assertIn(1, statuses[function], f"{function}: no invalid input was answered")
            if function != "validate_set":
                self.assertIn(0, statuses[function], f"{function}: no call succeeded")


if __name__ == "__main__":
    unittest.main()
