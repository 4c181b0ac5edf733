#!/usr/bin/env python3
"""The Python peer of bench_render: the standard library's plistlib writing the same .mobileconfig.

Usage: plistlib_peer.py PROFILE.xml [ITERATIONS]

The profile is read once with plistlib.load; each timed iteration is plistlib.dumps of the whole
document (XML format, keys in their given order). Prints the median CPU time per profile over five runs
as "median_cpu_ns=<ns> bytes=<size>".
"""
import plistlib
import statistics
import sys
import time


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: plistlib_peer.py PROFILE.xml [ITERATIONS]", file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        root = plistlib.load(f)
    iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    size = len(plistlib.dumps(root, sort_keys=False))
    for _ in range(iterations // 10):  # warm-up
        plistlib.dumps(root, sort_keys=False)
    runs = []
    for _ in range(5):
        start = time.process_time_ns()
        for _ in range(iterations):
            plistlib.dumps(root, sort_keys=False)
        runs.append((time.process_time_ns() - start) / iterations)
    print(f"median_cpu_ns={statistics.median(runs):.1f} bytes={size}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
