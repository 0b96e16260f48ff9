#!/usr/bin/env python3
"""check_scenes: the layouts of "scenes" (docs/project-format.md, "Scenes") in an export,
against this checker's own model of the documented geometry. Python's standard library and
ffmpeg (to decode) only: no code shared with vexport.

    check_scenes.py OUT.mp4 W H FPS FRAMES SW SH PADDING RADIUS CAM_SIZE CAM_MARGIN SCENES MIRROR
                    [BORDER [SHADOW]]

The export shows a solid screen recording (colour SCREEN below) of SW x SH and a camera whose
left half is CAM_LEFT and right half CAM_RIGHT (swapped in the output when MIRROR is 1), with
the bubble a circle ("shape" default, no border), over a solid background (BACKGROUND); no
timeline, so output time = recording time. SCENES: "start:end:layout[:transition],...". For
frame n at t = n / FPS the layout is that of the scene with start <= t < end, else "default",
except while a transition runs (below). The model's rectangles per layout (output W x H,
p = PADDING):
  - screen rectangle (default, screen, camera): m = p * min(W, H), s = min((W - 2m) / SW,
    (H - 2m) / SH), rw = round(SW s), rh = round(SH s), x = 2 round((W - rw) / 4), y likewise;
  - bubble (default): diameter d = 2 round(CAM_SIZE min(W, H) / 2), at x = 2 round((W - g - d)
    / 2), y = 2 round((H - g - d) / 2), g = CAM_MARGIN min(W, H);
  - camera: the camera covers the whole output;
  - split: m = 2 round(p min(W, H) / 2); landscape (W >= H): two cells cw = 2 floor((W - 3m)
    / 4) wide, ch = H - 2m high, the screen's at (m, m), the camera's at (W - m - cw, m);
    portrait: cw = W - 2m, ch = 2 floor((H - 3m) / 4), the screen's at (m, m), the camera's
    at (m, H - m - ch); the screen is fitted into its cell and centred (x = m + 2 round((cw -
    rw) / 4), y likewise); the camera fills its cell (corners rounded by RADIUS).
Transitions: one into scene i runs over [start, start + min(T, end - start)) from the scene ending at its
start (else "default"), unless it starts at 0; one out of it, when no scene starts at its end, over [end, end +
min(T, gap to the next scene)) into "default". The progress u in [0, 1) is eased: e = 4u^3
below 1/2, else 1 - (2 - 2u)^3 / 2. Mid-transition the stack is the screen rectangle, then
the camera's box, each interpolated linearly by e between the two layouts' (x, y, w, h each
rounded to even): the screen's is the layout's screen rectangle ("split": its cell's; the
others: the default one), with corners of RADIUS (at most half the smaller side); the
camera's is the bubble (x, y, d, d, d/2), "camera" (0, 0, W, H, 0), "screen" (the bubble's
centre, 0, 0, 0) or "split" (its cell, RADIUS at most half the cell's smaller side), its w and
h rounded to even and kept in the output, x and y rounded to even, r at most half the smaller
side; a box under 2 pixels is not drawn.
With BORDER (px) the screen has a white border: a band around every screen rectangle of the
stack (mid-slide too, at full width), the rectangle grown by BORDER with its corner radius
grown by BORDER, under the screen.
With SHADOW ("blur:offset_x:offset_y:opacity", the project's screen shadow, black), every
background pixel judged in a frame mid-slide (a transition into or out of "split") must show
the background BACKGROUND darkened by the shadow of the screen rectangle of the moment: a
gaussian of sigma = blur / 2 of that rectangle moved by the offsets, square corners, so
alpha = opacity gx gy with gx = (erf((x + 1/2 - x0) / (sigma sqrt 2)) - erf((x + 1/2 - x1) /
(sigma sqrt 2))) / 2 and gy likewise, and the pixel BACKGROUND (1 - alpha) within SHADOW_TOL
per channel (mixing towards black in limited-range YCbCr is that scaling in RGB).
The camera is cropped about its centre, so each camera shape shows CAM_LEFT left of its
centre line and CAM_RIGHT right of it (mirrored: the other way round).
Every 6th pixel of every frame is classified as screen, camera left, camera right or neither
by its colour; a pixel within 4 px of an edge of the model's shapes (or of a rounded corner,
or of a camera shape's centre line) is not judged.
Exit 0 pass, 1 fail, 2 could not run."""
import math
import subprocess
import sys

