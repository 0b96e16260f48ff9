#!/usr/bin/env bash
# Installs the Debian packages vexport needs (only those missing), then builds it.
#   scripts/setup.sh [--tests] [--target NAME] [BUILD_DIR]
# Works on a minimal Debian 12 (debootstrap --variant=minbase), as root or as a user with sudo.
# --tests also installs what the test suite needs (ffmpeg CLI, Xvfb for real screen recordings,
# debootstrap for the fresh-machine test, Slurm and munge for the scheduler test, Chromium for
# the browser check, on x86_64 the aarch64 cross gcc and qemu-user for the
# NEON kernel tests). --target NAME builds only that ninja target (./demo.sh: vexport);
# without it everything is built (the library, the tool, the tests and the benchmarks).
set -euo pipefail
cd "$(dirname "$0")/.."

tests=0
target=()
while [ $# -gt 0 ]; do
  case $1 in
    --tests) tests=1; shift ;;
    --target) target=("${2:?setup: --target needs a ninja target name}"); shift 2 ;;
    *) break ;;
  esac
done
build=${1:-build}

# gcc alone (without recommends) lacks the C library's headers and start files: libc6-dev.
# python3 runs meson and the test scripts (tests/summary.py).
pkgs=(gcc libc6-dev pkg-config meson ninja-build python3
      libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev
      libavfilter-dev
      libjson-c-dev
      libass-dev fonts-dejavu-core fonts-wqy-microhei) # captions: libass (HarfBuzz, fontconfig),
      # DejaVu (Latin, Cyrillic, Arabic, Hebrew), WenQuanYi Micro Hei (CJK, 5 MB)
if [ $tests = 1 ]; then
  pkgs+=(ffmpeg xvfb xterm x11-apps xdotool fonts-dejavu-core valgrind libyuv-dev
         clang libclang-rt-14-dev # clang + libFuzzer: tests/fuzz/run-fuzz.sh
         git debootstrap) # tests/fresh/fresh.sh: a minbase Debian 12 built, the clone run in it
  # a single-node Slurm cluster for tests/chunks/slurm.sh; headless Chromium for
  # tests/web/play.sh (does an export play in a browser)
  pkgs+=(slurm-wlm munge chromium)
  # the NEON kernels' tests: cross-built for aarch64 and run under qemu (tests/dsp/cross-test.sh)
  if [ "$(uname -m)" = x86_64 ]; then
    pkgs+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)
  fi
  # the bindings' tests (tests/bindings): Rust with Debian's cargo/rustc (1.63), Python's
  # standard library, Node with Debian's nodejs, npm, node-gyp and node-addon-api, unless a
  # Node from elsewhere (nodesource: its own npm and node-gyp, headers in /usr/include/node)
  # is installed, which Debian's node-* packages cannot sit beside
  pkgs+=(cargo python3 g++ make)
  if ! dpkg-query -W -f='${Status} ${Version}' nodejs 2>/dev/null | grep -q "installed.*nodesource"; then
    pkgs+=(nodejs npm node-gyp node-addon-api libnode-dev)
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
  # through env: sudo resets the environment, and no package may stop to ask a question
  apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
  "${apt[@]}" update -q
  "${apt[@]}" install -y -q --no-install-recommends "${missing[@]}"
fi

# node-addon-api (headers only) from the npm registry when Debian's cannot be installed
if [ $tests = 1 ] && command -v npm >/dev/null &&
   ! (cd bindings/node && node scripts/pkgconfig.js addon-api >/dev/null 2>&1); then
  echo "setup: node-addon-api from the npm registry into bindings/node/node_modules"
  (cd bindings/node && npm install --ignore-scripts --no-save --no-package-lock --no-audit \
     --no-fund node-addon-api)
fi

werror=false
[ "${CI:-}" = true ] && werror=true
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Dwerror_ci=$werror
else
  meson configure "$build" -Dwerror_ci=$werror >/dev/null
fi
ninja -C "$build" "${target[@]}"
