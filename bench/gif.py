#!/usr/bin/env python3
"""GIF against the usual two-pass ffmpeg GIF (palettegen stats_mode=diff + paletteuse), at the
same size and frame rate, on a project. The source video is the project exported losslessly
(crf 0) at the GIF's size and fps; both GIFs are scored by SSIM against it. The anchor is timed
from that source video (its decode and its two passes); vexport from the project (decode,
compose and GIF). Runs alternate; medians of the wall time and of the CPU time (user + system,
of the process and its threads: less sensitive to other jobs on a shared machine).

usage: bench/gif.py VEXPORT PROJECT.json WORKDIR [RUNS] [DITHER]
"""
import json, os, re, resource, statistics, subprocess, sys, time

vx, proj, work = sys.argv[1], sys.argv[2], sys.argv[3]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
dither = sys.argv[5] if len(sys.argv) > 5 else "sierra2_4a"
os.makedirs(work, exist_ok=True)
p = json.load(open(proj))
base = os.path.dirname(os.path.abspath(proj))
for k, v in p.get("sources", {}).items():
    if isinstance(v, str) and not os.path.isabs(v):
        p["sources"][k] = os.path.join(base, v)
ours = os.path.join(work, "vexport.gif")
anchor = os.path.join(work, "anchor.gif")
src = os.path.join(work, "source.mp4")

def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime

def run(cmd, cpus=None):
    t, c = time.monotonic(), cpu()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if cpus is not None:
        cpus.append(cpu() - c)
    return time.monotonic() - t

def ssim(a):
    r = subprocess.run(["ffmpeg", "-nostats", "-i", a, "-i", src, "-lavfi",
                        "[0]format=yuv420p[a];[1]format=yuv420p[b];[a][b]ssim", "-f", "null", "-"],
                       capture_output=True, text=True)
    return float(re.search(r"All:([0-9.]+)", r.stderr).group(1))

pj = os.path.join(work, "project.json")
json.dump(p, open(pj, "w"))
cmd_ours = [vx, "render", pj, "-o", ours, "-q"]
run(cmd_ours)
w, h, rate = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries",
                             "stream=width,height", "-of", "csv=p=0", ours],
                            capture_output=True, text=True).stdout.strip().split(",") + ["15"]
sp = json.loads(json.dumps(p))
sp.setdefault("output", {}).update({"width": int(w), "height": int(h), "fps": 15})
spj = os.path.join(work, "source.json")
json.dump(sp, open(spj, "w"))
run([vx, "render", spj, "-o", src, "--preset", "ultrafast", "--crf", "0", "-q",
     "--no-passthrough"])
cmd_anchor = ["ffmpeg", "-y", "-v", "error", "-i", src, "-lavfi",
              f"split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither={dither}",
              anchor]
to, ta, co, ca = [], [], [], []
for i in range(runs):
    pair = ((cmd_ours, to, co), (cmd_anchor, ta, ca))
    for cmd, times, cpus in pair if i % 2 == 0 else pair[::-1]:
        times.append(run(cmd, cpus))
so, sa = ssim(ours), ssim(anchor)
bo, ba = os.path.getsize(ours), os.path.getsize(anchor)
mo, ma = statistics.median(to), statistics.median(ta)
mco, mca = statistics.median(co), statistics.median(ca)
print(f"size {w}x{h} at 15 fps, {runs} alternating runs, dither {dither}")
print(f"| | SSIM | bytes | time (median) | CPU time (median) |")
print(f"|---|---|---|---|---|")
print(f"| anchor (palettegen diff + paletteuse {dither}) | {sa:.4f} | {ba} | {ma:.2f} s | {mca:.2f} s |")
print(f"| vexport | {so:.4f} | {bo} ({bo / ba:.2f}x) | {mo:.2f} s ({mo / ma:.2f}x) | "
      f"{mco:.2f} s ({mco / mca:.2f}x) |")
print("wall s, ours:", " ".join(f"{t:.2f}" for t in to), "anchor:", " ".join(f"{t:.2f}" for t in ta))
