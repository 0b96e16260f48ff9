#!/bin/sh
# python3 -m unittest in bindings/python (standard library only: ctypes finds the library
# through pkg-config). Environment: PKG_CONFIG_PATH (BUILD/meson-uninstalled), VEXPORT_MEDIA.
set -eu
cd "$(dirname "$0")/../../bindings/python"
export PYTHONDONTWRITEBYTECODE=1
exec python3 -m unittest -v
