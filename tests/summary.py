#!/usr/bin/env python3
"""Prints the closing line of a test run, "N passed, N failed, N skipped", from meson's logs."""
import json
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            r = t.get("result")
            if r in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif r == "SKIP":
                skipped += 1
                # a test that skips says why on a line starting with "SKIP"
                why = [l for l in (t.get("stdout") or "").splitlines() if l.startswith("SKIP")]
                print(f"skipped {t.get('name')}: {why[0] if why else '(no reason given)'}")
            else:
                failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
