"""Where a test pass's time goes, by kind of test, from pytest's JUnit XML report.

usage: python scripts/time_by_kind.py REPORT.xml [REPORT.xml ...]

Kinds: browser (tests/browser), demo-building (test_demo.py, test_seed_demo.py),
transactional (test_concurrency.py: real threads and commits), plain (the rest). Times are
per test (setup + call + teardown) summed over both workers, so they add up to more than the
pass's wall time.
"""

import sys
import xml.etree.ElementTree as ET
from collections import defaultdict


def kind(classname: str) -> str:
    path = classname.replace(".", "/")
    if path.startswith("tests/browser/"):
        return "browser"
    if "/test_demo" in path or "/test_seed_demo" in path:
        return "demo-building"
    if "/test_concurrency" in path:
        return "transactional"
    return "plain"


def main(paths):
    for path in paths:
        seconds, counts = defaultdict(float), defaultdict(int)
        for case in ET.parse(path).iter("testcase"):
            k = kind(case.get("classname", ""))
            seconds[k] += float(case.get("time", 0))
            counts[k] += 1
        total = sum(seconds.values()) or 1
        print(f"\n{path}: test time by kind (summed over workers)")
        print("| kind | tests | seconds | share |\n|---|---:|---:|---:|")
        for k in sorted(seconds, key=seconds.get, reverse=True):
            print(f"| {k} | {counts[k]} | {seconds[k]:.0f} | {seconds[k] / total:.0%} |")


if __name__ == "__main__":
    main(sys.argv[1:])
