"""The hosts' types agree with docs/schemas/: wasm/index.d.ts's interfaces and the Go binding's structs are
parsed (no compiler needed) and each document type must name exactly the keys its schema names, so a key
added on one side only fails here. Every exported interface and every struct with JSON tags must be listed
below, as a document (with its schema) or as something else (options, errors), so a new type cannot slip by.
The REST routes the server registers must be the paths of docs/openapi.yaml."""

import glob
import os
import re
import unittest

import yaml

import schemas
from schemas import SCHEMA_DIR, SOURCE_DIR, STORE, uri_of

# index.d.ts interface -> schema (with fragment); the keys index.js adds to results are left out of the check.
DTS_DOCUMENTS = {
    "Diagnostic": "common.json#/$defs/diagnostic",
    "CallError": "common.json#/$defs/facade_error/properties/error",
    "Policy": "policy.json",
    "FallbackMove": "resolution.json#/$defs/fallback_move",
    "DeviceRecord": "device-record.json",
    "Inventory": "inventory.json",
    "ValidateResult": "validate-answer.json",
    "ValidateSetResult": "validate-set-answer.json",
    "RenderResult": "render-answer.json",
    "PolicyResolution": "resolution.json#/$defs/policy_resolution",
    "ResolveResult": "resolution.json",
    "ExplainResult": "explain.json",
    "PlanResult": "plan.json",
    "CertificateInfo": "certificate-info.json",
    "DeviceCertificateInfo": "common.json#/$defs/device_certificate",
    "CertificateListResult": "certificate-list-answer.json",
    "CertificateListEntry": "certificate-inventory.json#/$defs/entry/properties/certificates/items",
    "CertificateInventoryEntry": "certificate-inventory.json#/$defs/entry",
    "CertificateInventory": "certificate-inventory.json",
    "CertificateStatus": "certificate-status.json",
    "PlannedRenewal": "renewal-plan.json#/oneOf/0/properties/renewals/items",
    "RenewalPlan": "renewal-plan.json",
    "VersionInfo": "version.json",
    "Schema": "schema-answer.json",
    "PlistResult": "plist-answer.json",
    "PolicyTargets": "policy-targets.json",
}
DTS_OTHERS = {"LoadOptions", "Outcome", "TimeOptions", "RenderOptions", "RenewalOptions", "MemoryStats", "AcmePolicy"}
DTS_ADDED = {"status", "error", "output"}  # Outcome's keys and render's output (index.js)

# Go struct -> schema. Fields tagged json:"-" are not keys.
GO_DOCUMENTS = {
    "Diagnostic": "common.json#/$defs/diagnostic",
    "Report": "validate-answer.json",
    "PolicyReport": "validate-set-answer.json#/properties/policies/items",
    "SetReport": "validate-set-answer.json",
    "RenderResult": "render-answer.json",
    "Warning": "common.json#/$defs/warning",
    "Inclusion": "resolution.json#/$defs/inclusion",
    "Exclusion": "resolution.json#/$defs/exclusion",
    "FallbackMove": "resolution.json#/$defs/fallback_move",
    "FallbackRoute": "explain.json#/oneOf/0/properties/included_via_fallback",
    "PolicyResolution": "resolution.json#/$defs/policy_resolution",
    "Resolution": "resolution.json",
    "Explanation": "explain.json#/oneOf/0",
    "PlanAction": "plan.json#/properties/actions/items",
    "ReconciliationPlan": "plan.json",
    "Certificate": "certificate-info.json#/oneOf/0",
    "VersionInfo": "version.json",
    "DeviceCertificate": "common.json#/$defs/device_certificate",
    "CertificateList": "certificate-list-answer.json",
    "CertificateEntry": "certificate-inventory.json#/$defs/entry/properties/certificates/items",
    "InventoryEntry": "certificate-inventory.json#/$defs/entry",
    "CertificateInventory": "certificate-inventory.json",
    "RenewalRule": "certificate-status.json#/oneOf/0/properties/rule",
    "CertificateStatus": "certificate-status.json#/oneOf/0",
    "PlannedRenewal": "renewal-plan.json#/oneOf/0/properties/renewals/items",
    "RenewalDay": "renewal-plan.json#/oneOf/0/properties/per_day/items",
    "RenewalSummary": "renewal-plan.json#/oneOf/0/properties/summary",
    "RenewalPlan": "renewal-plan.json#/oneOf/0",
    "SchemaInfo": "schema-answer.json",
    "SchemaVariable": "schema-answer.json#/properties/variables/items",
    "DeviceRecordKey": "schema-answer.json#/properties/device_record_keys/items",
    "PayloadKey": "schema-answer.json#/properties/payload_keys/items",
    "KeySizeRule": "schema-answer.json#/properties/key_sizes/items",
    "CodeInfo": "schema-answer.json#/properties/codes/items",
    "AssignmentNames": "schema-answer.json#/properties/assignment",
    "AttestationHardware": "schema-answer.json#/properties/attestation_hardware",
    "AttestationFamily": "schema-answer.json#/properties/attestation_hardware/properties/families/items",
    "Targets": "policy-targets.json",
    "CheckinRecord": "checkin-answer.json#/oneOf/0",
}
GO_OTHERS = {"ValidateOptions", "Signing", "RenderOptions", "ClientTokenRequest", "ResolveOptions", "RenewalOptions",
             "Error", "CheckinOptions", "RemoveOptions"}


