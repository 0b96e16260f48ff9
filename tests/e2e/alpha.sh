#!/bin/bash
# The transparent export (docs/project-format.md, "Formats": background "transparent", ProRes
# 4444 with alpha in a MOV). A 640x360, 1.5 s export of the recording with padding, rounded
# corners, a shadow and a camera bubble (partly beyond the screen) is decoded by check_alpha
# (FFmpeg and libc only) against an opaque lossless MP4 of the same project and the documented
# geometry and shadows: codec, profile, size, frames, timing, colour tags, alpha 0 / full /
# intermediate (corners, shadow, the bubble's edge and shadow), the colour inside the screen.
# Also: the audio (AAC 48 kHz, as long as the video), the progress lines, a cut cross-faded, a
# cancel (Ctrl-C leaves nothing), and the refusals: "transparent" anywhere but ProRes in a MOV,
# and in chunks, refused up front naming the key, nothing written.
# Environment: VEXPORT, CHECK_ALPHA, MEDIA. Exit 0 pass, 1 fail, 77 skip.
set -u
: "${VEXPORT:?}" "${CHECK_ALPHA:?}" "${MEDIA:?}"
[ -f "$MEDIA/screen.mp4" ] || { echo "SKIP: $MEDIA/screen.mp4 missing"; exit 77; }
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 ||
    { echo "SKIP: the ffmpeg and ffprobe tools are needed"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-alpha.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ln -s "$MEDIA/screen.mp4" "$tmp/rec.mp4"
# a webcam: 2 s at 24 fps (the camera bubble, partly beyond the screen)
ffmpeg -nostdin -v error -f lavfi -i testsrc2=s=160x120:r=24:d=2 -c:v libx264 -preset ultrafast \
    -pix_fmt yuv420p "$tmp/webcam.mp4" || fail "cannot make the webcam clip"
# project NAME BACKGROUND OUTPUT-EXTRA [END]
project() {
    cat >"$tmp/$1.json" <<J
{ "version": 1, "output": { "width": 640, "height": 360, "fps": 30 $3 },
  "sources": { "screen": "rec.mp4", "camera": "webcam.mp4" }, "background": $2,
  "padding": 0.1, "radius": 16,
  "shadow": { "blur": 16, "opacity": 0.6, "offset_x": 0, "offset_y": 8 },
  "camera": { "size": 0.3, "margin": 0.02 },
  "timeline": [ { "start": 0, "end": ${4:-1.5} } ] }
J
}

project alpha '"transparent"' ',"codec":"prores"'
"$VEXPORT" render "$tmp/alpha.json" -o "$tmp/alpha.mov" --progress json >"$tmp/alpha.out" \
    2>"$tmp/alpha.log" || { cat "$tmp/alpha.log"; fail "vexport render -o alpha.mov"; }
grep -q '"frame":45,' "$tmp/alpha.out" && grep -q '"done":true' "$tmp/alpha.out" ||
    { cat "$tmp/alpha.out"; fail "no progress up to frame 45 and done"; }
[ ! -e "$tmp/alpha.mov.partial" ] || fail "alpha.mov.partial left behind"
echo "ok: exported, progress: $(grep -c '"frame"' "$tmp/alpha.out") lines"
project opaque '"#1e293b"' ''
"$VEXPORT" render "$tmp/opaque.json" -o "$tmp/opaque.mp4" --preset ultrafast --crf 0 -q \
    >"$tmp/opaque.log" 2>&1 || { cat "$tmp/opaque.log"; fail "vexport render -o opaque.mp4"; }
# MOV MP4 W H FRAMES FPS PADDING SW SH RADIUS BLUR OPACITY DX DY CX CY CW: the bubble's box,
# w = 2 round(0.3 * 360 / 2) = 108 at (2 round((640 - 7.2 - 108) / 2), ...) = (524, 244)
"$CHECK_ALPHA" "$tmp/alpha.mov" "$tmp/opaque.mp4" 640 360 45 30 0.1 1280 720 16 16 0.6 0 8 \
    524 244 108 ||
    fail "check_alpha"
a=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name,sample_rate,duration \
    -of default=nw=1:nk=1 "$tmp/alpha.mov" | tr '\n' ' ')
