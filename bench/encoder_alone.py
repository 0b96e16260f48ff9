#!/usr/bin/env python3
"""The encoder's share of a feature's cost: x264 alone, fed the finished pictures of the export
with and without the feature, alternating runs, medians, ratio.

    python3 bench/encoder_alone.py --only masks|annotations|keys|captions|... [--runs 7]
                                   [--seconds 8] [--preset veryfast] [--crf 23]

The projects are bench/features.py's (the same options choose them). Each is exported once
losslessly (`vexport render --crf 0`), decoded once to raw frames (y4m, in /dev/shm when it has
room), and then only `ffmpeg -i FRAMES.y4m -c:v libx264 -preset P -crf C` is timed, the two
sides in turn: what x264 costs to encode each picture, with no compositing, no decoding of the
recording and no pipeline around it. The ratio is the share of features.py's ratio that the
picture itself asks of the encoder, whatever draws it; the rest is the compositor's.

Prints the medians of the CPU time (user + system) and wall time of each side, their ratios,
the median of the paired ratios (each run against the base run just before it) and the
encoded sizes.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from features import arguments, projects  # noqa: E402
from floor import measure  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    arguments(ap)
    a = ap.parse_args()
    if not a.only:
        ap.error("--only FEATURE: the feature whose picture is encoded against the base's")
    tmp = projects(a)
    names = ("base", "features")
    need = 2 * 1920 * 1080 * 3 // 2 * int(a.seconds * 60 + 1) * 1.05
    shm = "/dev/shm"
    room = os.path.isdir(shm) and shutil.disk_usage(shm).free > need + (1 << 30)
    frames_dir = shm if room else tmp
    frames = {n: os.path.join(frames_dir, f"vexport-encoder-alone-{os.getpid()}-{n}.y4m")
              for n in names}
    try:
        for n in names:
            lossless = os.path.join(tmp, n + ".lossless.mp4")
            subprocess.run([a.vexport, "render", os.path.join(tmp, n + ".json"), "--crf", "0",
                            "--preset", "ultrafast", "-q", "-o", lossless], check=True)
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", lossless, "-an", "-f",
                            "yuv4mpegpipe", frames[n]], check=True)
        cpu = {n: [] for n in names}
        wall = {n: [] for n in names}
        size = {}
        for i in range(a.runs):
            for n in names:
                out = os.path.join(tmp, n + ".encoded.mp4")
                w, _, c = measure(["ffmpeg", "-v", "error", "-y", "-i", frames[n], "-c:v",
                                   "libx264", "-preset", a.preset, "-crf", a.crf, out])
                wall[n].append(w)
                cpu[n].append(c)
                size[n] = os.path.getsize(out)
            print(f"run {i + 1}: base {cpu['base'][-1]:.2f} s CPU, "
                  f"features {cpu['features'][-1]:.2f} s CPU", file=sys.stderr)
    finally:
        for f in frames.values():
            if os.path.exists(f):
                os.unlink(f)
    print(f"x264 alone ({a.preset}, crf {a.crf}) on the finished pictures of the demo inputs, "
          f"1920x1080 60 fps {a.seconds} s, {a.runs} alternating runs (inputs in {tmp})")
    for n in names:
        print(f"{n:8} CPU median {statistics.median(cpu[n]):.2f} s, wall "
              f"{statistics.median(wall[n]):.2f} s, {size[n]} bytes "
              f"(CPU runs: {', '.join(f'{t:.2f}' for t in cpu[n])})")
    mc = statistics.median(cpu["features"]) / statistics.median(cpu["base"])
    mw = statistics.median(wall["features"]) / statistics.median(wall["base"])
    pc = statistics.median([f / b for f, b in zip(cpu["features"], cpu["base"])])
    pw = statistics.median([f / b for f, b in zip(wall["features"], wall["base"])])
    print(f"{a.only}: the encoder alone costs {mc:.3f}x CPU, {mw:.3f}x wall on its picture "
          f"(paired {pc:.3f}x CPU, {pw:.3f}x wall); {size['features'] / size['base']:.3f}x "
          f"the bytes")


if __name__ == "__main__":
    main()
