#!/usr/bin/env python3
"""Passthrough remux: vexport on an unedited recording vs `ffmpeg -i IN -c copy OUT`.

    python3 bench/remux.py [--runs 5] [--size 1920x1080] [--fps 30] [--seconds 60] [--clip FILE]

Without --clip it makes a recording with ffmpeg's lavfi sources (testsrc2 video, H.264
ultrafast, and a sine tone as AAC), --seconds long. vexport renders it with no edits, which
copies the streams (see why_not_remux in src/pipeline.c); the run checks that it did. Runs
alternate; prints the medians and their ratio (target: vexport <= 1.5x ffmpeg's copy).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

TMPDIRS = []
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from floor import ROOT, alternate  # noqa: E402


def make_recording(path, size, fps, seconds):
    subprocess.run(["ffmpeg", "-v", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                    "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", path], check=True)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--fps", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clip")
    ap.add_argument("--vexport", default=os.path.join(ROOT, "build", "vexport"))
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="vexport-bench-")
    TMPDIRS.append(tmp)
    clip = a.clip or make_recording(os.path.join(tmp, "rec.mp4"), a.size, a.fps, a.seconds)
    out_f, out_v = os.path.join(tmp, "ffmpeg.mp4"), os.path.join(tmp, "vexport.mp4")
    ffmpeg = ["ffmpeg", "-v", "error", "-y", "-i", clip, "-c", "copy", out_f]
    ours = [a.vexport, "render", "--screen", clip, "-q", "-o", out_v]
    check = subprocess.run(ours + ["--stats"], capture_output=True, text=True, check=True)
    if "stats: remux," not in check.stderr:
        sys.exit("vexport did not remux this clip:\n" + check.stderr)
    res = alternate([("ffmpeg -c copy", ffmpeg), ("vexport", ours)], a.runs)
    (tf, rf, _), (tv, rv, _) = res["ffmpeg -c copy"], res["vexport"]
    mf, mv = statistics.median(tf), statistics.median(tv)
    size_mb = os.path.getsize(clip) / 1e6
    print(f"clip {clip} ({a.size}, {a.fps} fps, {a.seconds} s, {size_mb:.0f} MB, H.264 + AAC), "
          f"{a.runs} alternating runs")
    print(f"ffmpeg -c copy median {mf:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in tf)})")
    print(f"vexport        median {mv:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in tv)})")
    print(f"vexport vs ffmpeg copy: {mv / mf:.2f}x (target <= 1.5x)")
    print(f"peak memory: ffmpeg {statistics.median(rf):.0f} MiB, vexport {statistics.median(rv):.0f} MiB")


if __name__ == "__main__":
    try:
        main()
    finally:  # the clips are large; --clip inputs are not in it
        for d in TMPDIRS:
            shutil.rmtree(d, ignore_errors=True)
