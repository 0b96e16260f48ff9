#!/bin/sh
# Builds the FFmpeg-free kernels and their tests for aarch64 (-Dkernels_only=true) with
# Debian's cross gcc, and with clang too when it is installed (Apple's compiler family), and
# runs them under qemu-user: every NEON kernel against its C reference, and the CPU mask
# (VEXPORT_CPU=c) turning NEON off.
#   tests/dsp/cross-test.sh [BUILD_DIR]     (default: build-aarch64)
# Exit 77 (meson's "skipped") with the reason when the cross tools are missing.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$src/build-aarch64}

skip() { echo "SKIP: $*"; exit 77; }
case $(uname -m) in
  aarch64|arm64) skip "the host is aarch64: dsp-checkasm already runs NEON natively" ;;
esac
command -v aarch64-linux-gnu-gcc >/dev/null ||
  skip "no aarch64-linux-gnu-gcc (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)"
[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] ||
  skip "no aarch64 libc (apt-get install libc6-dev-arm64-cross)"
qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)
[ -n "$qemu" ] || skip "no qemu-aarch64 (apt-get install qemu-user)"
command -v meson >/dev/null && command -v ninja >/dev/null || skip "no meson or ninja"

mkdir -p "$out"
cat > "$out/qemu.ini" <<EOT
[binaries]
exe_wrapper = ['$qemu', '-L', '/usr/aarch64-linux-gnu']
EOT

start=$(date +%s)
rc=0
# one build of the kernels and tests: NAME CROSS_FILE
run() {
  dir=$out/$1
  echo "== aarch64 kernels built with $1, run under $(basename "$qemu")"
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$src" --cross-file "$src/scripts/cross/$2" --cross-file "$out/qemu.ini" \
      -Dkernels_only=true -Dwerror_ci=true >"$out/setup-$1.log" 2>&1 ||
      { cat "$out/setup-$1.log"; rc=1; return; }
  fi
  ninja -C "$dir" >"$out/ninja-$1.log" 2>&1 || { cat "$out/ninja-$1.log"; rc=1; return; }
  meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 --suite dsp || rc=1
  # the CPU mask turns NEON off: the C path alone, NEON reported skipped
  log=$(VEXPORT_CPU=c "$qemu" -L /usr/aarch64-linux-gnu "$dir/tests/dsp/checkasm" --list) || rc=1
  echo "$log" | sed "s/^/  VEXPORT_CPU=c: /"
  echo "$log" | grep -q "^skip neon" || { echo "FAIL: VEXPORT_CPU=c did not turn NEON off"; rc=1; }
}
run gcc aarch64-linux-gnu.ini
if command -v clang >/dev/null; then
  run clang aarch64-linux-clang.ini
else
  echo "(no clang: the clang build is left out)"
fi
echo "cross build + qemu run time: $(( $(date +%s) - start )) s"
exit $rc
