#!/bin/sh
# One styled export (gradient, padding, corners, shadow, audio) under valgrind memcheck:
# 0 errors and 0 bytes definitely lost, or the test fails.
set -eu
why=$(sh "$(dirname "$0")/valgrind-usable.sh" "$VEXPORT") || { echo "skip: $why"; exit 77; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/vx-valgrind.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$VEXPORT" synth -o "$dir/rec.mp4" --size 320x180 --fps 10 --seconds 1
valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite -q \
    "$VEXPORT" render --screen "$dir/rec.mp4" --size 480x270 \
    --background 'gradient:45:#102030:#a0b0c0' --padding 0.08 --radius 12 \
    --shadow 10:0.5:0:4 --preset ultrafast -q -o "$dir/out.mp4"
frames=$(ffprobe -v error -select_streams v -count_frames -show_entries stream=nb_read_frames \
    -of csv=p=0 "$dir/out.mp4")
[ "$frames" = 10 ] || { echo "FAIL: expected 10 frames, got $frames"; exit 1; }
echo "PASS: memcheck clean, $frames frames"
