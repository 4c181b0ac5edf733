"""unittest helpers of the contract suites: assert that a document matches its schema, and that the schema would
notice if it did not (a mutated copy must fail), so a schema that accepts everything cannot pass."""

import copy
import json
import re
import unittest

import schemas

# A value no schema of docs/schemas/ allows under a key it does not name (maps have typed values too).
UNEXPECTED = {"zz_unexpected": {"x": 1}}


def objects(document, path=""):
    """Every JSON object inside `document` with its JSON pointer, the document itself first."""
    if isinstance(document, dict):
        yield path, document
        for key, value in document.items():
            yield from objects(value, f"{path}/{key}")
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from objects(value, f"{path}/{index}")


def other_type(value):
    """A value of another JSON type than `value`."""
    if isinstance(value, bool) or value is None:
        return [value]
    if isinstance(value, (int, float)):
        return "12"
    if isinstance(value, str):
        return 12
    if isinstance(value, list):
        return {"list": value}
    return [value]


def is_open(path, open_paths):
    """True when `path` is, or is inside, an object that one of `open_paths` (regular expressions over JSON
    pointers) names as open."""
    return any(re.fullmatch(p + "(/.*)?", path) for p in open_paths)


def mutations(document, open_paths=()):
    """(description, mutated copy) pairs each of which a strict schema must refuse: an unknown key added to
    every object (except those `open_paths` names, documented as open), and every other top-level value
    given another JSON type."""
    for path, obj in list(objects(document)):
        if is_open(path, open_paths):
            continue
        mutated = copy.deepcopy(document)
        target = mutated
        for part in [p for p in path.split("/")[1:]]:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target.update(copy.deepcopy(UNEXPECTED))
        yield f"unknown key added at {path or '(root)'}", mutated
    if isinstance(document, dict):
        for key, value in document.items():
            if is_open(f"/{key}", open_paths):
                continue
            mutated = copy.deepcopy(document)
            mutated[key] = other_type(value)
            yield f"/{key} of another type", mutated


class ContractCase(unittest.TestCase):
    maxDiff = 4000

    def assertMatches(self, document, schema, label, open_paths=(), mutate=True):
        """`document` matches docs/schemas/<schema>, and (with `mutate`) every mutation of it does not."""
        found = schemas.errors(document, schema)
        self.assertEqual(found, [], f"{label}: does not match {schema}: {json.dumps(document)[:1500]}")
        if not mutate:
            return
        for what, mutated in mutations(document, open_paths):
            self.assertNotEqual(schemas.errors(mutated, schema), [],
                                f"{label}: {schema} accepts the answer with {what}: the schema does not bite")
