#!/usr/bin/env python3
"""What the screen-recording edit costs: the demo's styled export with and without the
editing features (a zoom that follows the cursor and one made by auto_zoom, the redrawn cursor
with click rings, the camera bubble, two mixed audio tracks, motion blur), alternating runs,
medians, ratio. The base keeps the demo's background, padding, corners and shadow only: no
motion blur either, so --only zoom is the zooms alone and --only motion-blur adds the blur to
them.

    python3 bench/features.py [--runs 5] [--seconds 14] [--control]
                              [--only camera|cursor|zoom|audio|crossfade|fade-black|masks|
                                      annotations|annotations-zoom|annotations-text|spotlight|
                                      motion-blur|keys|auto-zoom|captions|scenes|
                                      scene-transitions|split-slide]

Besides the ratio of the medians it prints the median of the paired ratios (each run over the
base run just before it), which a slow stretch of a shared machine moves less.

--only FEATURE compares the base with the base plus that one feature (its project section and
the sources it reads: the zoom that follows the cursor reads the cursor track, the audio feature
is the microphone track), to see one feature's share of the cost.

--only masks / annotations / spotlight (not demo features) add one section to the base:
MASKS below (a blurred rectangle shown the whole time, a pixelated ellipse for a while and a
blurred rectangle that moves between keyframes), ANNOTATIONS (a rectangle, an arrow and an
ellipse, each faded in and out over a few seconds), ANNOTATIONS_TEXT (two text boxes, one
in recording pixels and one in output pixels, faded) or SPOTLIGHT (one spotlight for two
seconds: it dims the whole screen while shown).

--only captions: the base plus an SRT file written by captions_srt below: a cue of one or two
lines every 2 s, shown for 1.6 s (Latin, Cyrillic, CJK), the captions section at its defaults.

--only annotations-zoom: both sides have the demo's zooms (as --only zoom); the other adds
ANNOTATIONS, placed in recording pixels, so that they follow the zooms: while a zoom moves, each
shown shape's coverage is worked out again every frame.

--only crossfade / fade-black: both sides cut the recording into 2 s ranges 0.5 s apart
(timeline_cuts below); the base cuts plainly, the other enters every range after the first with
that transition of 0.5 s. A cross-fade overlaps its ranges, so there each range after the first
starts 0.5 s earlier in the recording: the outputs last the same, and a fifth of the frames
(0.5 s of every 2.5 s) are transition frames.

--only keys: the base plus a keys track (docs/keys-track.md) written by keys_track below:
every 4 s a ⌘⇧P combo, "hello world" typed at 8 keys a second (one collapsed badge), and
Enter, so that badges show, fade and stack for most of the export; the keys section is left at
its defaults.

--only zoom: the demo's zooms, the hand-written one that follows the cursor and the one
auto_zoom makes from the clicks.

--only auto-zoom: the base plus the demo's auto_zoom (the segments it makes from the cursor
track's clicks; the cursor is not drawn), against the base.

--only scenes: both sides have the camera bubble (the demo's camera section); the other adds
SCENES(seconds) below: the camera full frame for the first 20 % of the recording, the
default layout, side by side from 40 % to 65 %, the screen alone from 65 % to 85 %, the
default again (layouts switching at the scenes' edges).

--only scene-transitions: both sides have the camera bubble and MOVING(seconds) below (the
camera full frame, the screen alone, the camera again); the other animates each way into and
out of them over 0.5 s ("transition": 0.5): five transitions, 150 of the 480 frames of 8 s
mid-transition. The ratio is what the animation costs over switching.

--only split-slide: both sides have the camera bubble and a "split" scene from 40 % to 65 % of
the recording; the other slides into and out of it over 0.5 s (the screen moving into its
cell while the camera grows into the other): 60 of the 480 frames of 8 s mid-slide. The ratio
is what the slide costs over switching.

--only motion-blur: both sides have the demo's zooms (as --only zoom); the other adds
"motion_blur": {"screen": 0.5, "cursor": true}.

--control: no feature; the base against itself (the same project, the same command, alternating
as above). What that ratio strays from 1.000 is what the host's noise alone does to a ratio in
that stretch: quote it beside a feature's. (An overlay's own cost, free of that noise, is counted
in instructions by bench/instructions.py.)

Inputs are the demo's (`vexport synth --cursor-track --no-pointer --webcam --mic`): a 1080p60
synthetic desktop whose pointer is not baked in, its cursor track (a scripted path with pauses
and clicks), a 640x480 30 fps webcam and a microphone track; the project is
docs/demo-project.json without its timeline (cuts and speed-ups shorten the output, so they
would only flatter the ratio). The export without features is the same project with only the
background, padding, corners and shadow (and the recording's own audio).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from floor import ROOT, demo_project, measure  # noqa: E402


def timeline_cuts(seconds, transition, d=0.5):
    """Ranges of 2 s every 2.5 s of the recording; with a transition of d into each but the
    first (a cross-fade's range starts d earlier, so the output lasts as long as the plain
    cuts')."""
    ranges, k = [], 0
    while k * 2.5 + 2 <= seconds:
        r = {"start": k * 2.5, "end": k * 2.5 + 2}
        if k and transition:
            r["transition"] = {"type": transition, "duration": d}
            if transition == "crossfade":
                r["start"] -= d
        ranges.append(r)
        k += 1
    return ranges


# --only masks: what a user hiding three things in a 1920x1080 recording writes
MASKS = [
    {"type": "blur", "shape": "rect", "rect": [1200, 120, 520, 260]},
    {"type": "pixelate", "shape": "ellipse", "rect": [200, 600, 360, 240], "start": 3, "end": 9},
    {"type": "blur", "shape": "rect", "rect": [100, 100, 400, 120], "start": 0,
     "keyframes": [{"t": 2, "rect": [100, 100, 400, 120]}, {"t": 6, "rect": [900, 700, 400, 120]}]},
]
# --only annotations: what a user pointing at three things writes
ANNOTATIONS = [
    {"type": "rectangle", "rect": [1200, 120, 520, 260], "start": 0.5, "end": 4},
    {"type": "arrow", "from": [400, 800], "to": [1100, 400], "width": 10, "start": 2, "end": 6},
    {"type": "ellipse", "rect": [200, 600, 360, 240], "color": "#3b82f6", "start": 3.5},
]
# --only annotations-text: two labels
ANNOTATIONS_TEXT = [
    {"type": "text", "text": "Click Export", "rect": [1200, 120, 420, 110], "size": 56,
     "start": 0.5, "end": 5},
    {"type": "text", "space": "output", "text": "Step 2 of 3: export the video",
     "rect": [80, 900, 720, 90], "size": 44, "start": 1, "end": 7.5},
]


def captions_srt(seconds):
    """--only captions: a cue every 2 s, shown for 1.6 s."""
    texts = ["Open the project and pick a background", "Привет! Now we zoom on the menu",
             "Press Export, then choose the preset", "你好，世界: the video is ready"]
    out, k = [], 0
    while k * 2 + 1.6 <= seconds:
        a, b = k * 2 + 0.2, k * 2 + 1.8
        ts = lambda t: f"00:00:{int(t):02d},{int(round(t * 1000)) % 1000:03d}"
        out.append(f"{k + 1}\n{ts(a)} --> {ts(b)}\n{texts[k % len(texts)]}\n")
        k += 1
    return "\n".join(out)


def keys_track(seconds):
    """--only keys: the lines of a keys track, every 4 s a combo, a typed run and Enter."""
    ev, k = [], 0
    while k * 4 + 3 <= seconds:
        t = k * 4 + 0.5
        ev.append({"t": t, "key": "P", "down": True, "modifiers": ["cmd", "shift"]})
        for i, c in enumerate("hello world"):
            ev.append({"t": round(t + 0.5 + i / 8, 3), "key": "space" if c == " " else c,
                       "down": True})
        ev.append({"t": t + 2.3, "key": "enter", "down": True})
        k += 1
    return "".join(json.dumps(e) + "\n" for e in ev)


def scenes(seconds):
    """--only scenes: each layout for a while (recording time)."""
    return [{"start": 0, "end": 0.2 * seconds, "layout": "camera"},
            {"start": 0.4 * seconds, "end": 0.65 * seconds, "layout": "split"},
            {"start": 0.65 * seconds, "end": 0.85 * seconds, "layout": "screen"}]


def moving(seconds, transition=None):
    """--only scene-transitions: the layouts that animate, with or without transitions."""
    sc = [{"start": 0, "end": 0.2 * seconds, "layout": "camera"},
          {"start": 0.4 * seconds, "end": 0.6 * seconds, "layout": "screen"},
          {"start": 0.75 * seconds, "end": 0.9 * seconds, "layout": "camera"}]
    for s in sc:
        if transition:
            s["transition"] = transition
    return sc


def split(seconds, transition=None):
    """--only split-slide: side by side for a while, switched or sliding."""
    sc = {"start": 0.4 * seconds, "end": 0.65 * seconds, "layout": "split"}
    if transition:
        sc["transition"] = transition
    return [sc]


# --only spotlight
SPOTLIGHT = [{"type": "spotlight", "rect": [700, 300, 600, 400], "start": 5, "end": 7}]
OVERLAYS = {"masks": ("masks", MASKS), "annotations": ("annotations", ANNOTATIONS),
            "annotations-text": ("annotations", ANNOTATIONS_TEXT),
            "spotlight": ("annotations", SPOTLIGHT)}


def arguments(ap):
    """The options that choose the projects (shared with bench/encoder_alone.py)."""
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=14)
    ap.add_argument("--preset", default="veryfast")
    ap.add_argument("--crf", default="23")
    ap.add_argument("--only", choices=("camera", "cursor", "zoom", "audio", "crossfade",
                                       "fade-black", "masks", "annotations",
                                       "annotations-zoom", "annotations-text", "spotlight", "motion-blur", "keys",
                                       "auto-zoom", "captions", "scenes", "split-slide",
                                       "scene-transitions"),
                    help="add only this feature to the base")
    ap.add_argument("--vexport", default=os.path.join(ROOT, "build", "vexport"))
    ap.add_argument("--control", action="store_true",
                    help="the base against itself: the host's noise alone (no feature)")