SCREEN = (0xd0, 0x20, 0x20)
CAM_LEFT = (0x20, 0xc0, 0x20)
CAM_RIGHT = (0x20, 0x20, 0xd0)
BORDER_RGB = (0xff, 0xff, 0xff)
BACKGROUND = (0xc0, 0xc8, 0xd0)
COLOURS = {"S": SCREEN, "CL": CAM_LEFT, "CR": CAM_RIGHT, "W": BORDER_RGB}
SHADOW_TOL = 4
EDGE = 4
STEP = 6


def rnd(v):
    return math.floor(v + 0.5)


def fit(sw, sh, cx, cy, cw, ch):
    s = min(cw / sw, ch / sh)
    rw, rh = min(rnd(sw * s), cw), min(rnd(sh * s), ch)
    return (cx + 2 * rnd((cw - rw) / 4), cy + 2 * rnd((ch - rh) / 4), rw, rh)


def even(v):
    return 2 * math.floor(v / 2 + 0.5)


def ease(u):
    u = min(max(u, 0.0), 1.0)
    return 4 * u ** 3 if u < 0.5 else 1 - (2 - 2 * u) ** 3 / 2


def transition_at(scenes, t):
    """(from, to, e) while a transition runs at t, else None (the docstring's rule)."""
    for i, (a, b, lay, T) in enumerate(scenes):
        if a > t:
            break
        if T <= 0:
            continue
        prev = scenes[i - 1][2] if i and scenes[i - 1][1] >= a else "default"
        d = min(T, b - a)
        if a > 0 and t < a + d:
            return (prev, lay, ease((t - a) / d)) if prev != lay else None
        if i + 1 < len(scenes) and scenes[i + 1][0] <= b:
            continue
        d = min(T, scenes[i + 1][0] - b) if i + 1 < len(scenes) else T
        if b <= t < b + d:
            return (lay, "default", ease((t - b) / d)) if lay != "default" else None
    return None


def moving(frm, to, e, W, H, sw, sh, p, radius, size, margin):
    """The stack mid-transition: the screen and the camera in their interpolated boxes."""
    mn = min(W, H)
    d = 2 * rnd(size * mn / 2)
    g = margin * mn
    x, y = 2 * rnd((W - g - d) / 2), 2 * rnd((H - g - d) / 2)
    cell = shapes("split", W, H, sw, sh, p, radius, size, margin)[1][1]
    boxes = {"default": (x, y, d, d, d / 2), "camera": (0, 0, W - W % 2, H - H % 2, 0),
             "screen": (x + d / 2, y + d / 2, 0, 0, 0),
             "split": cell[1:5] + (min(radius, cell[3] / 2, cell[4] / 2),)}
    screens = {k: shapes(k, W, H, sw, sh, p, radius, size, margin)[0][1] for k in (frm, to)}
    A, B = screens[frm], screens[to]
    sx, sy, rw, rh = (even(a + (b - a) * e) for a, b in zip(A[1:5], B[1:5]))
    stack = [("S", ("rect", sx, sy, rw, rh, min(radius, rw / 2, rh / 2)))]
    A, B = boxes[frm], boxes[to]
    bx, by, bw, bh, r = (a + (b - a) * e for a, b in zip(A, B))
    bw, bh = min(even(bw), W - W % 2), min(even(bh), H - H % 2)
    bx, by = min(max(even(bx), 0), W - bw), min(max(even(by), 0), H - bh)
    if bw >= 2 and bh >= 2:
        stack.append(("C", ("rect", bx, by, bw, bh, min(r, bw / 2, bh / 2))))
    return stack


