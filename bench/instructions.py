#!/usr/bin/env python3
"""A feature's cost in instructions, by library: the export with and without it (the projects of
bench/features.py, the same options choose them) run once each under callgrind, the
instructions each library executed summed from its output.

    python3 bench/instructions.py --only masks|annotations|keys|captions|... [--seconds 8]
                                  [--preset veryfast] [--crf 23] [--keep DIR]

The counts do not depend on what else the machine runs: where features.py's timed ratios
scatter by a few percent on a shared host, these tell apart, to a tenth of a percent, what the
feature asks of our own code (vexport, libvexport) and what it asks of the encoder (libx264)
for the picture it makes. Instructions are not time (a blur pass waits on memory more than
x264's motion search does), so this says where the work goes, and features.py what it costs.

Under valgrind the programs see no AVX-512 (valgrind runs AVX2 at most): both vexport and x264
take their AVX2 paths, on both sides alike. Threads run one at a time there, which changes no
count. One export of 8 s of 1080p60 took 4.5 minutes here alone (about 9 with another run
beside it on the 2 cores), so a pair takes 9 to 18.

Prints, per library: the instructions without and with the feature, the difference, and that
difference as a share of the whole export without it.
"""
import argparse
import collections
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from features import arguments, projects  # noqa: E402


def self_cost(path):
    """Instructions executed in each object (library or program) file, by callgrind's output
    at path: each function's own cost (not its callees'), summed by the object holding it."""
    names = {}  # "(n)" -> name, for callgrind's compressed names
    per = collections.Counter()
    ob = None
    skip_next = False

    def name(v):
        m = re.match(r"\((\d+)\)(?: (.*))?$", v)
        if not m:
            return v
        if m.group(2) is not None:
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), v)

    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                if skip_next:  # the cost of a call: the callee's, counted where it runs
                    skip_next = False
                    continue
                parts = line.split()
                if len(parts) >= 2:
                    per[ob] += int(parts[1])
                continue
            key, _, val = line.partition("=")
            if key == "ob":
                ob = os.path.basename(name(val))
            elif key == "cob":
                name(val)
            elif key == "calls":
                skip_next = True
    return per


def main():
    ap = argparse.ArgumentParser()
    arguments(ap)
    ap.add_argument("--keep", help="write the callgrind outputs into this folder")
    a = ap.parse_args()
    if not a.only:
        ap.error("--only FEATURE: the feature measured against the base")
    tmp = projects(a)
    outdir = a.keep or tmp
    os.makedirs(outdir, exist_ok=True)
    counts = {}
    for n in ("base", "features"):
        out = os.path.join(outdir, f"callgrind.{n}.out")
        subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
                        a.vexport, "render", os.path.join(tmp, n + ".json"), "--preset",
                        a.preset, "--crf", a.crf, "-q", "-o", os.path.join(tmp, n + ".mp4")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        counts[n] = self_cost(out)
    b, f = counts["base"], counts["features"]
    total = sum(b.values())

    def group(o):
        o = o or "?"
        if o.startswith(("vexport", "libvexport")):
            return "vexport (ours)"
        for k in ("libx264", "libavcodec", "libavformat", "libavutil", "libswresample",
                  "libass", "libc.so", "ld-linux"):
            if o.startswith(k):
                return k
        return "other"

    gb, gf = collections.Counter(), collections.Counter()
    for o, v in b.items():
        gb[group(o)] += v
    for o, v in f.items():
        gf[group(o)] += v
    print(f"{a.only}: instructions under callgrind, demo inputs 1920x1080 60 fps {a.seconds} s, "
          f"libx264 {a.preset} crf {a.crf} (outputs in {outdir})")
    print(f"{'library':16} {'without':>16} {'with':>16} {'difference':>15} {'of the export':>13}")
    for g in sorted(set(gb) | set(gf), key=lambda g: -(gf[g] - gb[g])):
        d = gf[g] - gb[g]
        print(f"{g:16} {gb[g]:16,} {gf[g]:16,} {d:+15,} {100 * d / total:+12.2f}%")
    tf = sum(f.values())
    print(f"{'all':16} {total:16,} {tf:16,} {tf - total:+15,} {100 * (tf - total) / total:+12.2f}%")


if __name__ == "__main__":
    main()