def projects(a):
    """Makes the inputs and the two projects (base.json, features.json) in a new folder, and
    returns the folder."""
    tmp = tempfile.mkdtemp(prefix="vexport-features-")
    subprocess.run([a.vexport, "synth", "-o", os.path.join(tmp, "screen.mp4"),
                    "--seconds", str(a.seconds), "--no-pointer",
                    "--cursor-track", os.path.join(tmp, "cursor.jsonl"),
                    "--webcam", os.path.join(tmp, "camera.mp4"),
                    "--mic", os.path.join(tmp, "mic.m4a")],
                   check=True, stdout=subprocess.DEVNULL)
    feat = demo_project(a.crf)
    base = {k: v for k, v in feat.items()
            if k not in ("zoom", "auto_zoom", "cursor", "camera", "motion_blur")}
    base["sources"] = {"screen": "screen.mp4"}
    if a.only in ("crossfade", "fade-black"):
        base["timeline"] = timeline_cuts(a.seconds, None)
        feat = json.loads(json.dumps(base))
        feat["timeline"] = timeline_cuts(a.seconds, a.only)
    elif a.only in OVERLAYS:
        feat = json.loads(json.dumps(base))
        feat[OVERLAYS[a.only][0]] = OVERLAYS[a.only][1]
    elif a.only == "keys":
        with open(os.path.join(tmp, "keys.jsonl"), "w") as f:
            f.write(keys_track(a.seconds))
        feat = json.loads(json.dumps(base))
        feat["sources"]["keys"] = "keys.jsonl"
    elif a.only == "auto-zoom":  # the segments from the clicks; the cursor is not drawn
        feat = json.loads(json.dumps(base))
        feat["auto_zoom"] = demo_project(a.crf)["auto_zoom"]
        feat["sources"]["cursor"] = "cursor.jsonl"
        feat["cursor"] = {"draw": False}
    elif a.only in ("scenes", "scene-transitions", "split-slide"):
        base["camera"] = feat["camera"]
        base["sources"]["camera"] = feat["sources"]["camera"]
        if a.only == "scene-transitions":
            base["scenes"] = moving(a.seconds)
        elif a.only == "split-slide":
            base["scenes"] = split(a.seconds)
        feat = json.loads(json.dumps(base))
        if a.only == "split-slide":
            feat["scenes"] = split(a.seconds, 0.5)
        else:
            feat["scenes"] = moving(a.seconds, 0.5) if base.get("scenes") else scenes(a.seconds)
    elif a.only == "captions":
        with open(os.path.join(tmp, "talk.srt"), "w") as f:
            f.write(captions_srt(a.seconds))
        feat = json.loads(json.dumps(base))
        feat["sources"]["captions"] = "talk.srt"
    elif a.only == "annotations-zoom":  # both zoom; recording-placed shapes follow it
        base["zoom"], base["auto_zoom"] = feat["zoom"], feat["auto_zoom"]
        base["sources"]["cursor"] = feat["sources"]["cursor"]
        base["cursor"] = {"draw": False}
        feat = json.loads(json.dumps(base))
        feat["annotations"] = ANNOTATIONS
    elif a.only == "motion-blur":
        base["zoom"], base["auto_zoom"] = feat["zoom"], feat["auto_zoom"]
        base["sources"]["cursor"] = feat["sources"]["cursor"]
        base["cursor"] = {"draw": False}
        feat = json.loads(json.dumps(base))
        feat["motion_blur"] = {"screen": 0.5, "cursor": True}
    elif a.only:
        one = json.loads(json.dumps(base))
        src = feat["sources"]
        if a.only == "audio":
            one["sources"]["audio"] = src["audio"]
        else:
            one[a.only] = feat[a.only]
            if a.only == "zoom":  # the hand-written zoom and the one auto_zoom makes
                one["auto_zoom"] = feat["auto_zoom"]
            key = "cursor" if a.only == "zoom" else a.only
            one["sources"][key] = src[key]
            if a.only == "zoom":  # the zoom follows the track; the cursor is not drawn
                one["cursor"] = {"draw": False}
        feat = one
    for name, proj in (("base", base), ("features", feat)):
        with open(os.path.join(tmp, name + ".json"), "w") as f:
            json.dump(proj, f, indent=1)
    return tmp


