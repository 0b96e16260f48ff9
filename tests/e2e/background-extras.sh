#!/bin/sh
# The background extras (docs/project-format.md, "Wallpapers", "Border", "Background"):
# lossless exports checked by check_background (FFmpeg only, its own models of each):
#   - every built-in wallpaper, as a string and as an object: the background's samples
#     against the documented colour field;
#   - a border around a screen with rounded corners, against the same export without it;
#   - an image background blurred (background.blur), against the same one sharp;
#   - an unknown wallpaper and a negative blur refused, naming the key.
# The recording is 1280x720 in a 640x360 output with padding 0.1: margin 36, scale 0.4, the
# screen at (64, 36), 512x288 (docs, "Geometry"); no shadow.
# Environment: VEXPORT, CHECK_BACKGROUND, MEDIA. Exit 0 pass, 1 fail, 77 skip.
set -u
: "${VEXPORT:?}" "${CHECK_BACKGROUND:?}" "${MEDIA:?}"
[ -f "$MEDIA/screen.mp4" ] || { echo "SKIP: $MEDIA/screen.mp4 missing"; exit 77; }
command -v ffmpeg >/dev/null 2>&1 || { echo "SKIP: the ffmpeg tool is needed"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-bgx.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
ln -s "$MEDIA/screen.mp4" "$tmp/rec.mp4"
# a sharp picture (FFmpeg's test pattern: edges and text) for the blurred background
ffmpeg -nostdin -v error -f lavfi -i testsrc2=s=640x360 -frames:v 1 "$tmp/bg.png" ||
    { echo "FAIL: cannot make the test picture"; exit 1; }
base='"version": 1, "output": { "width": 640, "height": 360 }, "sources": { "screen": "rec.mp4" },
  "padding": 0.1, "radius": 16, "timeline": [ { "start": 0, "end": 0.2 } ]'
render() { # NAME JSON-TAIL
    echo "{ $base, $2 }" >"$tmp/$1.json"
    "$VEXPORT" render "$tmp/$1.json" -o "$tmp/$1.mp4" --preset ultrafast --crf 0 \
        >"$tmp/$1.log" 2>&1 || { cat "$tmp/$1.log"; echo "FAIL: vexport $1"; exit 1; }
}
for w in aurora sunset ocean forest graphite; do
    render "$w" "\"background\": \"wallpaper:$w\""
    "$CHECK_BACKGROUND" wallpaper "$tmp/$w.mp4" "$w" 30 ||
        { echo "FAIL: wallpaper $w is not the documented field"; exit 1; }
done
render forest-object '"background": { "type": "wallpaper", "name": "forest" }'
"$CHECK_BACKGROUND" wallpaper "$tmp/forest-object.mp4" forest 30 ||
    { echo "FAIL: the object form of a wallpaper"; exit 1; }
render plain '"background": "wallpaper:ocean"'
render border '"background": "wallpaper:ocean", "border": { "width": 6, "color": "#f59e0b" }'
"$CHECK_BACKGROUND" border "$tmp/border.mp4" "$tmp/plain.mp4" 64,36,512,288,16 6 f59e0b ||
    { echo "FAIL: the border is not the documented band"; exit 1; }
render sharp '"background": { "type": "image", "path": "bg.png" }'
render blurred '"background": { "type": "image", "path": "bg.png", "blur": 24 }'
"$CHECK_BACKGROUND" blur "$tmp/blurred.mp4" "$tmp/sharp.mp4" 30 ||
    { echo "FAIL: background.blur does not blur the image"; exit 1; }
refuse() { # NAME JSON-TAIL PATTERN
    echo "{ $base, $2 }" >"$tmp/$1.json"
    if "$VEXPORT" render "$tmp/$1.json" -o "$tmp/$1.mp4" >"$tmp/$1.log" 2>&1; then
        echo "FAIL: $1 was accepted"; exit 1
    fi
    grep -qE "$3" "$tmp/$1.log" || { cat "$tmp/$1.log"; echo "FAIL: $1: no '$3' in the error"; exit 1; }
}
refuse no-such '"background": "wallpaper:nebula"' 'background: no wallpaper "nebula" \(built in: aurora'
refuse neg-blur '"background": { "type": "image", "path": "bg.png", "blur": -3 }' 'background\.blur'
refuse border-width '"border": { "width": "wide" }' 'border\.width'
echo "PASS: wallpapers, the border and the blurred image background as documented; bad ones refused"
