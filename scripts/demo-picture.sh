#!/usr/bin/env bash
# Makes the README's picture, docs/demo.png: the frame of `vexport demo` at output time AT
# (default 8.05 s: the zoom on the export dialog, the cursor clicking Pause with its ring, a
# keystroke badge of the editor's line being typed, a caption, the camera bubble), rendered by
# `vexport frame` from the demo's own inputs and project (docs/demo-project.json) and scaled
# to 960x540 with the ffmpeg tool.
# Usage: scripts/demo-picture.sh [AT] [VEXPORT]   (VEXPORT defaults to build/vexport)
set -euo pipefail
cd "$(dirname "$0")/.."
at=${1:-8.05}
vexport=${2:-build/vexport}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-demo-picture.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$vexport" synth -o "$tmp/screen.mp4" --seconds 14 --no-pointer --cursor-track "$tmp/cursor.jsonl" \
    --webcam "$tmp/camera.mp4" --mic "$tmp/mic.m4a" --keys-track "$tmp/keys.jsonl" \
    --captions "$tmp/captions.srt"
cp docs/demo-project.json "$tmp/"
"$vexport" frame "$tmp/demo-project.json" --at "$at" -o "$tmp/frame.png"
ffmpeg -v error -y -i "$tmp/frame.png" -vf scale=960:540:flags=lanczos -pix_fmt rgb24 docs/demo.png
echo "wrote docs/demo.png (the demo at $at s)"