def shadow_alpha(screen, shadow, x, y):
    """The documented mid-slide shadow's alpha at pixel (x, y) for the screen rectangle."""
    blur, ox, oy, opacity = shadow
    _, sx, sy, w, h, _ = screen
    k = 1 / (blur / 2 * math.sqrt(2))
    gx = (math.erf((x + 0.5 - sx - ox) * k) - math.erf((x + 0.5 - sx - ox - w) * k)) / 2
    gy = (math.erf((y + 0.5 - sy - oy) * k) - math.erf((y + 0.5 - sy - oy - h) * k)) / 2
    return opacity * gx * gy


def shapes(layout, W, H, sw, sh, p, radius, size, margin):
    """[(kind, shape)] bottom first; shape: ("rect", x, y, w, h, r) or ("circle", cx, cy, R)."""
    mn = min(W, H)
    m = p * mn
    s = min((W - 2 * m) / sw, (H - 2 * m) / sh)
    rw, rh = rnd(sw * s), rnd(sh * s)
    screen = ("rect", 2 * rnd((W - rw) / 4), 2 * rnd((H - rh) / 4), rw, rh, radius)
    if layout == "screen":
        return [("S", screen)]
    if layout == "camera":
        return [("S", screen), ("C", ("rect", 0, 0, W, H, 0))]
    if layout == "default":
        d = 2 * rnd(size * mn / 2)
        g = margin * mn
        x, y = 2 * rnd((W - g - d) / 2), 2 * rnd((H - g - d) / 2)
        return [("S", screen), ("C", ("circle", x + d / 2, y + d / 2, d / 2))]
    assert layout == "split", layout
    m = 2 * rnd(p * mn / 2)
    if W >= H:
        cw, ch = 2 * math.floor((W - 3 * m) / 4), H - 2 * m
        cam = (W - m - cw, m)
    else:
        cw, ch = W - 2 * m, 2 * math.floor((H - 3 * m) / 4)
        cam = (m, H - m - ch)
    return [("S", ("rect",) + fit(sw, sh, m, m, cw, ch) + (radius,)),
            ("C", ("rect", cam[0], cam[1], cw, ch, radius))]


def where(shape, x, y):
    """1 inside, 0 outside, None too near the edge to judge."""
    if shape[0] == "circle":
        d = math.hypot(x + 0.5 - shape[1], y + 0.5 - shape[2]) - shape[3]
        return None if abs(d) < EDGE else int(d < 0)
    _, rx, ry, w, h, r = shape  # the signed distance to the rounded rectangle's edge
    qx = abs(x + 0.5 - rx - w / 2) - (w / 2 - r)
    qy = abs(y + 0.5 - ry - h / 2) - (h / 2 - r)
    d = math.hypot(max(qx, 0), max(qy, 0)) + min(max(qx, qy), 0) - r
    return None if abs(d) < EDGE else int(d < 0)


def centre_x(shape):
    return shape[1] if shape[0] == "circle" else shape[1] + shape[3] / 2


def expect(stack, x, y, mirror):
    for kind, sh in reversed(stack):  # the top one that covers the pixel
        w = where(sh, x, y)
        if w is None:
            return None
        if not w:
            continue
        if kind == "C":
            d = x + 0.5 - centre_x(sh)
            if abs(d) < EDGE:
                return None
            return "CL" if (d < 0) != mirror else "CR"
        return kind
    return "B"


def classify(px):
    for kind, c in (("S", SCREEN), ("CL", CAM_LEFT), ("CR", CAM_RIGHT), ("W", BORDER_RGB)):
        if max(abs(a - b) for a, b in zip(px, c)) <= 24:
            return kind
    return "B"


