#!/bin/sh
# Runs two_jobs on the bad-input corpus's base clip (made on first use by tests/bad/make-bad.sh).
# Environment: TWO_JOBS (the test program), BAD (corpus folder).
set -u
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/../bad/make-bad.sh" "$BAD" || exit $?
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-two-jobs.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
"$TWO_JOBS" "$BAD/base.mp4" "$tmp"
