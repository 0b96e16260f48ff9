#!/usr/bin/env python3
"""vx_json_digest against an independent model: the canonical form (keys sorted by their
UTF-8 bytes, numbers as %.17g with 2 and 2.0 the same, strings with only '"' and '\\'
escaped and control characters as \\u00XX, no whitespace) written here with Python's json
and hashlib. Also: reformatting and reordering keep the digest, any change of value changes
it.   json_digest.py TEST_JSON_DIGEST_BINARY"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile


def canon(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return "%.17g" % float(v)
    if isinstance(v, str):
        out = []
        for ch in v:
            if ch in '"\\':
                out.append("\\" + ch)
            elif ord(ch) < 0x20:
                out.append("\\u%04x" % ord(ch))
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    if isinstance(v, list):
        return "[" + ",".join(canon(x) for x in v) + "]"
    keys = sorted(v, key=lambda k: k.encode())
    return "{" + ",".join(canon(k) + ":" + canon(v[k]) for k in keys) + "}"


DOCS = [
    {"version": 1, "sources": {"screen": "rec.mp4"}},
    {"version": 1, "output": {"width": 1920, "height": 1080, "fps": 59.94},
     "padding": 0.06, "radius": 18, "shadow": {"blur": 40, "opacity": 0.45},
     "background": {"type": "gradient", "angle": 135,
                    "stops": [{"at": 0, "color": "#4f46e5"}, {"at": 1.0, "color": "#ec4899"}]},
     "timeline": [{"start": 0, "end": 2.5, "speed": 2}, {"start": 3, "end": 1e-3}],
     "flags": [True, False, None], "zoom": []},
    {"text": "quote \" backslash \\ tab \t newline \n é 日本 עברית 🎬", "Zed": 1, "alpha": 2,
     "Ä": 3, "a": {"z": [], "b": {}}},
]


def main():
    binary = sys.argv[1]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        files, want = [], []
        for i, d in enumerate(DOCS):
            # the same document twice: compact, and pretty-printed with the keys reversed
            for j, text in enumerate([
                    json.dumps(d, ensure_ascii=False, separators=(",", ":")),
                    json.dumps(json.loads(json.dumps(d), object_pairs_hook=lambda p: dict(reversed(p))),
                               ensure_ascii=True, indent=3)]):
                path = os.path.join(tmp, "%d-%d.json" % (i, j))
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                files.append(path)
                want.append(hashlib.sha256(canon(d).encode()).hexdigest())
        # a changed value, a changed key: other digests
        changed = dict(DOCS[1], padding=0.0600001)
        renamed = {("Radius" if k == "radius" else k): v for k, v in DOCS[1].items()}
        for name, d in (("changed", changed), ("renamed", renamed)):
            path = os.path.join(tmp, name + ".json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(d, f)
            files.append(path)
            want.append(hashlib.sha256(canon(d).encode()).hexdigest())
        got = subprocess.run([binary] + files, check=True, capture_output=True,
                             text=True).stdout.split()
        for f, g, w in zip(files, got, want):
            if g != w:
                print("FAIL: %s: digest %s, the canonical form's SHA-256 is %s" %
                      (os.path.basename(f), g, w))
                failures += 1
        if len(got) != len(files):
            print("FAIL: %d digests for %d files" % (len(got), len(files)))
            failures += 1
        if len(set(got[:2])) != 1 or len({got[2], got[-2], got[-1]}) != 3:
            print("FAIL: reformatting changed the digest, or a change of value did not")
            failures += 1
    if not failures:
        print("%d documents: digests equal the independent canonical SHA-256" % len(files))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
