#!/usr/bin/env bash
# Renders the built-in demo into demo.mp4 (installs missing packages and builds the tool
# first: only the tool, not the tests or benchmarks, which ./test.sh builds).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --target vexport build
build/vexport demo -o "${1:-demo.mp4}"