def main(argv):
    if len(argv) not in (14, 15, 16):
        print(__doc__)
        return 2
    path = argv[1]
    W, H, fps, frames, sw, sh = (int(float(a)) for a in argv[2:8])
    p, radius, size, margin = (float(a) for a in argv[8:12])
    scenes = []
    for s in argv[12].split(","):
        a, b, lay, *tr = s.split(":")
        scenes.append((float(a), float(b), lay, float(tr[0]) if tr else 0.0))
    mirror = argv[13] == "1"
    border = float(argv[14]) if len(argv) > 14 else 0.0
    shadow = tuple(float(v) for v in argv[15].split(":")) if len(argv) > 15 else None
    shapes_of, moving_of = shapes, moving
    if border > 0:
        def grown(stack):
            out = []
            for kind, sh in stack:
                if kind == "S":
                    _, x, y, w, h, r = sh
                    r = min(r, w / 2, h / 2) + border
                    out.append(("W", ("rect", x - border, y - border, w + 2 * border,
                                      h + 2 * border, r)))
                out.append((kind, sh))
            return out
        shapes_of = lambda *a: grown(shapes(*a))  # noqa: E731
        moving_of = lambda *a: grown(moving(*a))  # noqa: E731
    cmd = ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", path, "-f", "rawvideo",
           "-pix_fmt", "rgb24", "-"]
    try:
        raw = subprocess.run(cmd, stdout=subprocess.PIPE, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        print("ERROR cannot decode %s: %s\nFAIL (check_scenes could not run)" % (path, e))
        return 2
    fsize = W * H * 3
    n = len(raw) // fsize
    if n != frames or len(raw) % fsize:
        print("FAIL: %d frames of %dx%d decoded (%d bytes), expected %d" %
              (n, W, H, len(raw), frames))
        return 1
    models = {}
    bad, judged, seen, moved, shaded = 0, 0, set(), 0, 0
    for i in range(n):
        t = i / fps
        lay = next((l for a, b, l, _ in scenes if a <= t < b), "default")
        tr = transition_at(scenes, t)
        if tr:
            moved += 1
            lay = "%s>%s@%.4f" % tr
            st = moving_of(*tr, W, H, sw, sh, p, radius, size, margin)
            model = [(x, y, expect(st, x, y, mirror)) for y in range(2, H, STEP)
                     for x in range(2, W, STEP)]
            if shadow and "split" in tr[:2]:  # background pixels: the shadow's colour
                scr = next(shp for kind, shp in st if kind == "S")  # the rectangle of the moment
                model = [(x, y, ("B", shadow_alpha(scr, shadow, x, y)) if w == "B" else w)
                         for x, y, w in model]
        else:
            seen.add(lay)
            if lay not in models:
                st = shapes_of(lay, W, H, sw, sh, p, radius, size, margin)
                models[lay] = [(x, y, expect(st, x, y, mirror)) for y in range(2, H, STEP)
                               for x in range(2, W, STEP)]
            model = models[lay]
        base = i * fsize
        fbad = 0
        for x, y, want in model:
            if want is None:
                continue
            o = base + (y * W + x) * 3
            got = classify(raw[o:o + 3])
            if isinstance(want, tuple):  # a background pixel under the shadow of the moment
                a = want[1]
                ref = tuple(c * (1 - a) for c in BACKGROUND)
                ok = max(abs(g - r) for g, r in zip(raw[o:o + 3], ref)) <= SHADOW_TOL
                shaded += a >= 0.1
                want = "B (shadow %.3f: rgb %s)" % (a, tuple(round(r) for r in ref))
            else:
                ok = got == want
            judged += 1
            if not ok:
                fbad += 1
                if bad + fbad <= 10:
                    print("frame %d (t %.3f, %s): (%d, %d) shows %s, expected %s, rgb %s" %
                          (i, t, lay, x, y, got, want, tuple(raw[o:o + 3])))
        bad += fbad
    print("%d frames, layouts %s, %d mid-transition, %d pixels judged, %d wrong%s" %
          (n, ",".join(sorted(seen)), moved, judged, bad,
           ", %d in the shadow" % shaded if shadow else ""))
    if bad:
        print("FAIL")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
