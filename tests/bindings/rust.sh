#!/bin/sh
# cargo test --offline in bindings/rust (vexport-sys + vexport), with Debian's cargo and
# rustc 1.63 when installed (not a newer toolchain from rustup that may be first on PATH), so
# nothing newer slips in. Environment: PKG_CONFIG_PATH (BUILD/meson-uninstalled),
# VEXPORT_MEDIA, VEXPORT_BUILD (the target folder goes there).
set -eu
cd "$(dirname "$0")/../../bindings/rust"
if [ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ]; then
  cargo=/usr/bin/cargo
  export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
elif command -v cargo >/dev/null; then
  cargo=cargo
else
  echo "SKIP cargo is not installed (scripts/setup.sh --tests installs Debian's)"
  exit 77
fi
export CARGO_TARGET_DIR="${VEXPORT_BUILD:-$PWD}/bindings-rust-target"
"${RUSTC:-rustc}" --version
exec "$cargo" test --offline --locked
