#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.c) with clang, ASan and UBSan in their own
# build folder and runs each for a bounded time from the checked-in seed corpus.
#   tests/fuzz/run-fuzz.sh [SECONDS_PER_TARGET]      (default 60, or $FUZZ_SECONDS)
# Environment: FUZZ_BUILD (default build-fuzz), FUZZ_TARGETS (default "project render cursor
# cues keys"). libFuzzer gets each target's tokens from tests/fuzz/TARGET.dict, or
# tests/fuzz/project.dict (project JSON) where the target has none of its own.
# Exit: 0 no crash, 1 a crash (its input is saved under FUZZ_BUILD/crashes/; copy it into
# tests/fuzz/regressions/TARGET/ and fix the bug: the replay tests then keep it fixed),
# 77 clang or its libFuzzer is missing.
#
# The library is compiled with -fsanitize=fuzzer-no-link (coverage for libFuzzer to follow),
# the targets link -fsanitize=fuzzer. New inputs found go to FUZZ_BUILD/corpus/TARGET (the
# checked-in seeds stay as they are).
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-${FUZZ_SECONDS:-60}}
build=${FUZZ_BUILD:-build-fuzz}
targets=${FUZZ_TARGETS:-project render cursor cues keys}

skip() { echo "run-fuzz: SKIP: $*"; exit 77; }
command -v clang >/dev/null 2>&1 || skip "clang not installed (scripts/setup.sh --tests installs it)"
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
    >"$probe/t.c"
clang -fsanitize=fuzzer,address "$probe/t.c" -o "$probe/t" >/dev/null 2>&1 ||
    skip "clang cannot link -fsanitize=fuzzer (libFuzzer missing: libclang-rt-14-dev)"

if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
        -Dbuildtype=debugoptimized -Dc_args=-fsanitize=fuzzer-no-link >/dev/null || exit 1
fi
exes=()
for t in $targets; do exes+=("tests/fuzz/fuzz_$t"); done
ninja -C "$build" "${exes[@]}" >"$build/ninja.log" 2>&1 || { tail -n 40 "$build/ninja.log"; exit 1; }

media="$PWD/$build/media"
sh tests/bad/make-bad.sh "$media" || exit 1
export VX_FUZZ_DIR="$media"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp"
mkdir -p "$build/crashes"
rc=0
for t in $targets; do
    mkdir -p "$build/corpus/$t"
    dict=tests/fuzz/$t.dict
    [ -f "$dict" ] || dict=tests/fuzz/project.dict
    echo "== fuzz_$t for $secs s"
    # -close_fd_mask=3: the encoders' chatter (x265) does not drown the report
    "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=3072 \
        -max_len=4096 -close_fd_mask=3 -print_final_stats=1 -dict="$dict" \
        -artifact_prefix="$build/crashes/$t-" \
        "$build/corpus/$t" "tests/fuzz/corpus/$t" 2>"$build/fuzz-$t.log"
    r=$?
    grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$build/fuzz-$t.log"
    if [ $r -ne 0 ]; then
        rc=1
        tail -n 60 "$build/fuzz-$t.log"
        echo "run-fuzz: fuzz_$t found a problem; the input is in $build/crashes/ (full log:" \
            "$build/fuzz-$t.log). Copy it into tests/fuzz/regressions/$t/ once fixed."
    fi
done
exit $rc