def main():
    ap = argparse.ArgumentParser()
    arguments(ap)
    a = ap.parse_args()
    tmp = projects(a)
    out = os.path.join(tmp, "out.mp4")
    names = ("base", "features")  # "features": all of them, or the --only one
    cmds = {n: [a.vexport, "render", os.path.join(tmp, ("base" if a.control else n) + ".json"),
                "--preset", a.preset, "-q", "-o", out] for n in names}
    times = {n: [] for n in names}
    cpu = {n: [] for n in names}
    for i in range(a.runs):
        for n in names:
            wall, _, c = measure(cmds[n])
            times[n].append(wall)
            cpu[n].append(c)
        print(f"run {i + 1}: base {times['base'][-1]:.2f} s, "
              f"features {times['features'][-1]:.2f} s", file=sys.stderr)
    mb, mf = statistics.median(times["base"]), statistics.median(times["features"])
    print(f"demo inputs, 1920x1080 60 fps {a.seconds} s, libx264 {a.preset} crf {a.crf}, "
          f"{a.runs} alternating runs (inputs in {tmp})")
    for n in names:
        print(f"{n:8} median {statistics.median(times[n]):.2f} s  "
              f"(runs: {', '.join(f'{t:.2f}' for t in times[n])})")
    what = "the base against itself (--control)" if a.control else \
        f"{a.only} alone" if a.only else "features"
    print(f"{what} cost: {mf / mb:.3f}x the export without them (CPU time: "
          f"{statistics.median(cpu['features']) / statistics.median(cpu['base']):.3f}x)")
    # each run against the base run just before it: a slow stretch of the machine slows both
    pw = [f / b for f, b in zip(times["features"], times["base"])]
    pc = [f / b for f, b in zip(cpu["features"], cpu["base"])]
    print(f"median of the {a.runs} paired ratios (each run against the base run before it): "
          f"{statistics.median(pw):.3f}x wall, {statistics.median(pc):.3f}x CPU")


if __name__ == "__main__":
    main()
