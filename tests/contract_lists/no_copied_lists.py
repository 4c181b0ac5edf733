#!/usr/bin/env python3
"""No host outside the core writes down one of the core's lists: the portal (web/) and the Go binding and
hook (host-adapters/go/) build pickers, columns and constants from schema() instead.

The lists are taken from `acmepolicy schema` at test time (nothing is hard-coded here): template variables,
device-record keys and the spellings of enumerated device-record keys, payload keys and the SubjectAltName
keys, assignment names (exclusion reasons, warnings, fallback conditions), and key sizes.

A list counts as written when one literal list (an array, a map of pairs, nested arrays, an array of objects:
string literals with nothing but brackets, commas, colons and member names between them; comments are left
out first) names at least half of its
members (and at least three), or when an array of integers repeats a key-size rule. Code that tests a few
values (`x == "ade" || x == "user"`) is not a list. Test files (*_test.go, *.test.mjs, test folders) and
fixtures (testdata/) are allowed to: they hold example documents. Words *for* the core's names (label maps
keyed by an unquoted name, looked up with a fallback) are presentation, not a copy. ALLOWED lists the few
deliberate exceptions, each with its reason.

Usage: no_copied_lists.py ACMEPOLICY_BINARY SOURCE_DIR [--self-test]
--self-test proves the check can fail: every list of the schema, written as a JavaScript array, a Go slice,
an array of objects and a Go map, must be found; code testing a few values and label maps must not."""
import json
import math
import os
import re
import subprocess
import sys

BINARY, SOURCE = sys.argv[1], sys.argv[2]
SELF_TEST = sys.argv[3:] == ["--self-test"]
TREES = [os.path.join(SOURCE, "web"), os.path.join(SOURCE, "host-adapters", "go")]
EXTENSIONS = (".js", ".mjs", ".ts", ".html", ".go")
SKIP_DIRS = {"node_modules", "testdata", "test", "tests", "fixtures"}

# A string literal in JavaScript, TypeScript or Go ('...', "...", `...` without substitutions), or a comment.
LITERAL = re.compile(r"""'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`([^`$]*)`""")
TOKEN = re.compile(LITERAL.pattern + r"|(//[^\n]*|/\*.*?\*/)", re.S)
# Between two entries of one literal list: brackets, commas, colons, and the member names of objects
# ([{name: 'a', label: 'A'}, ...]).
PUNCTUATION = re.compile(r"^(?:[\s,:\[\]{}()]|[A-Za-z_]\w*\s*:)*$")

# (file relative to the source folder, list name): why that file may name those members.
ALLOWED = {
    ("web/js/devices-page.js", "device_record_keys"):
        "the table's columns are the server's sortable GET /devices fields (docs/rest-api.md), chosen and worded "
        "by the page",
}
INT_ARRAY = re.compile(r"[\[{]\s*(\d+(?:\s*,\s*\d+)+)\s*,?\s*[\]}]")


def core_lists():
    schema = json.loads(subprocess.run([BINARY, "schema"], check=True, capture_output=True).stdout)
    lists = {
        "variables": [v["name"] for v in schema["variables"]],
        "device_record_keys": [k["name"] for k in schema["device_record_keys"]],
        "payload_keys": [k["name"] for k in schema["payload_keys"]],
        "exclusion_reasons": schema["assignment"]["exclusion_reasons"],
        "assignment_warnings": schema["assignment"]["warnings"],
        "fallback_conditions": schema["assignment"]["fallback_conditions"],
    }
    for key in schema["device_record_keys"]:
        if key.get("values"):
            lists[f"device_record_keys/{key['name']}/values"] = key["values"]
    for key in schema["payload_keys"]:
        if key.get("keys"):
            lists[f"payload_keys/{key['name']}/keys"] = key["keys"]
    sizes = []
    for rule in schema["key_sizes"]:
        if not rule["allowed"]:
            continue
        name = f"key_sizes/{rule['key_type']}/hardware_bound={str(rule['hardware_bound']).lower()}"
        if rule.get("sizes"):
            sizes.append((name, set(rule["sizes"]), set(rule["sizes"]) - set(rule.get("weak", []))))
        else:
            valid = set(range(rule["min"], rule["max"] + 1, rule["multiple_of"]))
            sizes.append((name, valid, None))
    return {k: v for k, v in lists.items() if len(v) >= 3}, sizes


