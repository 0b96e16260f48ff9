#!/bin/sh
# The uninstalled pkg-config file meson writes (BUILD/meson-uninstalled/vexport-uninstalled.pc)
# is what the bindings' tests find the library through: it must name this build's shared
# library and public headers. Environment: PKG_CONFIG_PATH, VEXPORT_BUILD.
set -eu
fail() { echo "FAIL: $*"; exit 1; }
libs=$(pkg-config --libs vexport) || fail "pkg-config does not find vexport in $PKG_CONFIG_PATH"
echo "pkg-config --libs vexport: $libs"
case " $libs " in *" -lvexport "*) ;; *) fail "no -lvexport";; esac
dir=
for f in $libs; do
  case $f in -L*) d=${f#-L}; [ -e "$d/libvexport.so" ] && dir=$d ;; esac
done
[ -n "$dir" ] || fail "no -L folder holds libvexport.so"
[ "$(cd "$dir" && pwd -P)" = "$(cd "$VEXPORT_BUILD" && pwd -P)" ] || fail "$dir is not the build folder"
# the shared library, exporting the public API
nm -D --defined-only "$dir/libvexport.so" | grep -q ' T vx_job_run$' || fail "libvexport.so lacks vx_job_run"
inc=
for f in $(pkg-config --cflags vexport); do
  case $f in -I*) [ -f "${f#-I}/vexport/vexport.h" ] && inc=${f#-I} ;; esac
done
[ -n "$inc" ] || fail "no -I folder holds vexport/vexport.h"
echo "library $dir/libvexport.so, headers $inc/vexport"
