#!/usr/bin/env python3
"""Memory over an export: the 4K peak against the floor's, and growth over a long export.

    python3 bench/memory.py [--size 3840x2160] [--fps 30] [--seconds 5]
                            [--long-size 1920x1080] [--long-fps 30] [--long-seconds 300]
                            [--warmup 30] [--long-preset veryfast] [--skip-4k] [--skip-long]

1. Peak: a styled 4K export (bench/floor.py's styling) and the floor on the same clip, peak
   resident memory from wait4 (ru_maxrss). Target: vexport <= floor + 100 MiB.
2. Growth: a styled export of a --long-seconds clip, its resident memory sampled every
   0.1 s from /proc/PID/status. Growth = the highest sample after --warmup seconds of wall
   time over the sample at --warmup. Target: <= 5%.
Clips come from `vexport synth` (the demo's synthetic desktop).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

TMPDIRS = []
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from floor import ROOT, floor_cmd, make_clip, styled_cmd, timed  # noqa: E402


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def sample(cmd, every=0.1):
    """Runs cmd; returns [(seconds since start, RSS MiB)] and the peak from wait4."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = []
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        m = rss_mib(proc.pid)
        if m:  # None once gone, 0 while exec'ing
            samples.append((time.perf_counter() - t0, m))
        time.sleep(every)
    if os.waitstatus_to_exitcode(status):
        raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), cmd)
    return samples, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="3840x2160")
    ap.add_argument("--fps", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--long-size", default="1920x1080")
    ap.add_argument("--long-fps", type=int, default=30)
    ap.add_argument("--long-seconds", type=float, default=300)
    ap.add_argument("--long-preset", default="veryfast")
    ap.add_argument("--warmup", type=float, default=30)
    ap.add_argument("--skip-4k", action="store_true")
    ap.add_argument("--skip-long", action="store_true")
    ap.add_argument("--vexport", default=os.path.join(ROOT, "build", "vexport"))
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="vexport-bench-")
    TMPDIRS.append(tmp)
    out = os.path.join(tmp, "out.mp4")
    if not a.skip_4k:
        clip = make_clip(a.vexport, os.path.join(tmp, "clip4k.mp4"), a.size, a.fps, a.seconds)
        _, floor_peak = timed(floor_cmd(clip, out))
        samples, ours_peak = sample(styled_cmd(a.vexport, clip, a.size, out))
        print(f"{a.size} {a.fps} fps {a.seconds} s styled export: peak {ours_peak:.0f} MiB, "
              f"floor {floor_peak:.0f} MiB: +{ours_peak - floor_peak:.0f} MiB (target <= +100)")
    if not a.skip_long:
        clip = make_clip(a.vexport, os.path.join(tmp, "long.mp4"), a.long_size, a.long_fps,
                         a.long_seconds)
        samples, peak = sample(styled_cmd(a.vexport, clip, a.long_size, out,
                                          preset=a.long_preset))
        wall = samples[-1][0] if samples else 0
        after = [m for t, m in samples if t >= a.warmup]
        if not after:
            print(f"long export took {wall:.1f} s, not more than --warmup {a.warmup} s: "
                  "no growth to measure")
            return
        base = after[0]
        growth = (max(after) - base) / base * 100
        marks = ", ".join(f"{t:.0f} s {m:.0f}" for t, m in samples[::max(1, len(samples) // 8)])
        print(f"{a.long_size} {a.long_fps} fps {a.long_seconds:.0f} s styled export "
              f"({a.long_preset}): {wall:.0f} s wall, RSS at {a.warmup:.0f} s {base:.0f} MiB, "
              f"highest after it {max(after):.0f} MiB: growth {growth:+.1f}% (target <= 5%); "
              f"peak {peak:.0f} MiB")
        print(f"  RSS samples (wall s, MiB): {marks}")


if __name__ == "__main__":
    try:
        main()
    finally:  # the clips are large; --clip inputs are not in it
        for d in TMPDIRS:
            shutil.rmtree(d, ignore_errors=True)
