"""docs/openapi.yaml as the REST tests read it: which operation a request is, whether the status it got is
documented, and the schema its JSON body must match (a docs/schemas/ file or an inline schema)."""

import os
import re

import yaml
from jsonschema import Draft202012Validator

import schemas
from schemas import SOURCE_DIR

SPEC_PATH = os.path.join(SOURCE_DIR, "docs", "openapi.yaml")

with open(SPEC_PATH, encoding="utf-8") as _f:
    SPEC = yaml.safe_load(_f)

METHODS = ("get", "put", "post", "delete", "patch")


def _deref(node):
    while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
        target = SPEC
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _template_regex(template):
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")


OPERATIONS = []  # (method, template, regex, operation)
for _template, _item in SPEC["paths"].items():
    for _method in METHODS:
        if _method in _item:
            OPERATIONS.append((_method.upper(), _template, _template_regex(_template), _item[_method]))


def operation(method, path):
    """(template, operation) of a request path (without the query), or None."""
    path = path.split("?", 1)[0]
    for m, template, regex, op in OPERATIONS:
        if m == method and regex.match(path):
            return template, op
    return None


def roles(op):
    """The scopes an operation's security requirement names ([] when it is open)."""
    requirement = op.get("security", SPEC.get("security", []))
    out = []
    for entry in requirement:
        for values in entry.values():
            out += values
    return out


def response_schema(method, path, status, content_type):
    """(documented, schema name or None, inline schema or None) for an answer."""
    found = operation(method, path)
    if not found:
        return False, None, None
    response = found[1]["responses"].get(str(status))
    if response is None:
        return False, None, None
    response = _deref(response)
    content = response.get("content")
    if not content:
        return True, None, None
    media = content.get(content_type.split(";")[0].strip())
    if media is None:
        return False, None, None
    schema = media["schema"]
    ref = schema.get("$ref", "")
    if ref.startswith("schemas/"):
        return True, ref[len("schemas/"):], None
    return True, None, schema


def body_errors(method, path, status, content_type, body):
    """Validation errors of a JSON answer against what docs/openapi.yaml documents for it."""
    documented, name, inline = response_schema(method, path, status, content_type)
    if not documented:
        return [f"{method} {path} -> {status} {content_type}: not documented in docs/openapi.yaml"]
    if name:
        return schemas.errors(body, name)
    if inline is not None:
        return [e.message for e in Draft202012Validator(inline).iter_errors(body)]
    return []
