#!/usr/bin/env bash
# Renders the built-in demo into demo.mp4 (installs missing packages and builds first).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh build
build/vexport demo -o "${1:-demo.mp4}"
