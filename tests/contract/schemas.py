"""The schemas of docs/schemas/ as validators: every file loaded once into one store, so that relative
references ("common.json#/$defs/diagnostic", "../policy.json") resolve without touching the network.
Uses Debian's python3-jsonschema (Draft 2020-12)."""

import json
import os

import jsonschema
from jsonschema import Draft202012Validator

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA_DIR = os.path.join(SOURCE_DIR, "docs", "schemas")


def uri_of(path):
    """The file: URI a schema file is stored under (its references resolve relative to it)."""
    return "file://" + os.path.abspath(path)


def _load_store():
    store = {}
    for folder, _, files in os.walk(SCHEMA_DIR):
        for name in files:
            if name.endswith(".json"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    store[uri_of(path)] = json.load(f)
    return store


STORE = _load_store()


def names():
    """Every schema file, relative to docs/schemas/ ("policy.json", "rest/error.json")."""
    prefix = uri_of(SCHEMA_DIR) + "/"
    return sorted(uri[len(prefix):] for uri in STORE)


def validator(name):
    """A validator for docs/schemas/<name>; `name` may carry a fragment ("resolution.json#/$defs/counts")."""
    file, _, fragment = name.partition("#")
    uri = uri_of(os.path.join(SCHEMA_DIR, file))
    schema = STORE[uri]
    if fragment:
        schema = {"$ref": uri + "#" + fragment}
    # RefResolver is what bookworm's jsonschema 4.10 offers (newer releases keep it, deprecated).
    resolver = jsonschema.RefResolver(base_uri=uri, referrer=STORE[uri], store=STORE)
    return Draft202012Validator(schema, resolver=resolver, format_checker=Draft202012Validator.FORMAT_CHECKER)


_cache = {}


def errors(document, name):
    """The validation errors of `document` against docs/schemas/<name>, as readable lines (empty: valid)."""
    if name not in _cache:
        _cache[name] = validator(name)
    found = sorted(_cache[name].iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}" for e in found]


def check_schema(name):
    """Raises when docs/schemas/<name> is not itself a valid Draft 2020-12 schema."""
    Draft202012Validator.check_schema(STORE[uri_of(os.path.join(SCHEMA_DIR, name))])
