#!/usr/bin/env bash
# Runs the whole test suite (installs missing packages, builds, generates the test media).
# Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --tests build
media="$PWD/build/media"
VEXPORT="$PWD/build/vexport" bash tests/media/make-media.sh "$media"
set +e
meson test -C build --print-errorlogs --num-processes 2 "$@"
rc=$?
set -e
python3 tests/summary.py build/meson-logs/testlog.json
exit $rc
