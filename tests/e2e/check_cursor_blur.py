#!/usr/bin/env python3
"""check_cursor_blur: the cursor's motion blur (docs/project-format.md, "Motion blur") in an
export, against this checker's own model of the rule. Python's standard library and ffmpeg
(to decode) only: no code shared with vexport.

    check_cursor_blur.py TRACK.jsonl FPS SHUTTER BLURRED.mp4 SHARP.mp4 REF_DIR

TRACK: the cursor track (smoothing "none", no zoom, the recording drawn 1:1 at the output's
(0, 0)): positions are the track's, interpolated linearly in time. SHUTTER: motion_blur.screen.
SHARP: the same export without motion blur. REF_DIR holds nN-kK.mp4 for each sample count N
this checker expects and K = 0 .. N-1: the same export without blur, its track moved earlier by
d = S((K + 1/2)/N - 1/2), so that its frame at t shows the cursor at t + d (the test script
makes them from the offsets this checker prints with --offsets).

The model, per output frame at t = n / FPS (S = SHUTTER / FPS):
  - the hotspot at t - S/2 and at t + S/2; D their distance in pixels; N = clamp(ceil(D), 1, 16);
  - N = 1: the frame equals the sharp export's, byte for byte;
  - N > 1: the frame is the mean (rounded half up) of the N shifted exports' frames; compared
    over the box where the cursor is in any of them (luma away from the solid background),
    PSNR >= 40 dB in luma and chroma; and it differs from the sharp frame.
Frames whose shutter reaches before the track's first position are skipped.

    check_cursor_blur.py --offsets TRACK FPS SHUTTER   prints "N d0 d1 ..." per distinct N

Exit 0 pass, 1 fail, 2 could not run."""
import json
import math
import os
import subprocess
import sys


def die(msg):
    print("ERROR " + msg + "\nFAIL (check_cursor_blur could not run)")
    sys.exit(2)


def track(path):
    pts = []
    with open(path) as f:
        for line in f:
            o = json.loads(line)
            if "x" in o:
                pts.append((o["t"], o["x"], o["y"]))
    return pts


def pos(pts, t):
    if t <= pts[0][0]:
        return pts[0][1:]
    for (t0, x0, y0), (t1, x1, y1) in zip(pts, pts[1:]):
        if t0 <= t <= t1:
            u = (t - t0) / (t1 - t0) if t1 > t0 else 1
            return x0 + (x1 - x0) * u, y0 + (y1 - y0) * u
    return pts[-1][1:]


def count(pts, t, s):
    (ax, ay), (bx, by) = pos(pts, t - s / 2), pos(pts, t + s / 2)
    d = math.ceil(math.hypot(ax - bx, ay - by))
    return max(1, min(16, d))


def offsets(n, s):
    return [s * ((k + 0.5) / n - 0.5) for k in range(n)]


def frames(path):
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries",
                            "stream=width,height", "-of", "json", path],
                           capture_output=True, text=True)
    if probe.returncode:
        die("%s: ffprobe failed" % path)
    st = json.loads(probe.stdout)["streams"][0]
    w, h = st["width"], st["height"]
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt",
                          "yuv420p", "-"], capture_output=True).stdout
    size = w * h * 3 // 2
    if not raw or len(raw) % size:
        die("%s: could not decode" % path)
    return w, h, [raw[i:i + size] for i in range(0, len(raw), size)]


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--offsets":
        pts, fps, sh = track(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
        s = sh / fps
        ns = sorted({count(pts, n / fps, s) for n in range(int(pts[-1][0] * fps) + 2)} - {1})
        for n in ns:
            print(n, " ".join("%.9f" % d for d in offsets(n, s)))
        return 0
    if len(sys.argv) != 7:
        die("usage: check_cursor_blur.py TRACK FPS SHUTTER BLURRED SHARP REF_DIR")
    pts, fps, sh = track(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
    s = sh / fps
    w, h, blur = frames(sys.argv[4])
    w2, h2, sharp = frames(sys.argv[5])
    if (w, h, len(blur)) != (w2, h2, len(sharp)):
        print("FAIL blurred %dx%d, %d frames; sharp %dx%d, %d frames" % (w, h, len(blur), w2, h2, len(sharp)))
        return 1
    refs = {}
    bad = 0
    n_same = n_blur = 0
    worst = 99.0
    cw, ch = w // 2, h // 2
    for i in range(len(blur)):
        t = i / fps
        if t - s / 2 < pts[0][0] + 1 / fps:
            continue
        n = count(pts, t, s)
        if n == 1:
            n_same += 1
            if blur[i] != sharp[i]:
                print("FAIL frame %d: the cursor moves less than a pixel over the shutter, "
                      "but the frame differs from the sharp export" % i)
                bad += 1
            continue
        if n not in refs:
            refs[n] = []
            for k in range(n):
                p = os.path.join(sys.argv[6], "n%d-k%d.mp4" % (n, k))
                if not os.path.exists(p):
                    die("%s missing (make it from --offsets)" % p)
                refs[n].append(frames(p)[2])
        shifted = [r[i] for r in refs[n]]
        ref = bytes((sum(v) + n // 2) // n for v in zip(*shifted))
        # the box where any shifted frame differs from the background (the sharp export's
        # frame far from the cursor is the clip's solid colour: take its corner sample)
        bg = shifted[0][0]
        xs, ys = [], []
        for r in shifted:
            for y in range(h):
                row = r[y * w:(y + 1) * w]
                for x in range(w):
                    if abs(row[x] - bg) > 2:
                        xs.append(x), ys.append(y)
        if not xs:
            print("FAIL frame %d: no cursor in the reference frames" % i)
            bad += 1
            continue
        x0, x1 = max(0, min(xs) - 2) & ~1, min(w, max(xs) + 4) & ~1
        y0, y1 = max(0, min(ys) - 2) & ~1, min(h, max(ys) + 4) & ~1
        worst_f = 99.0
        for plane, (pw, ox, sc) in enumerate(((w, 0, 1), (cw, w * h, 2), (cw, w * h + cw * ch, 2))):
            se = cnt = 0
            for y in range(y0 // sc, y1 // sc):
                a = blur[i][ox + y * pw + x0 // sc: ox + y * pw + x1 // sc]
                b = ref[ox + y * pw + x0 // sc: ox + y * pw + x1 // sc]
                se += sum((p - q) ** 2 for p, q in zip(a, b))
                cnt += len(a)
            psnr = 99.0 if se == 0 else 10 * math.log10(255 * 255 * cnt / se)
            worst_f = min(worst_f, psnr)
        worst = min(worst, worst_f)
        n_blur += 1
        if worst_f < 40:
            print("FAIL frame %d: N = %d, PSNR %.1f dB against the model over [%d,%d)x[%d,%d) "
                  "(at least 40)" % (i, n, worst_f, x0, x1, y0, y1))
            bad += 1
        if blur[i] == sharp[i]:
            print("FAIL frame %d: N = %d but the frame is the sharp one" % (i, n))
            bad += 1
    print("ok   %d frames with N = 1 equal the sharp export" % n_same)
    print("ok   %d frames with N > 1 compared with the model (N in %s), worst %.1f dB"
          % (n_blur, sorted(refs), worst))
    if n_same == 0 or n_blur == 0:
        print("FAIL the track gave no %s frame" % ("still" if n_same == 0 else "moving"))
        bad += 1
    print("FAIL" if bad else "PASS")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
