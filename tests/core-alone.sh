#!/bin/sh
# The compositor, its layers, the scene and the timeline build and pass their unit tests
# without FFmpeg: configures -Dkernels_only=true (the kernels and the core, no libav*) in
# BUILD_DIR, builds it, checks that nothing in it was compiled against or linked with
# FFmpeg's libraries, and runs its unit tests (unit-layers, unit-timeline).
#   tests/core-alone.sh BUILD_DIR
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: core-alone.sh BUILD_DIR}
command -v meson >/dev/null && command -v ninja >/dev/null || { echo "SKIP: no meson or ninja"; exit 77; }
if [ ! -f "$out/build.ninja" ]; then
    meson setup "$out" "$src" -Dkernels_only=true -Dwerror_ci=true >"$out.setup.log" 2>&1 ||
        { cat "$out.setup.log"; echo "FAIL: meson setup -Dkernels_only=true"; exit 1; }
fi
ninja -C "$out" >"$out.ninja.log" 2>&1 || { cat "$out.ninja.log"; echo "FAIL: the build"; exit 1; }
for t in tests/unit/core/test_layers tests/unit/core/test_timeline; do
    [ -x "$out/$t" ] || { echo "FAIL: $t was not built without FFmpeg"; exit 1; }
    if ldd "$out/$t" | grep -q "libav"; then
        echo "FAIL: $t links FFmpeg's libraries"; exit 1
    fi
done
if grep -q "libav" "$out/compile_commands.json"; then
    echo "FAIL: something in the FFmpeg-free build is compiled against FFmpeg"; exit 1
fi
meson test -C "$out" --no-rebuild --print-errorlogs --suite core
