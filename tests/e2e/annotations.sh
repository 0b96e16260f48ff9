#!/bin/sh
# The annotations layer (docs/project-format.md, "Annotations"): the same project exported
# losslessly with and without annotations, through a zoom, compared by check_annotations
# (FFmpeg only; the zoom's view worked out from the documented ease-in-out blend):
#   place: a magenta rectangle placed in recording pixels follows the zoom (its stroke's
#          extent on every frame, within 3 px), a green arrow placed in output pixels stays put;
#   spot:  a spotlight (lit rectangle in recording pixels) dims the rest of the screen by its
#          opacity times the fade, in over 0.3 s and out over 0.2 s, and leaves the light alone;
#   text:  a text box in recording pixels (through the zoom: it grows with it) and one in
#          output pixels (timed) match the checker's own libass rendering over their boxes
#          (>= 35 dB) while shown, and leave their place untouched otherwise.
# Then bad annotations: outside the frame, a text box with no text or outside the output.
# The recording (1280x720) fills the 640x360 output (no padding, no corners).
# Environment: VEXPORT, CHECK_ANNOTATIONS, MEDIA. Exit 0 pass, 1 fail, 77 skip.
set -u
: "${VEXPORT:?}" "${CHECK_ANNOTATIONS:?}" "${MEDIA:?}"
[ -f "$MEDIA/screen.mp4" ] || { echo "SKIP: $MEDIA/screen.mp4 missing"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-annotations.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
ln -s "$MEDIA/screen.mp4" "$tmp/rec.mp4"
base='"version": 1, "output": { "width": 640, "height": 360, "fps": 30 }, "sources": { "screen": "rec.mp4" },
  "background": "#1e293b", "padding": 0, "radius": 0, "timeline": [ { "start": 0, "end": 2 } ],
  "zoom": [ { "start": 0.5, "end": 1.5, "rect": [640, 0, 640, 360], "transition": 0.3 } ]'
zoom=640,0,640,360,0.5,1.5,0.3
echo "{ $base }" >"$tmp/ref.json"
cat >"$tmp/place.json" <<EOF
{ $base, "annotations": [
  { "type": "rectangle", "rect": [700, 60, 400, 200], "width": 8, "color": "#ff00ff",
    "radius": 0, "fade_in": 0, "fade_out": 0 },
  { "type": "arrow", "space": "output", "from": [20, 300], "to": [120, 330], "width": 4,
    "head": 16, "color": "#00ff00", "fade_in": 0, "fade_out": 0 } ] }
EOF
cat >"$tmp/spot.json" <<EOF
{ $base, "annotations": [
  { "type": "spotlight", "rect": [760, 100, 300, 160], "radius": 0, "opacity": 0.6,
    "start": 0.6, "end": 1.4, "fade_in": 0.3, "fade_out": 0.2 } ] }
EOF
cat >"$tmp/text.json" <<EOF
{ $base, "annotations": [
  { "type": "text", "text": "Save the file", "rect": [700, 100, 400, 120], "size": 40,
    "radius": 0, "fade_in": 0, "fade_out": 0 },
  { "type": "text", "space": "output", "text": "Привет, שלום", "rect": [20, 280, 220, 60],
    "size": 22, "radius": 0, "start": 0.2, "end": 1.8, "fade_in": 0, "fade_out": 0 } ] }
EOF
for p in ref place spot text; do
    # the overlays with 8 threads (2 of them composing, in slices), the references with 1
    t=1; [ "$p" = ref ] || t=8
    "$VEXPORT" render "$tmp/$p.json" -o "$tmp/$p.mp4" --preset ultrafast --crf 0 --threads $t \
        >"$tmp/$p.log" 2>&1 || { cat "$tmp/$p.log"; echo "FAIL: vexport $p"; exit 1; }
done
# the arrow: from (20, 300) to (120, 330), 4 wide, a head 16 long and 12.8 wide
"$CHECK_ANNOTATIONS" place "$tmp/place.mp4" "$tmp/ref.mp4" 1280 720 $zoom 700,60,400,200,8 \
    16,292,124,340 || { echo "FAIL: annotations are not where docs/project-format.md says"; exit 1; }
"$CHECK_ANNOTATIONS" spot "$tmp/spot.mp4" "$tmp/ref.mp4" 1280 720 $zoom 760,100,300,160 \
    0.6,1.4,0.3,0.2,0.6 || { echo "FAIL: the spotlight does not dim as documented"; exit 1; }
"$CHECK_ANNOTATIONS" text "$tmp/text.mp4" "$tmp/ref.mp4" 1280 720 $zoom 700,100,400,120,40,0,1e9,0 \
    "Save the file"; rc=$?
[ $rc = 0 ] || [ $rc = 77 ] || { echo "FAIL: the recording-placed text box is not the text drawn as documented"; exit 1; }
"$CHECK_ANNOTATIONS" text "$tmp/text.mp4" "$tmp/ref.mp4" 1280 720 $zoom 20,280,220,60,22,0.2,1.8,1 \
    "Привет, שלום"; rc=$?
[ $rc = 0 ] || [ $rc = 77 ] || { echo "FAIL: the output-placed text box is not the text drawn as documented"; exit 1; }
# refused: a rectangle outside the recording, an output-placed arrow outside the output, a
# text box without text, one outside the output; each names its key
bad() { # NAME ANNOTATION PATTERN
    echo "{ $base, \"annotations\": [ $2 ] }" >"$tmp/$1.json"
    if "$VEXPORT" render "$tmp/$1.json" -o "$tmp/$1.mp4" >"$tmp/$1.log" 2>&1; then
        echo "FAIL: $1 was accepted"; exit 1
    fi
    grep -qE "$3" "$tmp/$1.log" || { cat "$tmp/$1.log"; echo "FAIL: $1: the error does not say '$3'"; exit 1; }
    [ ! -e "$tmp/$1.mp4" ] || { echo "FAIL: $1 left its output behind"; exit 1; }
}
bad outside '{ "type": "ellipse", "rect": [1200, 600, 200, 200] }' \
    'annotations\[0\]\.rect: lies outside the recording \(1280x720\)'
bad outside-out '{ "type": "arrow", "space": "output", "from": [600, 300], "to": [700, 300] }' \
    'annotations\[0\]\.from: lies outside the output \(640x360\)'
bad text-empty '{ "type": "text", "text": "", "rect": [10, 10, 100, 40] }' \
    'annotations\[0\]\.text: expected the text shown, a non-empty string'
bad text-outside '{ "type": "text", "space": "output", "text": "Hi", "rect": [600, 340, 100, 40] }' \
    'annotations\[0\]\.rect: lies outside the output \(640x360\)'
echo "PASS: annotations follow the zoom or stay put, a spotlight fades as documented, text boxes drawn as documented; bad ones refused"
