#!/usr/bin/env bash
# Installs the Debian packages vexport needs (only those missing), then builds it.
#   scripts/setup.sh [--tests] [BUILD_DIR]
# --tests also installs what the test suite needs (ffmpeg CLI, Xvfb for real screen recordings,
# on x86_64 the aarch64 cross gcc and qemu-user for the NEON kernel tests).
set -euo pipefail
cd "$(dirname "$0")/.."

tests=0
if [ "${1:-}" = "--tests" ]; then tests=1; shift; fi
build=${1:-build}

pkgs=(gcc pkg-config meson ninja-build
      libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev
      libavfilter-dev
      libjson-c-dev)
if [ $tests = 1 ]; then
  pkgs+=(ffmpeg xvfb xterm x11-apps xdotool fonts-dejavu-core valgrind libyuv-dev
         clang libclang-rt-14-dev) # clang + libFuzzer: tests/fuzz/run-fuzz.sh
  # the NEON kernels' tests: cross-built for aarch64 and run under qemu (tests/dsp/cross-test.sh)
  if [ "$(uname -m)" = x86_64 ]; then
    pkgs+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)
  fi
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null; then
    sudo=(sudo)
  else
    echo "setup: these Debian packages are missing and I am not root (and there is no sudo):" >&2
    echo "  apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

werror=false
[ "${CI:-}" = true ] && werror=true
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Dwerror_ci=$werror
else
  meson configure "$build" -Dwerror_ci=$werror >/dev/null
fi
ninja -C "$build"
