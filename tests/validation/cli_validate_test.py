#!/usr/bin/env python3
"""`acmepolicy validate` end to end: the bundled examples pass, every failing example exits 1 with its
expected code at its expected path, and usage/I-O problems exit 2.

usage: cli_validate_test.py PATH/TO/acmepolicy SOURCE_DIR
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

CLI, SOURCE = sys.argv[1], sys.argv[2]
EXAMPLES = os.path.join(SOURCE, "examples", "policies")
failures = []


def run(*args, stdin=None):
    result = subprocess.run([CLI, "validate", *args], input=stdin, capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout, result.stderr


def check(condition, what):
    if not condition:
        failures.append(what)


# The good examples validate cleanly, alone and as a set.
good = sorted(glob.glob(os.path.join(EXAMPLES, "*.json")))
check(len(good) >= 2, "expected at least corp-acme.json and step-ca.json")
for path in good:
    code, out, err = run(path)
    check(code == 0, f"{path}: exit {code}, expected 0\n{out}{err}")
code, out, err = run(os.path.join(EXAMPLES, "corp-acme.json"), os.path.join(EXAMPLES, "step-ca.json"), "--strict")
check(code == 0, f"corp-acme + step-ca as a set with --strict: exit {code}\n{out}{err}")

def check_set_example(name, path, other, want_code, want_path):
    """A finding that only a set can make: FILE alone is valid, FILE OTHER together are not."""
    code, out, err = run(path)
    check(code == 0, f"{name}: alone it must be valid (exit 0), got {code}\n{out}{err}")
    code, out, err = run("--format", "json", path, other)
    check(code == 1, f"{name} with {other}: exit {code}, expected 1\n{out}{err}")
    try:
        found = json.loads(out)["diagnostics"]
    except (ValueError, KeyError):
        failures.append(f"{name}: output is not the JSON result:\n{out}{err}")
        return
    check(any(d["code"] == want_code and d["path"] == "/0" + want_path and d["file"] == path for d in found),
          f"{name}: expected {want_code} at /0{want_path}, got {[(d['code'], d['path']) for d in found]}")
    code, out, err = run(path, other)
    check(re.search(re.escape(f"{path}:{want_path}: ") + r"error\[" + re.escape(want_code) + r"\]: \S", out)
          is not None, f"{name}: text output lacks the {want_code} line:\n{out}")


# Every failing example: exit 1 with the expected code at the expected path.
manifest = os.path.join(SOURCE, "tests", "validation", "examples_expected.tsv")
listed = set()
with open(manifest, encoding="utf-8") as f:
    for line in f:
        if line.startswith("#") or not line.strip():
            continue
        name, option, want_code, want_path = line.rstrip("\n").split("\t")
        listed.add(name)
        path = os.path.join(EXAMPLES, name)
        if option.startswith("set="):
            check_set_example(name, path, os.path.join(EXAMPLES, option[len("set="):]), want_code, want_path)
            continue
        options = [] if option == "-" else [option]
        code, out, err = run(*options, "--format", "json", path)
        check(code == 1, f"{name}: exit {code}, expected 1\n{out}{err}")
        try:
            found = json.loads(out)["files"][0]["diagnostics"]
        except (ValueError, KeyError, IndexError):
            failures.append(f"{name}: output is not the JSON result:\n{out}{err}")
            continue
        check(any(d["code"] == want_code and d["path"] == want_path for d in found),
              f"{name}: expected {want_code} at {want_path}, got {[(d['code'], d['path']) for d in found]}")
        if option == "--strict":
            code, out, err = run(path)
            check(code == 0, f"{name}: warnings alone must exit 0 without --strict, got {code}\n{out}")
        # The text form names the file, the path, the severity and the code like a compiler.
        code, out, err = run(*options, path)
        check(re.search(re.escape(f"{path}:{want_path}: ") + r"(error|warning|info)\[" + re.escape(want_code) + r"\]: \S",
                        out) is not None, f"{name}: text output lacks the {want_code} line:\n{out}")
for path in glob.glob(os.path.join(EXAMPLES, "invalid", "*.json")):
    check(os.path.relpath(path, EXAMPLES) in listed, f"{path} has no expectation in {manifest}")

with tempfile.TemporaryDirectory() as scratch:
    # Invalid JSON: exit 2 with line and column.
    broken = os.path.join(scratch, "broken.json")
    with open(broken, "w") as f:
        f.write('{\n  "name": "x",\n  "payload": {,}\n}\n')
    code, out, err = run(broken)
    check(code == 2, f"invalid JSON: exit {code}, expected 2")
    check("error[json.syntax]" in out and "line 3, column" in out, f"invalid JSON lacks line and column:\n{out}")

    # Names unique ignoring case across files: a set-level error on the second file.
    corp = json.load(open(os.path.join(EXAMPLES, "corp-acme.json")))
    corp["id"] = "corp-acme-copy"
    corp["name"] = corp["name"].upper()
    copy = os.path.join(scratch, "copy.json")
    with open(copy, "w") as f:
        json.dump(corp, f)
    code, out, err = run(os.path.join(EXAMPLES, "corp-acme.json"), copy)
    check(code == 1, f"duplicate names: exit {code}, expected 1\n{out}")
    check(f"{copy}:/name: error[set.duplicate_name]" in out, f"duplicate names: no set finding on {copy}:\n{out}")
    code, out, err = run("--format=json", os.path.join(EXAMPLES, "corp-acme.json"), copy)
    document = json.loads(out)
    check(document["valid"] is False and document["diagnostics"][0]["code"] == "set.duplicate_name"
          and document["diagnostics"][0]["file"] == copy, f"set finding in JSON output:\n{out}")
    check([f["valid"] for f in document["files"]] == [True, True], "each file alone is valid")

    # Usage and I/O errors.
    for args, what in [((os.path.join(scratch, "missing.json"),), "missing file"),
                       ((), "no file"),
                       (("--format", "xml", broken), "unknown format"),
                       (("--now", "yesterday", broken), "malformed --now"),
                       (("--frobnicate", broken), "unknown option")]:
        code, out, err = run(*args)
        check(code == 2, f"{what}: exit {code}, expected 2\n{out}{err}")
        check(err.strip() != "", f"{what}: nothing on stderr")

# Standard input.
with open(os.path.join(EXAMPLES, "corp-acme.json"), encoding="utf-8") as f:
    code, out, err = run("-", stdin=f.read())
check(code == 0 and "1 file checked: 0 errors, 0 warnings" in out, f"stdin: exit {code}\n{out}{err}")
code, out, err = run("--help")
check(code == 0 and "--strict" in out, "--help")

if failures:
    print("\n\n".join(failures))
    sys.exit(1)
print("acmepolicy validate: all checks passed")
