#!/usr/bin/env python3
"""One export split into N chunks and joined, against the same export on one machine.

    python3 bench/chunks.py [--runs 3] [--chunks 4] [--threads 2] [--inputs DIR] [--seconds S]

Makes the demo's inputs and project (`vexport demo --inputs DIR --project-out ...`: 1080p60,
cuts, a 2x range, zooms, cursor, camera bubble, two audio tracks; 600 output frames) unless
--inputs names a folder that has them. With --seconds S: the same kind of inputs S seconds
long (`vexport synth`, 1080p60) and a project like the demo's scaled to them: 0.8 S of
output (a cut, a 2x range, a zoom following the cursor, one on a rectangle). Each round runs, one after the other: the one-machine
export, then the N chunks one after another (each timed on its own), then the join. Rounds
repeat --runs times (alternating the one-machine export with the chunked one, both on the
same thread budget); medians are printed:

- CPU (user + system, of the child processes) of the N chunks plus the join, against the
  one export's: the overhead of splitting (target <= 5 %);
- the wall time of each chunk, and of the join;
- the wall-time model for N machines: the longest chunk plus the join (the chunks run at the
  same time on N machines, then the join), against the one export's wall time, checked here
  by running the chunks one after the other and timing each.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd):
    """Runs cmd; returns (wall seconds, CPU seconds of the child: user + system)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def long_project(vexport, inputs, seconds):
    """Inputs like the demo's, `seconds` long, and a project like the demo's over them."""
    os.makedirs(inputs, exist_ok=True)
    files = {k: os.path.join(inputs, f) for k, f in
             (("screen", "screen.mp4"), ("cursor", "cursor.jsonl"), ("camera", "camera.mp4"),
              ("mic", "mic.m4a"))}
    subprocess.run([vexport, "synth", "-o", files["screen"], "--size", "1920x1080", "--fps", "60",
                    "--seconds", str(seconds), "--cursor-track", files["cursor"], "--no-pointer",
                    "--webcam", files["camera"], "--mic", files["mic"]], check=True)
    s = float(seconds)
    project = {
        "version": 1, "output": {"width": 1920, "height": 1080, "fps": 60},
        "sources": {"screen": "screen.mp4", "cursor": "cursor.jsonl", "camera": "camera.mp4",
                    "audio": [{"screen": True}, {"path": "mic.m4a", "gain_db": -3}]},
        "background": {"type": "gradient", "angle": 135,
                       "stops": [{"at": 0, "color": "#4f46e5"}, {"at": 0.55, "color": "#9333ea"},
                                 {"at": 1, "color": "#ec4899"}]},
        "padding": 0.06, "radius": 18,
        "shadow": {"blur": 48, "offset_x": 0, "offset_y": 16, "opacity": 0.5, "color": "#000000"},
        "timeline": [{"start": 0, "end": 0.4 * s}, {"start": 0.45 * s, "end": 0.75 * s, "speed": 2},
                     {"start": 0.75 * s}],
        "zoom": [{"start": 0.1 * s, "end": 0.3 * s, "follow": "cursor", "scale": 2,
                  "transition": 0.6},
                 {"start": 0.8 * s, "end": 0.9 * s, "rect": [1040, 558, 780, 438],
                  "transition": 0.6}],
        "cursor": {"size": 2, "smoothing": "one-euro", "click": "ring", "click_color": "#ffffff"},
        "camera": {"shape": "circle", "corner": "bottom-right", "size": 0.24, "margin": 0.035,
                   "border": 4, "border_color": "#ffffff", "shadow": True},
    }
    path = os.path.join(inputs, "project.json")
    with open(path, "w") as f:
        json.dump(project, f, indent=1)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--chunks", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--inputs", help="a folder with the demo's inputs and demo-project.json")
    ap.add_argument("--seconds", type=float, help="inputs this long instead of the demo's")
    ap.add_argument("--vexport", default=os.path.join(ROOT, "build", "vexport"))
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="vexport-chunks-bench-")
    try:
        inputs = a.inputs or os.path.join(tmp, "inputs")
        project = os.path.join(inputs, "demo-project.json")
        if a.seconds:
            project = os.path.join(inputs, "project.json")
            if not os.path.exists(project):
                project = long_project(a.vexport, inputs, a.seconds)
        elif not os.path.exists(project):
            subprocess.run([a.vexport, "demo", "-q", "--inputs", inputs, "--project-out", project,
                            "-o", os.path.join(tmp, "demo.mp4")], check=True)
        enc = ["--threads", str(a.threads), "-q"]
        n = a.chunks
        one_out = os.path.join(tmp, "one.mp4")
        parts = [os.path.join(tmp, f"part-{i}.mp4") for i in range(n)]
        joined = os.path.join(tmp, "joined.mp4")
        one_wall, one_cpu, chunk_wall, chunk_cpu, join_wall, join_cpu = [], [], [], [], [], []
        for r in range(a.runs):
            order = ["one", "chunks"] if r % 2 == 0 else ["chunks", "one"]
            for what in order:
                if what == "one":
                    w, c = timed([a.vexport, "render", project, "-o", one_out] + enc)
                    one_wall.append(w)
                    one_cpu.append(c)
                    continue
                ws, cs = [], []
                for i in range(n):
                    w, c = timed([a.vexport, "render", project, "--chunk", f"{i}/{n}",
                                  "-o", parts[i]] + enc)
                    ws.append(w)
                    cs.append(c)
                chunk_wall.append(ws)
                chunk_cpu.append(cs)
                w, c = timed([a.vexport, "join", project] + parts + ["-o", joined, "-q"])
                join_wall.append(w)
                join_cpu.append(c)
        med = statistics.median
        frames = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0",
                                 "-count_packets", "-show_entries", "stream=nb_read_packets",
                                 "-of", "csv=p=0", joined], capture_output=True, text=True,
                                check=True).stdout.strip()
        print(f"project {project}: {frames} frames, {n} chunks, --threads {a.threads}, "
              f"{a.runs} rounds (medians; one export and the chunked one alternate)")
        m_one_cpu, m_one_wall = med(one_cpu), med(one_wall)
        total_cpu = [sum(cs) + j for cs, j in zip(chunk_cpu, join_cpu)]
        m_total = med(total_cpu)
        print(f"one export:        wall {m_one_wall:7.2f} s   CPU {m_one_cpu:7.2f} s   "
              f"(CPU runs: {', '.join(f'{c:.2f}' for c in one_cpu)})")
        for i in range(n):
            print(f"chunk {i}/{n}:         wall {med([ws[i] for ws in chunk_wall]):7.2f} s   "
                  f"CPU {med([cs[i] for cs in chunk_cpu]):7.2f} s")
        print(f"join:              wall {med(join_wall):7.2f} s   CPU {med(join_cpu):7.2f} s")
        print(f"chunks + join CPU: {m_total:7.2f} s (runs: {', '.join(f'{c:.2f}' for c in total_cpu)})"
              f"  overhead {100 * (m_total / m_one_cpu - 1):+.1f} % (target <= +5 %)")
        model = [max(ws) + j for ws, j in zip(chunk_wall, join_wall)]
        print(f"wall on {n} machines (longest chunk + join): {med(model):.2f} s, "
              f"{m_one_wall / med(model):.2f}x faster than one machine's {m_one_wall:.2f} s")
        seq = [sum(ws) + j for ws, j in zip(chunk_wall, join_wall)]
        print(f"chunks one after the other + join, on this machine: {med(seq):.2f} s "
              f"({med(seq) / m_one_wall:.2f}x the one export's wall)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
