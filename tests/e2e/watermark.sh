#!/bin/sh
# The watermark layer (docs/project-format.md, "Watermark"): the same project exported
# losslessly with and without a watermark box that lies partly over the screen and partly over
# the background, compared by check_watermark (FFmpeg only); and a bad watermark section is
# refused at load with a message naming its key, leaving nothing behind.
# Environment: VEXPORT, CHECK_WATERMARK, MEDIA. Exit 0 pass, 1 fail, 77 skip.
set -u
: "${VEXPORT:?}" "${CHECK_WATERMARK:?}" "${MEDIA:?}"
[ -f "$MEDIA/screen.mp4" ] || { echo "SKIP: $MEDIA/screen.mp4 missing"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-watermark.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
ln -s "$MEDIA/screen.mp4" "$tmp/rec.mp4"
base='"version": 1, "output": { "width": 1280, "height": 720 }, "sources": { "screen": "rec.mp4" },
  "background": "#1e293b", "padding": 0.08, "radius": 12, "timeline": [ { "start": 0, "end": 1.5 } ]'
# the box: odd corner and size (widened to even), from the background into the screen
echo "{ $base }" >"$tmp/ref.json"
echo "{ $base, \"watermark\": { \"rect\": [21, 15, 301.5, 97], \"color\": \"#ff8800\", \"opacity\": 0.6 } }" >"$tmp/wm.json"
for p in ref wm; do
    "$VEXPORT" render "$tmp/$p.json" -o "$tmp/$p.mp4" --preset ultrafast --crf 0 \
        >"$tmp/$p.log" 2>&1 || { cat "$tmp/$p.log"; echo "FAIL: vexport $p"; exit 1; }
done
"$CHECK_WATERMARK" "$tmp/wm.mp4" "$tmp/ref.mp4" 21 15 301.5 97 ff8800 0.6 ||
    { echo "FAIL: the watermark is not what docs/project-format.md says"; exit 1; }
# a box without a width: refused when the project is loaded, naming the key
echo "{ $base, \"watermark\": { \"rect\": [10, 10, 0, 40] } }" >"$tmp/bad.json"
if "$VEXPORT" render "$tmp/bad.json" -o "$tmp/bad.mp4" >"$tmp/bad.log" 2>&1; then
    echo "FAIL: a watermark 0 pixels wide was accepted"; exit 1
fi
grep -q "watermark.rect" "$tmp/bad.log" ||
    { cat "$tmp/bad.log"; echo "FAIL: the error does not name watermark.rect"; exit 1; }
[ ! -e "$tmp/bad.mp4" ] || { echo "FAIL: a refused export left bad.mp4 behind"; exit 1; }
echo "PASS: watermark mixed as documented, the rest unchanged; a bad one refused"
