#!/bin/sh
# GIF export (docs/gif.md): a short project exported to OUT.gif and, losslessly, to an MP4 at
# the same size and frame rate (the reference). Decoded by FFmpeg: size, duration (the sum of
# the delays), loop count (the NETSCAPE2.0 block), SSIM against the reference, a saturated
# background's colour; then
# it plays in headless Chromium; --max-size at half that file's size makes a file that fits, at a lower frame rate.
# Environment: VEXPORT, MEDIA, PLAY (tests/web/play.sh). Exit 0 pass, 1 fail, 77 skip.
set -u
: "${VEXPORT:?}" "${MEDIA:?}"
[ -f "$MEDIA/screen.mp4" ] || { echo "SKIP: $MEDIA/screen.mp4 missing"; exit 77; }
command -v ffmpeg >/dev/null || { echo "SKIP: no ffmpeg"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-gif.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
ln -s "$MEDIA/screen.mp4" "$tmp/rec.mp4"
echo '{ "version": 1, "output": { "width": 320, "height": 180 }, "sources": { "screen": "rec.mp4" },
  "background": "#1e293b", "padding": 0.08, "radius": 12, "timeline": [ { "start": 0, "end": 2 } ] }' >"$tmp/p.json"
"$VEXPORT" render "$tmp/p.json" -o "$tmp/a.gif" --loop 2 >"$tmp/a.log" 2>&1 ||
    { cat "$tmp/a.log"; echo "FAIL: vexport gif"; exit 1; }
sed 's/"height": 180 }/"height": 180, "fps": 15 }/' "$tmp/p.json" >"$tmp/r.json"
"$VEXPORT" render "$tmp/r.json" -o "$tmp/ref.mp4" --preset ultrafast --crf 0 >"$tmp/r.log" 2>&1 ||
    { cat "$tmp/r.log"; echo "FAIL: vexport reference"; exit 1; }
python3 - "$tmp" <<'PY' || exit 1
import json, re, subprocess, sys
tmp = sys.argv[1]
def probe(f):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries",
                          "stream=width,height:packet=pts_time,duration_time", "-of", "json", f],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)
j = probe(tmp + "/a.gif")
s = j["streams"][0]
assert (s["width"], s["height"]) == (320, 180), f"size {s['width']}x{s['height']}"
pk = j["packets"]
end = float(pk[-1]["pts_time"]) + float(pk[-1]["duration_time"])
assert abs(end - 2.0) < 0.015, f"the delays add up to {end} s, want 2"
assert 2 <= len(pk) <= 30, f"{len(pk)} frames (15 fps over 2 s: 30 at most)"
b = open(tmp + "/a.gif", "rb").read()
i = b.find(b"NETSCAPE2.0")
assert i > 0 and b[i + 13] | b[i + 14] << 8 == 2, "loop count not 2"
# SSIM of the GIF (every 1/15 s) against the lossless MP4 at 15 fps
r = subprocess.run(["ffmpeg", "-v", "info", "-nostats", "-i", tmp + "/a.gif", "-i", tmp + "/ref.mp4",
                    "-lavfi", "[0]fps=15,format=yuv420p[a];[1]format=yuv420p[b];[a][b]ssim",
                    "-f", "null", "-"], capture_output=True, text=True)
m = re.search(r"All:([0-9.]+)", r.stderr)
assert m, r.stderr[-2000:]
ssim = float(m.group(1))
# 255 colours, dithered, over a flat background and a screen: measured 0.97 or more
assert ssim >= 0.95, f"SSIM {ssim}"
print(f"gif: {len(pk)} frames, {len(b)} bytes, SSIM {ssim:.4f}")
open(tmp + "/budget", "w").write(str(len(b) // 2))
PY
# colours: the composite is made in the recording's matrix (BT.709 here) while the GIF is
# under 720 lines; a saturated background must come out as the project's colour (a matrix
# mismatch between compositor and GIF writer moves it by 10 or more)
sed 's/"#1e293b"/"#e11d48"/; s/"end": 2/"end": 0.5/' "$tmp/p.json" >"$tmp/s.json"
"$VEXPORT" render "$tmp/s.json" -o "$tmp/s.gif" >"$tmp/s.log" 2>&1 ||
    { cat "$tmp/s.log"; echo "FAIL: vexport gif (saturated background)"; exit 1; }
python3 - "$tmp/s.gif" <<'PY' || exit 1
import subprocess, sys
px = subprocess.run(["ffmpeg", "-v", "error", "-i", sys.argv[1], "-frames:v", "1", "-f", "rawvideo",
                     "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
want = (0xe1, 0x1d, 0x48)
for x, y in ((4, 4), (315, 175), (160, 3)):  # padding, away from the screen
    got = tuple(px[(y * 320 + x) * 3:(y * 320 + x) * 3 + 3])
    assert all(abs(g - w) <= 3 for g, w in zip(got, want)), f"background at ({x},{y}) {got}, want {want}"
print("saturated background: as in the project")
PY
# it plays in headless Chromium (tests/web/play.sh; 77: no Chromium, that part skipped)
if [ -n "${PLAY:-}" ]; then
    "$PLAY" "$tmp/a.gif"; rc=$?
    [ $rc = 0 ] || [ $rc = 77 ] || { echo "FAIL: the GIF does not play in Chromium"; exit 1; }
fi
budget=$(cat "$tmp/budget")
"$VEXPORT" render "$tmp/p.json" -o "$tmp/b.gif" --max-size "$budget" >"$tmp/b.log" 2>&1 ||
    { cat "$tmp/b.log"; echo "FAIL: vexport --max-size $budget"; exit 1; }
size=$(stat -c %s "$tmp/b.gif")
[ "$size" -le "$budget" ] || { echo "FAIL: --max-size $budget made $size bytes"; exit 1; }
echo "--max-size $budget: $size bytes"
# a GIF is not made in chunks
if "$VEXPORT" render "$tmp/p.json" --chunk 0/2 -o "$tmp/c.gif" >"$tmp/c.log" 2>&1; then
    echo "FAIL: a GIF in chunks was accepted"; exit 1
fi
exit 0
