"""Every answer of the C ABI (libacmepolicy.so through ctypes) to the calls of calls.py matches its schema in
docs/schemas/, and every mutated copy of it does not; the schemas spell the core's own tables and refuse the
policies the core refuses for their shape. Environment: ACMEPOLICY_LIB (the library's path)."""

import collections
import json
import os
import unittest

import calls
import schemas
import test_drift as drift
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


class SchemasFollowTheCore(ContractCase):
    """docs/schemas/ spells what the core's own tables (schema()) and verdicts say, so neither drifts alone."""

    @classmethod
    def setUpClass(cls):
        cls.lib = CAbi(os.environ["ACMEPOLICY_LIB"])
        cls.tables = cls.lib.answer("schema", [])[1]

    def test_every_schema_is_a_draft_2020_12_schema(self):
        for name in schemas.names():
            with self.subTest(schema=name):
                schemas.check_schema(name)
                schema = schemas.STORE[schemas.uri_of(os.path.join(schemas.SCHEMA_DIR, name))]
                self.assertEqual(schema["$schema"], "https://json-schema.org/draft/2020-12/schema")
                self.assertTrue(schema.get("title"), "every schema says what it describes")

    def test_keys_and_spellings_are_the_core_tables(self):
        device, _ = drift.resolve_pointer("device-record.json#/$defs/fields")
        self.assertEqual(list(device["properties"]), [k["name"] for k in self.tables["device_record_keys"]])
        self.assertEqual(drift.resolve_pointer("device-record.json")[0]["required"],
                         [k["name"] for k in self.tables["device_record_keys"] if k["required"]])
        for key in self.tables["device_record_keys"]:
            if "values" in key:
                self.assertEqual([v for v in device["properties"][key["name"]]["enum"] if v is not None],
                                 key["values"], key["name"])
        payload, _ = drift.resolve_pointer("policy.json#/$defs/payload")
        self.assertEqual(list(payload["properties"]), [k["name"] for k in self.tables["payload_keys"]])
        self.assertEqual(payload["required"], [k["name"] for k in self.tables["payload_keys"] if k["required"]])
        json_types = {"string": "string", "integer": "integer", "boolean": "boolean", "array": "array",
                      "dictionary": "object"}
        for key in self.tables["payload_keys"]:
            self.assertEqual(payload["properties"][key["name"]]["type"], json_types[key["type"]], key["name"])
            if "keys" in key:
                self.assertEqual(list(payload["properties"][key["name"]]["properties"]), key["keys"])
        names = self.tables["assignment"]
        self.assertEqual(drift.resolve_pointer("resolution.json#/$defs/exclusion_reason")[0]["enum"],
                         names["exclusion_reasons"])
        self.assertEqual(drift.resolve_pointer("resolution.json#/$defs/fallback_condition")[0]["enum"],
                         names["fallback_conditions"])
        counts = drift.resolve_pointer("resolution.json#/$defs/counts")[0]["required"]
        self.assertEqual(counts[3:], names["exclusion_reasons"])
        for code in self.tables["codes"]:
            self.assertEqual(schemas.errors(code["code"], "common.json#/$defs/code"), [], code["code"])

    def test_the_policy_schema_refuses_what_the_core_refuses_for_its_shape(self):
        shape = {"document.not_object", "document.schema_version", "document.unknown_key", "document.missing_key",
                 "document.wrong_type"}
        checked = {"accepted": 0, "refused": 0}
        for path in calls.EXAMPLE_POLICIES + calls.INVALID_POLICIES + calls.CORPUS:
            with open(os.path.join(schemas.SOURCE_DIR, path), encoding="utf-8") as f:
                text = f.read()
            try:
                document = json.loads(text)
            except ValueError:
                continue  # not JSON: nothing for a schema to judge
            _, verdict = self.lib.answer("validate", [text, json.dumps({"now": calls.NOW})])
            codes = {d["code"] for d in verdict["diagnostics"] if d["severity"] == "error"}
            with self.subTest(file=path):
                found = schemas.errors(document, "policy.json")
                if codes & shape:
                    self.assertNotEqual(found, [], f"the core finds {codes & shape}; the schema accepts it")
                    checked["refused"] += 1
                elif verdict["valid"]:
                    self.assertEqual(found, [], "the core accepts it")
                    checked["accepted"] += 1
        self.assertGreater(checked["accepted"], 3)
        self.assertGreater(checked["refused"], 3)