awk -v a="$a" 'BEGIN { split(a, v, " "); exit !(v[1] == "aac" && v[2] == 48000 &&
    v[3] > 1.45 && v[3] < 1.6) }' || fail "audio '$a', expected aac 48000 and 1.5 s"
echo "ok: audio $a"

# a cut cross-faded (each side composed over black and white, the pairs mixed): 1 + 1 - 0.4 s
cat >"$tmp/xfade.json" <<J
{ "version": 1, "output": { "width": 640, "height": 360, "fps": 30, "codec": "prores" },
  "sources": { "screen": "rec.mp4" }, "background": "transparent", "padding": 0.1,
  "radius": 16, "shadow": { "blur": 16, "opacity": 0.6, "offset_x": 0, "offset_y": 8 },
  "timeline": [ { "start": 0, "end": 1 },
                { "start": 2, "end": 3, "transition": { "type": "crossfade", "duration": 0.4 } } ] }
J
sed 's/"transparent"/"#1e293b"/; s/, "codec": "prores"//' "$tmp/xfade.json" >"$tmp/xfade-o.json"
"$VEXPORT" render "$tmp/xfade.json" -o "$tmp/xfade.mov" -q >"$tmp/xfade.log" 2>&1 &&
"$VEXPORT" render "$tmp/xfade-o.json" -o "$tmp/xfade.mp4" --preset ultrafast --crf 0 -q \
    >>"$tmp/xfade.log" 2>&1 || { cat "$tmp/xfade.log"; fail "vexport render (cross-fade)"; }
"$CHECK_ALPHA" "$tmp/xfade.mov" "$tmp/xfade.mp4" 640 360 48 30 0.1 1280 720 16 16 0.6 0 8 ||
    fail "check_alpha (cross-fade)"

# Ctrl-C during the export: exit 130, nothing left behind
project long '"transparent"' ',"codec":"prores"' 4
"$VEXPORT" render "$tmp/long.json" -o "$tmp/long.mov" --progress json >"$tmp/long.out" \
    2>"$tmp/long.log" &
pid=$!
for _ in $(seq 300); do grep -q '"frame":' "$tmp/long.out" 2>/dev/null && break; sleep 0.05; done
grep -q '"frame":' "$tmp/long.out" || fail "no progress from the long export"
kill -INT $pid
wait $pid
r=$?
[ $r = 130 ] || { cat "$tmp/long.log"; fail "Ctrl-C: exit code $r, expected 130"; }
[ ! -e "$tmp/long.mov" ] && [ ! -e "$tmp/long.mov.partial" ] || fail "a cancelled export left files"
echo "ok: Ctrl-C after $(grep -c '"frame"' "$tmp/long.out") frames: exit 130, nothing left"

# refused up front where the output has no alpha, naming the key
refuse() { # NAME OUTPUT OUTPUT-EXTRA PATTERN [FLAGS]
    project "$1" '"transparent"' "$3"
    "$VEXPORT" render "$tmp/$1.json" -o "$tmp/$2" ${5:-} >"$tmp/$1.log" 2>&1
    r=$?
    [ $r = 1 ] || { cat "$tmp/$1.log"; fail "$1: exit code $r, expected 1 (refused)"; }
    grep -qE "$4" "$tmp/$1.log" || { cat "$tmp/$1.log"; fail "$1: the error does not say '$4'"; }
    [ ! -e "$tmp/$2" ] && [ ! -e "$tmp/$2.partial" ] || fail "$1: a refused export left $2"
    echo "ok: refused $1: $(head -1 "$tmp/$1.log")"
}
refuse mp4 x.mp4 '' '^vexport: error: background "transparent": .*\.mov with output\.codec "prores"'
refuse mov-h264 x.mov '' 'background "transparent": .*h264 in a \.mov'
refuse webm x.webm '' 'background "transparent"'
refuse gif x.gif '' 'background "transparent"'
refuse chunk x.mov ',"codec":"prores"' 'background "transparent": .*chunks' '--chunk 0/2'
echo "PASS: the transparent ProRes 4444 export decodes with the documented alpha; refused elsewhere"
