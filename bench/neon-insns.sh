#!/bin/sh
# The plane scaler's work on aarch64, counted where no aarch64 machine is at hand: builds
# bench/plane_scale.c and the kernels for aarch64 (Debian's cross gcc, meson) and runs it under
# qemu-user one guest instruction per block, counting the instructions executed. Prints, per
# size, the guest instructions of one frame (2 frames less 1: set-up left out) with the C
# references (VEXPORT_CPU=c) and with NEON, and their ratio. A count, not a time: qemu's speed
# says nothing of a real core's, and an instruction of NEON does 8 or 16 lanes of work.
#
#   bench/neon-insns.sh [SRC_WxH:DST_WxH ...]   (default: the sizes in BENCHMARKS.md)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
command -v aarch64-linux-gnu-gcc >/dev/null ||
  { echo "no aarch64-linux-gnu-gcc (apt-get install gcc-aarch64-linux-gnu)"; exit 1; }
qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static) ||
  { echo "no qemu-aarch64 (apt-get install qemu-user)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the kernels-only build of tests/dsp/cross-test.sh (tests/dsp/meson.build builds plane_scale)
meson setup "$tmp/build" "$root" --cross-file "$root/scripts/cross/aarch64-linux-gnu.ini" \
  -Dkernels_only=true >"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log"; exit 1; }
ninja -C "$tmp/build" tests/dsp/plane_scale >/dev/null
prog=$tmp/build/tests/dsp/plane_scale

# guest instructions of one run: plane_scale SRC DST FRAMES at level $1
count() {
  VEXPORT_CPU=$1 "$qemu" -L /usr/aarch64-linux-gnu -singlestep -d nochain,exec -D /dev/stderr \
    "$prog" "$2" "$3" "$4" 2>&1 >"$tmp/out" | grep -c '^Trace'
}

# a strip of rows of each (the count per row is what matters, and the log is one line per
# instruction): a 1280x720 camera into a 280x158 bubble, a 1080p screen into its padded
# 1728x972 rectangle, a 4K screen into the same rectangle
[ $# -gt 0 ] || set -- 1280x72:280x16 1920x40:1728x36 3840x80:1728x36
printf '%-22s %16s %16s %8s\n' "size (NV12)" "C insns/frame" "NEON insns/frame" "C/NEON"
for s in "$@"; do
  src=${s%%:*} dst=${s#*:}
  c1=$(count c "$src" "$dst" 1) c2=$(count c "$src" "$dst" 2)
  sum_c=$(cat "$tmp/out")
  n1=$(count neon "$src" "$dst" 1) n2=$(count neon "$src" "$dst" 2)
  [ "$(cat "$tmp/out")" = "$sum_c" ] || { echo "NEON and C differ: $sum_c / $(cat "$tmp/out")"; exit 1; }
  c=$((c2 - c1)) n=$((n2 - n1))
  printf '%-22s %16d %16d %8s\n' "$src -> $dst" "$c" "$n" "$(awk -v c="$c" -v n="$n" 'BEGIN { printf "%.2f", c / n }')"
done
