#!/bin/sh
# Runs the cancel test on the e2e screen recording. Environment: CANCEL (the test program),
# MEDIA (the e2e media folder).
set -u
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-cancel.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
"$CANCEL" "$MEDIA/screen.mp4" "$tmp"