def sources():
    for tree in TREES:
        for folder, dirs, files in os.walk(tree):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            for name in files:
                if not name.endswith(EXTENSIONS) or name.endswith("_test.go") or ".test." in name:
                    continue
                yield os.path.join(folder, name)


def line_of(text, offset):
    return text.count("\n", 0, offset) + 1


def literal_lists(text):
    """The runs of string literals separated by punctuation only, as [(offset, [values])]; comments count as
    blank."""
    runs, current, end = [], None, 0
    for m in TOKEN.finditer(text):
        if m.group(4) is not None:  # a comment: as if it were not there
            continue
        value = next(g for g in m.groups()[:3] if g is not None)
        if current is not None and PUNCTUATION.match(TOKEN.sub(lambda c: " " if c.group(4) else c.group(0),
                                                               text[end:m.start()])):
            current[1].append(value)
        else:
            current = (m.start(), [value])
            runs.append(current)
        end = m.end()
    return runs


def copies(path, text, lists, sizes):
    found = []
    runs = literal_lists(text)
    for name, members in lists.items():
        if (path, name) in ALLOWED:
            continue
        wanted = set(members)
        need = max(3, math.ceil(len(members) / 2))
        for offset, values in runs:
            hit = wanted.intersection(values)
            if len(hit) >= need:
                found.append(f"{path}:{line_of(text, offset)}: writes {len(hit)} of the {len(members)} "
                             f"{name} ({', '.join(sorted(hit))}); read them from schema()")
    code = TOKEN.sub(lambda c: " " * len(c.group(0)) if c.group(4) else c.group(0), text)
    for m in INT_ARRAY.finditer(code):
        numbers = {int(n) for n in re.split(r"\s*,\s*", m.group(1))}
        for name, valid, suggested in sizes:
            if suggested is not None:
                copied = numbers in (valid, suggested) and len(numbers) >= 2
            else:
                copied = len(numbers) >= 3 and numbers <= valid and min(numbers) >= 1024
            if copied:
                found.append(f"{path}:{line_of(text, m.start())}: writes the {name} sizes {sorted(numbers)}; "
                             "read them from schema()")
    return found


def self_test(lists, sizes):
    failures = []
    for name, members in lists.items():
        js = ", ".join(f"'{m}'" for m in members)
        go = ", ".join(f'"{m}"' for m in members)
        samples = {
            "array": f"export const NAMES = [\n  {js},\n];\n",
            "go slice": f"var names = []string{{{go}}}\n",
            "objects": "const X = [" + ", ".join(f"{{ name: '{m}', label: 'L' }}" for m in members) + "];\n",
            "go map": "m := map[string]string{" + ", ".join(f'"{m.upper()}x": "{m}"' for m in members) + "}\n",
        }
        for kind, text in samples.items():
            if not copies("sample.js", text, {name: members}, []):
                failures.append(f"{name} written as {kind} is not found")
        logic = " || ".join(f"x === '{m}'" for m in members) + ";\n// " + js + "\n"
        labels = "const WORDS = { " + ", ".join(f"{m.replace('-', '_')}: 'Words'" for m in members) + " };\n"
        for kind, text in {"code testing values or a comment": logic, "a label map": labels}.items():
            if copies("sample.js", text, {name: members}, []):
                failures.append(f"{name}: {kind} is taken for a copy")
    for name, valid, suggested in sizes:
        numbers = sorted(suggested) if suggested is not None else [2048, 3072, 4096]
        text = f"const SIZES = [{', '.join(map(str, numbers))}];\n"
        if not copies("sample.js", text, {}, [(name, valid, suggested)]):
            failures.append(f"{name} sizes {numbers} are not found")
    for f in failures:
        print(f)
    print(f"self-test: {len(lists)} lists and {len(sizes)} key-size rules, {len(failures)} failures")
    return 1 if failures else 0


def main():
    lists, sizes = core_lists()
    if SELF_TEST:
        return self_test(lists, sizes)
    if not lists or not sizes:
        print("acmepolicy schema gave no lists to look for", file=sys.stderr)
        return 2
    problems = []
    checked = 0
    for path in sources():
        with open(path, encoding="utf-8", errors="replace") as f:
            problems += copies(os.path.relpath(path, SOURCE), f.read(), lists, sizes)
        checked += 1
    print(f"{checked} files checked against {len(lists)} lists and {len(sizes)} key-size rules")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
