#!/usr/bin/env python3
"""Property tests of the REST API: schemathesis (pinned, with hashes, in a venv of the build tree) generates
requests from docs/openapi.yaml against `acmepolicy serve` on an embedded SQLite store with an admin token,
for a bounded time. Every check must pass: no 5xx, every answer a documented status whose body matches its
schema, a request without the token refused (401) on every operation that needs one, unknown methods 405.

Usage: run_schemathesis.py --binary ACMEPOLICY --venv DIR [--seconds N] [--seed N]"""

import argparse
import hashlib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
REQUIREMENTS = os.path.join(HERE, "schemathesis-requirements.txt")
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "server"))
import harness  # noqa: E402

# Checks left out, and why:
# - positive_data_acceptance: a policy or device that matches its JSON Schema may still break a rule only the
#   core checks (a DirectoryURL that is not https, a KeySize for the wrong curve); the core's 422 is right.
# - unsupported_method: a method cpp-httplib cannot read at all (QUERY) is answered 400 and the connection
#   closed, not 405; the methods it reads but no route takes (TRACE, ...) are 405 with Allow, which
#   tests/server/test_hostile.py checks.
EXCLUDED_CHECKS = ["positive_data_acceptance", "unsupported_method"]


def ensure_venv(venv):
    """Creates the venv and installs the pinned requirements when they changed since the last install."""
    with open(REQUIREMENTS, "rb") as f:
        wanted = hashlib.sha256(f.read()).hexdigest()
    stamp = os.path.join(venv, "requirements.sha256")
    if os.path.exists(stamp) and open(stamp).read().strip() == wanted and \
            os.path.exists(os.path.join(venv, "bin", "schemathesis")):
        return
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--clear", venv], check=True)
    subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check",
                    "--require-hashes", "--no-deps", "--only-binary", ":all:", "-r", REQUIREMENTS], check=True)
    with open(stamp, "w") as f:
        f.write(wanted + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--venv", required=True)
    parser.add_argument("--seconds", type=int, default=150, help="schemathesis's time budget (the run stops then)")
    parser.add_argument("--seed", type=int, default=20261201, help="fixed, so that a failure reproduces")
    args = parser.parse_args()
    args.venv = os.path.abspath(args.venv)
    ensure_venv(args.venv)
    harness.BINARY = os.path.abspath(args.binary)
    with harness.TempDir() as workdir:
        server = harness.Server(workdir).start()
        try:
            run = subprocess.run(
                [os.path.join(args.venv, "bin", "schemathesis"), "run", os.path.join(SOURCE_DIR, "docs", "openapi.yaml"),
                 "--url", f"http://127.0.0.1:{server.port}", "-H", f"Authorization: Bearer {server.token}",
                 "--checks", "all", "--exclude-checks", ",".join(EXCLUDED_CHECKS),
                 # Not the coverage phase: on Debian 12's Python 3.11.2 it stops the run with "SystemError: AST
                 # constructor recursion depth mismatch" (a CPython bug in ast.parse at deep recursion, fixed in
                 # 3.11.5) while it derives cases from the policy schema; fuzzing and stateful cover the routes.
                 "--phases", "examples,fuzzing,stateful",
                 "--max-time", str(args.seconds), "--seed", str(args.seed), "--workers", "2", "--no-color",
                 "--generation-database", "none", "--report-dir", os.path.join(workdir, "report")],
                cwd=workdir, timeout=args.seconds + 120)
        finally:
            server.stop()  # also fails on a crash or a sanitizer report
    print(f"schemathesis: exit {run.returncode}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