def resolve_pointer(name):
    """The schema object docs/schemas/<file>#<pointer> names."""
    file, _, fragment = name.partition("#")
    node = STORE[uri_of(os.path.join(SCHEMA_DIR, file))]
    for part in [p for p in fragment.split("/") if p]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node, file


def schema_keys(name):
    """The property names a schema gives its object: its own, and those of the branches and references it is
    made of (allOf, oneOf, anyOf, if/then/else)."""
    node, file = resolve_pointer(name)
    keys = set(node.get("properties", {}))
    if "$ref" in node:
        ref = node["$ref"]
        target = ref if not ref.startswith("#") else file + ref
        keys |= schema_keys(os.path.normpath(os.path.join(os.path.dirname(file), target)) if not ref.startswith("#")
                            else target)
    for combinator in ("allOf", "oneOf", "anyOf"):
        for i, _ in enumerate(node.get(combinator, [])):
            keys |= schema_keys(f"{name if '#' in name else name + '#'}/{combinator}/{i}")
    return keys


def matching_brace(text, start):
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced braces")


def dts_interfaces(text):
    """interface name -> the property names at its top level (index signatures excluded)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    out = {}
    for m in re.finditer(r"export interface (\w+)(?: extends [\w, ]+)? \{", text):
        end = matching_brace(text, m.end() - 1)
        body = text[m.end():end]
        keys, depth, token = set(), 0, ""
        for line in re.split(r"(?<=;)|\n", body):
            if depth == 0:
                k = re.match(r"\s*(\w+)\??\s*[:(]", line)
                if k and not re.match(r"\s*\w+\s*\(", line):
                    keys.add(k.group(1))
            depth += line.count("{") + line.count("(") - line.count("}") - line.count(")")
        out[m.group(1)] = keys
    return out


def go_structs(text):
    """struct name -> the JSON keys of its fields (json:"-" excluded; nested anonymous structs skipped)."""
    out = {}
    for m in re.finditer(r"^type (\w+) struct \{", text, flags=re.M):
        end = matching_brace(text, m.end() - 1)
        body = text[m.end():end]
        keys, depth = set(), 0
        for line in body.split("\n"):
            after = depth + line.count("{") - line.count("}")
            # A field at the top level, or the tag after a nested struct's closing brace.
            if depth == 0 or (after == 0 and line.strip().startswith("}")):
                tag = re.search(r'`json:"([^",]*)', line)
                if tag and tag.group(1) != "-":
                    keys.add(tag.group(1))
            depth = after
        if keys and m.group(1)[0].isupper():  # exported structs that travel as JSON
            out[m.group(1)] = keys
    return out


class TypesAgreeWithSchemas(unittest.TestCase):
    maxDiff = None

    def test_index_d_ts(self):
        with open(os.path.join(SOURCE_DIR, "wasm", "index.d.ts"), encoding="utf-8") as f:
            interfaces = dts_interfaces(f.read())
        self.assertEqual(set(interfaces) - set(DTS_DOCUMENTS) - DTS_OTHERS, set(),
                         "a new interface of index.d.ts: map it to its schema here")
        for name, schema in DTS_DOCUMENTS.items():
            with self.subTest(interface=name):
                self.assertIn(name, interfaces)
                self.assertEqual(sorted(interfaces[name] - DTS_ADDED), sorted(schema_keys(schema)), schema)

    def test_go_binding(self):
        structs = {}
        for path in glob.glob(os.path.join(SOURCE_DIR, "host-adapters", "go", "acmepolicy", "*.go")):
            if not path.endswith("_test.go"):
                with open(path, encoding="utf-8") as f:
                    structs.update(go_structs(f.read()))
        self.assertEqual(set(structs) - set(GO_DOCUMENTS) - GO_OTHERS, set(),
                         "a new struct of the Go binding: map it to its schema here")
        for name, schema in GO_DOCUMENTS.items():
            with self.subTest(struct=name):
                self.assertIn(name, structs)
                self.assertEqual(sorted(structs[name]), sorted(schema_keys(schema)), schema)

    def test_the_parsers_see_keys(self):
        # The parsers themselves: a key added to a type is seen (so the checks above can fail).
        self.assertEqual(dts_interfaces("export interface A extends B {\n  a: string;\n  b?: { c: number };\n"
                                        "  [key: string]: unknown;\n  f(x: number): void;\n}"), {"A": {"a", "b"}})
        self.assertEqual(go_structs('type A struct {\n\tX string `json:"x,omitempty"`\n\tY []struct {\n'
                                    '\t\tZ int `json:"z"`\n\t} `json:"y"`\n\tM int `json:"-"`\n}'), {"A": {"x", "y"}})
        self.assertEqual(schema_keys("explain.json"),
                         {"policy", "device", "included", "reason", "included_via_fallback", "message", "warnings",
                          "diagnostics"})


def server_routes():
    """(method, path with {} for each captured segment) of every route the server's REST files register: the
    pattern is the concatenation of string literals and the `id` capture ("([^/]+)")."""
    routes = set()
    for path in glob.glob(os.path.join(SOURCE_DIR, "host-adapters", "server", "rest_*.cpp")):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in re.finditer(r'r\.add\("(\w+)",\s*(.*?),\s*\[', text, flags=re.S):
            parts = re.findall(r'"((?:[^"\\]|\\.)*)"|\b(id)\b', m.group(2))
            pattern = "".join("([^/]+)" if ident else literal.replace("\\\\", "\\") for literal, ident in parts)
            routes.add((m.group(1), re.sub(r"\(\[\^/\]\+\)|\(\[0-9\]\{1,18\}\)", "{}", pattern)))
    return routes


class OpenApiMatchesTheRouter(unittest.TestCase):
    def test_every_route_is_described_and_nothing_else(self):
        with open(os.path.join(SOURCE_DIR, "docs", "openapi.yaml"), encoding="utf-8") as f:
            spec = yaml.safe_load(f)
        described = set()
        for path, item in spec["paths"].items():
            for method in item:
                if method in ("get", "put", "post", "delete", "patch"):
                    described.add((method.upper(), re.sub(r"\{[^}]+\}", "{}", path)))
        routes = server_routes()
        self.assertGreater(len(routes), 30)
        self.assertEqual(sorted(routes - described), [], "routes the server has that docs/openapi.yaml lacks")
        self.assertEqual(sorted(described - routes), [], "paths of docs/openapi.yaml the server does not have")

    def test_every_schema_reference_exists(self):
        with open(os.path.join(SOURCE_DIR, "docs", "openapi.yaml"), encoding="utf-8") as f:
            text = f.read()
        refs = set(re.findall(r'\$ref: "(schemas/[^"#]+)', text))
        self.assertGreater(len(refs), 15)
        for ref in refs:
            self.assertTrue(os.path.exists(os.path.join(SOURCE_DIR, "docs", ref)), ref)


if __name__ == "__main__":
    unittest.main()
