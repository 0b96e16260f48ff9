#!/bin/sh
# Cursor end-to-end: cursor.sh tool | lib
#
# Writes a track with known moves (60 Hz, a pause, a 0.3 s gap) and two clicks over a plain
# 640x360 30 fps clip, draws it with smoothing off, and has check_cursor compare the result
# with the same frames without the cursor: the arrow tip must sit at the track position
# (within 2 px) on every frame, and a ring must show after each click.
#   tool: through the vexport tool (two exports of a #336699 clip made by ffmpeg, the second
#         with "cursor": {"draw": false}); needs the compositor to draw the cursor.
#   lib:  through the library's cursor interface (cursor_y4m draws into plain I420 frames,
#         then NV12 frames seen through a 2x zoom view).
# Environment: CHECK_CURSOR, and VEXPORT (tool) or CURSOR_Y4M (lib). Exit 0 pass, 1 fail,
# 77 skip.
set -u
mode=${1:-tool}
: "${CHECK_CURSOR:?CHECK_CURSOR not set}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-cursor.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP
fail() { echo "FAIL: $*"; exit 1; }

python3 - "$tmp/track.jsonl" <<'EOF'
import math, sys
with open(sys.argv[1], "w") as f:
    def move(t, x, y):
        f.write('{"t": %.6f, "x": %.3f, "y": %.3f}\n' % (t, x, y))
    for i in range(12, 91):            # 0.2 .. 1.5 s: a Lissajous path
        t = i / 60
        move(t, 320 + 200 * math.sin(2.1 * t), 180 + 100 * math.sin(3.3 * t + 0.5))
        if i == 30:
            f.write('{"t": 0.5, "down": "left"}\n')
        if i == 36:
            f.write('{"t": 0.6, "up": "left"}\n')
    # nothing from 1.5 to 1.8 s: holds, then moves during the last 0.1 s
    for i in range(108, 169):          # 1.8 .. 2.8 s: a straight line
        t = i / 60
        move(t, 150 + 150 * (t - 1.8), 250 - 90 * (t - 1.8))
        if i == 120:
            f.write('{"t": 2.0, "down": "left"}\n')
        if i == 126:
            f.write('{"t": 2.1, "up": "left"}\n')
EOF

case $mode in
lib)
    : "${CURSOR_Y4M:?CURSOR_Y4M not set}"
    "$CURSOR_Y4M" "$tmp/track.jsonl" 640 360 30 3 "$tmp/a.y4m" "$tmp/b.y4m" --smoothing none ||
        fail "cursor_y4m failed"
    "$CHECK_CURSOR" "$tmp/a.y4m" "$tmp/b.y4m" "$tmp/track.jsonl" || fail "I420, 1x"
    "$CURSOR_Y4M" "$tmp/track.jsonl" 640 360 30 3 "$tmp/a.y4m" "$tmp/b.y4m" --smoothing none \
        --nv12 --map 150,80,1.5,20,10 || fail "cursor_y4m failed"
    "$CHECK_CURSOR" "$tmp/a.y4m" "$tmp/b.y4m" "$tmp/track.jsonl" --map 150,80,1.5,20,10 ||
        fail "NV12, zoomed 1.5x"
    ;;
tool)
    : "${VEXPORT:?VEXPORT not set}"
    command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg not installed"; exit 77; }
    ffmpeg -nostdin -hide_banner -loglevel error -f lavfi -i color=c=0x336699:s=640x360:r=30 \
        -t 3 -c:v libx264 -pix_fmt yuv420p "$tmp/clip.mp4" || fail "ffmpeg could not make the clip"
    for p in a b; do
        draw=true
        [ $p = b ] && draw=false
        cat >"$tmp/$p.json" <<EOF
{
  "version": 1,
  "sources": { "screen": "clip.mp4", "cursor": "track.jsonl" },
  "cursor": { "smoothing": "none", "draw": $draw }
}
EOF
        (cd / && "$VEXPORT" render "$tmp/$p.json" -o "$tmp/$p.mp4" --preset ultrafast --crf 4) \
            >"$tmp/render.log" 2>&1 || { cat "$tmp/render.log"; fail "vexport render $p"; }
    done
    "$CHECK_CURSOR" "$tmp/a.mp4" "$tmp/b.mp4" "$tmp/track.jsonl" || fail "native canvas"
    # fitted into 1280x720 with padding 0.05 (docs/project-format.md, Geometry): margin 36,
    # scale min(1208/640, 648/360) = 1.8, rectangle 1152x648 at (64, 36); cursor size 1.5
    for p in c d; do
        draw=true
        [ $p = d ] && draw=false
        cat >"$tmp/$p.json" <<EOF
{
  "version": 1,
  "output": { "width": 1280, "height": 720, "fps": 30 },
  "sources": { "screen": "clip.mp4", "cursor": "track.jsonl" },
  "padding": 0.05,
  "background": "#202020",
  "cursor": { "smoothing": "none", "size": 1.5, "draw": $draw, "click_color": "#ffcc00" }
}
EOF
        (cd / && "$VEXPORT" render "$tmp/$p.json" -o "$tmp/$p.mp4" --preset ultrafast --crf 4) \
            >"$tmp/render.log" 2>&1 || { cat "$tmp/render.log"; fail "vexport render $p"; }
    done
    "$CHECK_CURSOR" "$tmp/c.mp4" "$tmp/d.mp4" "$tmp/track.jsonl" --map 0,0,1.8,64,36 \
        --size 1.5 || fail "fitted 1280x720, size 1.5"
    ;;
*)
    echo "usage: cursor.sh tool|lib"; exit 2 ;;
esac
echo PASS
