#!/usr/bin/env bash
# Runs the whole test suite: installs missing packages, builds, generates the test media,
# runs the tests (as root with the Debian mirror reachable, tests/fresh/fresh.sh among them:
# the README's two commands on a fresh minimal Debian 12 built by debootstrap), then runs
# them again built with AddressSanitizer + UndefinedBehaviorSanitizer, and the exports that
# exercise the pipeline's threads built with ThreadSanitizer, then fuzzes each libFuzzer
# target for a minute (tests/fuzz/run-fuzz.sh; FUZZ_SECONDS) (VEXPORT_SANITIZE=0 skips all
# three). Ends with "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --tests build
media="$PWD/build/media"
VEXPORT="$PWD/build/vexport" bash tests/media/make-media.sh "$media"
logs=(build/meson-logs/testlog.json)
rc=0
meson test -C build --print-errorlogs --num-processes 2 "$@" || rc=$?
if [ "${VEXPORT_SANITIZE:-1}" != 0 ]; then
  echo "== the same tests built with ASan + UBSan"
  if [ ! -f build-asan/build.ninja ]; then
    meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
      -Dbuildtype=debugoptimized -Dmedia_dir="$media" >/dev/null
  fi
  ninja -C build-asan
  export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp"
  # valgrind cannot run an ASan binary; it ran in the plain build above. The fresh-machine
  # test builds its own system from the clone: once is enough.
  meson test -C build-asan --print-errorlogs --num-processes 2 --no-suite memcheck \
    --no-suite fresh "$@" || rc=$?
  logs+=(build-asan/meson-logs/testlog.json)
  echo "== the pipeline's exports built with TSan"
  if [ ! -f build-tsan/build.ninja ]; then
    meson setup build-tsan -Db_sanitize=thread -Db_lundef=false \
      -Dbuildtype=debugoptimized -Dmedia_dir="$media" >/dev/null
  fi
  ninja -C build-tsan
  meson test -C build-tsan --print-errorlogs --num-processes 1 --timeout-multiplier 4 \
    --suite threads || rc=$?
  logs+=(build-tsan/meson-logs/testlog.json)
  echo "== fuzzing: each libFuzzer target for ${FUZZ_SECONDS:-60} s (clang, ASan + UBSan)"
  frc=0
  tests/fuzz/run-fuzz.sh || frc=$?
  if [ $frc = 77 ]; then echo "fuzzing skipped (reason above)"; elif [ $frc != 0 ]; then rc=1; fi
fi
python3 tests/summary.py "${logs[@]}"
exit $rc
