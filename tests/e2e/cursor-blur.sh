#!/bin/sh
# The cursor's motion blur (docs/project-format.md, "Motion blur": "cursor": true): a cursor
# parked, then moving in a straight line at 150 px/s (5 px per frame at 30 fps: with the
# shutter 1.0, N = 5 samples), then parked again, over a solid 320x180 clip drawn 1:1. The
# blurred export is checked by check_cursor_blur.py against its own model: still frames equal
# the sharp export byte for byte; moving ones equal the mean of N sharp exports whose track is
# moved by each sample's offset (>= 40 dB over the cursor). Then a cursor moving along a
# diagonal with the shutter 0.5 (N = 4), and "cursor": false.
# Environment: VEXPORT, CHECK_CURSOR_BLUR. Exit 0 pass, 1 fail, 77 skip.
set -u
: "${VEXPORT:?}" "${CHECK_CURSOR_BLUR:?}"
command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg not installed"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-cblur.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ffmpeg -nostdin -hide_banner -loglevel error -f lavfi -i color=c=0x336699:s=320x180:r=30 -t 2 \
    -c:v libx264 -pix_fmt yuv420p "$tmp/clip.mp4" || fail "ffmpeg could not make the clip"

# track NAME VX VY [SHIFT]: parked at (60, 90) from 0.1 s, moving at (VX, VY) px/s from 0.6 s
# to 1.4 s, then parked until 2 s; 120 points a second; every time moved by -SHIFT
track() {
    python3 - "$tmp/$1.jsonl" "$2" "$3" "${4:-0}" <<'PY'
import sys
path, vx, vy, d = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
with open(path, "w") as f:
    for i in range(12, 241):
        t = i / 120
        u = min(max(t, 0.6), 1.4) - 0.6
        f.write('{"t": %.9f, "x": %.6f, "y": %.6f}\n' % (t - d, 60 + vx * u, 90 + vy * u))
PY
}
# export NAME TRACK MOTION_BLUR
export_() {
    cat >"$tmp/$1.json" <<JSON
{ "version": 1, "output": { "width": 320, "height": 180, "fps": 30 },
  "sources": { "screen": "clip.mp4", "cursor": "$2.jsonl" },
  "background": "#000000", "padding": 0, "radius": 0, "shadow": null,
  "cursor": { "smoothing": "none", "size": 1.5 }, "motion_blur": $3 }
JSON
    "$VEXPORT" render "$tmp/$1.json" -o "$tmp/$1.mp4" --preset ultrafast --crf 0 --threads 2 \
        -q >"$tmp/$1.log" 2>&1 || { cat "$tmp/$1.log"; fail "vexport $1"; }
}
case_() { # NAME VX VY SHUTTER
    track "$1" "$2" "$3"
    export_ "$1-blur" "$1" "{ \"screen\": $4, \"cursor\": true }"
    export_ "$1-sharp" "$1" null
    mkdir -p "$tmp/$1-ref"
    python3 "$CHECK_CURSOR_BLUR" --offsets "$tmp/$1.jsonl" 30 "$4" >"$tmp/$1.offsets" ||
        fail "check_cursor_blur --offsets"
    while read -r n offs; do
        k=0
        for d in $offs; do
            track "$1-n$n-k$k" "$2" "$3" "$d"
            export_ "$1-n$n-k$k" "$1-n$n-k$k" null
            mv "$tmp/$1-n$n-k$k.mp4" "$tmp/$1-ref/n$n-k$k.mp4"
            k=$((k + 1))
        done
    done <"$tmp/$1.offsets"
    echo "== $1: moving at ($2, $3) px/s, shutter $4 (sample counts: $(cut -d' ' -f1 "$tmp/$1.offsets" | tr '\n' ' '))"
    python3 "$CHECK_CURSOR_BLUR" "$tmp/$1.jsonl" 30 "$4" "$tmp/$1-blur.mp4" "$tmp/$1-sharp.mp4" \
        "$tmp/$1-ref" || fail "$1: the blurred cursor is not the model's"
}
cd "$tmp" || exit 1
case_ across 150 0 1.0
case_ diagonal 160 -100 0.5
# the flag alone: "cursor": false keeps the cursor sharp even with the screen's shutter
export_ off across '{ "screen": 1.0, "cursor": false }'
md5() { ffmpeg -nostdin -v error -i "$1" -f framemd5 - | grep -v '^#' | awk '{print $NF}'; }
[ "$(md5 "$tmp/off.mp4")" = "$(md5 "$tmp/across-sharp.mp4")" ] ||
    fail "\"cursor\": false blurred the cursor"
echo "PASS: the cursor is averaged along its path over the shutter, and only while it moves"
