#!/bin/sh
# The masks layer (docs/project-format.md, "Masks"): the same project exported losslessly with
# and without masks, compared by check_masks (FFmpeg only): a timed blur over the editor's
# text, a pixelated ellipse over the terminal, and a blurred ellipse that moves between two
# keyframes (overlapping the first mask for a while). The recording (1280x720) fills the
# 640x360 output (no padding, no corners), so a recording pixel (x, y) is output (x/2, y/2):
# the places given to the checker are the project's halved. Margin: 2 output pixels (each
# mask's box is rounded out to even output pixels, which may reach 2 px past the shape).
# Then the same with a zoom: the mask stays on the recording's pixels.
# Environment: VEXPORT, CHECK_MASKS, MEDIA. Exit 0 pass, 1 fail, 77 skip.
set -u
: "${VEXPORT:?}" "${CHECK_MASKS:?}" "${MEDIA:?}"
[ -f "$MEDIA/screen.mp4" ] || { echo "SKIP: $MEDIA/screen.mp4 missing"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-masks.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
ln -s "$MEDIA/screen.mp4" "$tmp/rec.mp4"
base='"version": 1, "output": { "width": 640, "height": 360, "fps": 30 }, "sources": { "screen": "rec.mp4" },
  "background": "#1e293b", "padding": 0, "radius": 0, "timeline": [ { "start": 0, "end": 2 } ]'
masks='"masks": [
  { "type": "blur", "shape": "rect", "rect": [650, 80, 560, 320], "start": 0.51, "end": 1.49 },
  { "type": "pixelate", "shape": "ellipse", "rect": [30, 130, 600, 200] },
  { "type": "blur", "shape": "ellipse", "rect": [40, 150, 500, 200], "start": 0, "end": 2,
    "keyframes": [ { "t": 0.3, "rect": [40, 150, 500, 200] }, { "t": 1.7, "rect": [700, 150, 500, 200] } ] } ]'
echo "{ $base }" >"$tmp/ref.json"
echo "{ $base, $masks }" >"$tmp/masks.json"
# the masked exports with 8 threads (2 of them composing, in slices), the references with 1
render() { # NAME THREADS
    "$VEXPORT" render "$tmp/$1.json" -o "$tmp/$1.mp4" --preset ultrafast --crf 0 --threads $2 \
        >"$tmp/$1.log" 2>&1 || { cat "$tmp/$1.log"; echo "FAIL: vexport $1"; exit 1; }
}
render ref 1
render masks 8
"$CHECK_MASKS" "$tmp/masks.mp4" "$tmp/ref.mp4" 30 2 \
    rect:0.51:1.49:0,325,40,280,160 \
    ellipse:0:100:0,15,65,300,100 \
    ellipse:0:2:0,20,75,250,100:0.3,20,75,250,100:1.7,350,75,250,100 ||
    { echo "FAIL: the masks are not where and what docs/project-format.md says"; exit 1; }
# through a zoom: the view is the recording's [640, 0, 640, 360] from 0.5 s to 1.5 s (1:1 in
# the output), so the mask [700, 80, 400, 200] shown from 0.6 s to 1.4 s is at output
# [60, 80, 400, 200] (unzoomed it would be at [350, 40, 200, 100])
zoom='"zoom": [ { "start": 0.5, "end": 1.5, "rect": [640, 0, 640, 360], "transition": 0.3 } ]'
echo "{ $base, $zoom }" >"$tmp/zref.json"
echo "{ $base, $zoom, \"masks\": [ { \"type\": \"blur\", \"rect\": [700, 80, 400, 200], \"start\": 0.61, \"end\": 1.39 } ] }" >"$tmp/zmask.json"
render zref 1
render zmask 8
"$CHECK_MASKS" "$tmp/zmask.mp4" "$tmp/zref.mp4" 30 2 rect:0.61:1.39:0,60,80,400,200 ||
    { echo "FAIL: the mask does not follow the zoom"; exit 1; }
# two masks moving over a still recording (the first frame of the screen, held 2 s), apart:
# the blur and the blocks stay put over what they hide, and only the moving edges change, from frame to frame
# (docs/project-format.md: the blocks are the output's). Inside: 26 output pixels, the blur's
# reach at radius 12 (6 output pixels: 3 passes of 2 reduced samples of 3, and the edge
# block and the expansion), more than a pixelated block (8) and the rounding (2).
ffmpeg -v error -i "$MEDIA/screen.mp4" -frames:v 1 -f image2 -c:v png "$tmp/still.png" &&
    ffmpeg -v error -loop 1 -framerate 30 -i "$tmp/still.png" -t 2 -pix_fmt yuv420p \
        -c:v libx264 -preset ultrafast -crf 0 "$tmp/still.mp4" ||
    { echo "FAIL: cannot make the still recording"; exit 1; }
still='"version": 1, "output": { "width": 640, "height": 360, "fps": 30 }, "sources": { "screen": "still.mp4" },
  "background": "#1e293b", "padding": 0, "radius": 0'
moving='"masks": [
  { "type": "blur", "rect": [40, 40, 500, 240],
    "keyframes": [ { "t": 0.2, "rect": [40, 40, 500, 240] }, { "t": 1.8, "rect": [700, 120, 500, 240] } ] },
  { "type": "pixelate", "shape": "ellipse", "rect": [700, 460, 500, 240],
    "keyframes": [ { "t": 0.2, "rect": [700, 460, 500, 240] }, { "t": 1.8, "rect": [80, 380, 500, 240] } ] } ]'
echo "{ $still }" >"$tmp/sref.json"
echo "{ $still, $moving }" >"$tmp/smask.json"
render sref 1
render smask 8
"$CHECK_MASKS" --still 26 "$tmp/smask.mp4" "$tmp/sref.mp4" 30 2 \
    rect:0:2:0.2,20,20,250,120:1.8,350,60,250,120 \
    ellipse:0:2:0.2,350,230,250,120:1.8,40,190,250,120 ||
    { echo "FAIL: a moving mask's blur or blocks swim over a still recording"; exit 1; }
echo "PASS: masks blur and pixelate their places only, a keyframed one follows its rectangle, one follows the zoom, a moving one stays put over a still picture"
