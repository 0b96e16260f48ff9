#!/bin/sh
# auto_zoom end-to-end (docs/project-format.md "Zooms from clicks"), through the vexport tool.
#
# A 640x360 30 fps test pattern, 6 s, and a cursor track with three clicks: two 0.5 s apart
# near (160, 120) and one alone at 4.5 s near (480, 250). The script works out the segments
# from the documented rule itself, then checks that
#   - `vexport -v` prints exactly those segments;
#   - the export with "auto_zoom" decodes to the same frames as the export with those
#     segments written by hand as plain "zoom" entries (the hand-written zoom is checked
#     against vxcheck's own model by the zoom-center case);
#   - it differs from the export without any zoom exactly on the frames where a segment
#     (transitions included) is under way, and only there;
#   - `render --project-out` writes the project with those segments as plain "zoom" entries
#     and no "auto_zoom", and that project exports the same frames;
#   - a hand-written segment over the first clicks leaves those clicks without a segment.
# Environment: VEXPORT. Exit 0 pass, 1 fail, 77 skip.
set -u
: "${VEXPORT:?VEXPORT not set}"
command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg not installed"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-autozoom.XXXXXX") || exit 1
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP
fail() { echo "FAIL: $*"; exit 1; }

ffmpeg -nostdin -hide_banner -loglevel error -f lavfi -i testsrc2=s=640x360:r=30 -t 6 \
    -c:v libx264 -pix_fmt yuv420p "$tmp/clip.mp4" || fail "ffmpeg could not make the clip"
cat >"$tmp/track.jsonl" <<'EOF'
{"t": 0.0, "x": 320, "y": 180}
{"t": 0.9, "x": 150, "y": 110}
{"t": 1.0, "down": "left"}
{"t": 1.1, "up": "left"}
{"t": 1.4, "x": 170, "y": 130}
{"t": 1.5, "down": "left"}
{"t": 1.6, "up": "left"}
{"t": 4.2, "x": 480, "y": 250}
{"t": 4.5, "down": "left"}
{"t": 4.6, "up": "left"}
EOF
# the documented rule with the defaults (merge 1.5, before 0.3, after 1.2, scale 2,
# transition 0.6): clicks 1.0 and 1.5 -> 0.7..2.7 at their mean (160, 120); 4.5 -> 4.2..5.7
# at (480, 250)
expected='0.700 2.700 160.0 120.0
4.200 5.700 480.0 250.0'

render() { # name, extra project keys, extra options
    cat >"$tmp/$1.json" <<EOF
{
  "version": 1,
  "sources": { "screen": "clip.mp4", "cursor": "track.jsonl" },
  "cursor": { "draw": false }$2
}
EOF
    (cd / && "$VEXPORT" render "$tmp/$1.json" -o "$tmp/$1.mp4" --preset ultrafast --crf 0 -v ${3:-}) \
        >"$tmp/$1.log" 2>&1 || { cat "$tmp/$1.log"; fail "vexport render $1"; }
    ffmpeg -nostdin -hide_banner -loglevel error -i "$tmp/$1.mp4" -f framemd5 "$tmp/$1.md5" ||
        fail "decoding $1"
}
render auto ', "auto_zoom": {}' "--project-out $tmp/saved.json"
python3 - "$tmp/saved.json" <<'EOF' || fail "--project-out wrote $(cat "$tmp/saved.json")"
import json, sys
p = json.load(open(sys.argv[1]))
assert "auto_zoom" not in p, "auto_zoom kept"
z = [(s["start"], s["end"], s["center"]) for s in p["zoom"]]
assert z == [(0.7, 2.7, [160, 120]), (4.2, 5.7, [480, 250])], z
EOF
(cd "$tmp" && "$VEXPORT" render "$tmp/saved.json" -o "$tmp/saved.mp4" --preset ultrafast --crf 0) \
    >"$tmp/saved.log" 2>&1 || { cat "$tmp/saved.log"; fail "vexport render the saved project"; }
ffmpeg -nostdin -hide_banner -loglevel error -i "$tmp/saved.mp4" -f framemd5 "$tmp/saved.md5" ||
    fail "decoding saved"
render hand ', "zoom": [
    {"start": 0.7, "end": 2.7, "center": [160, 120]},
    {"start": 4.2, "end": 5.7, "center": [480, 250]}]'
render none ''

got=$(sed -n 's/.*auto_zoom: {"start": \([0-9.]*\), "end": \([0-9.]*\), "center": \[\([0-9.]*\), \([0-9.]*\)\].*/\1 \2 \3 \4/p' "$tmp/auto.log")
[ "$got" = "$expected" ] || { cat "$tmp/auto.log"; fail "-v printed segments
$got
expected
$expected"; }
frames() { grep -v '^#' "$1" | awk -F, '{print $6}'; }
n=$(frames "$tmp/auto.md5" | wc -l)
[ "$n" = 180 ] || fail "$n frames, expected 180"
frames "$tmp/auto.md5" >"$tmp/a" && frames "$tmp/hand.md5" >"$tmp/h" && frames "$tmp/none.md5" >"$tmp/n"
cmp -s "$tmp/a" "$tmp/h" || fail "the auto_zoom export differs from the same segments written by hand"
frames "$tmp/saved.md5" | cmp -s - "$tmp/a" || fail "the --project-out project exports other frames"
# frames whose time lies inside a segment's transitions (0.1..3.3 s, 3.6..6.3 s) must be
# zoomed, the others not (frame k shows time k/30)
bad=$(paste -d' ' "$tmp/a" "$tmp/n" | awk '{ t = (NR - 1) / 30
    inside = (t > 0.1 + 1e-6 && t < 3.3 - 1e-6) || (t > 3.6 + 1e-6)
    same = ($1 == $2)
    if (inside == same) printf "%d ", NR - 1 }')
[ -z "$bad" ] || fail "zoomed where no click is, or not zoomed where one is: frames $bad"

# a hand-written segment over the first clicks: only the lone click gets a segment
render mixed ', "auto_zoom": {"scale": 1.5}, "zoom": [{"start": 0.8, "end": 1.8, "center": [320, 180]}]'
got=$(grep -c 'auto_zoom: {"start"' "$tmp/mixed.log")
grep -q 'auto_zoom: {"start": 4.200, "end": 5.700, "center": \[480.0, 250.0\], "scale": 1.5' \
    "$tmp/mixed.log" && [ "$got" = 1 ] || { cat "$tmp/mixed.log"; fail "with a hand-written segment"; }
echo PASS
