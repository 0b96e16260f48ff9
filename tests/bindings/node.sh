#!/bin/sh
# The Node package as a user gets it: packed with npm pack (node-addon-api bundled), installed
# with npm install from the tarball into an empty folder, offline (the addon compiles there
# with node-gyp against the system's Node headers), then its node --test suite run against
# the installed copy. Environment: PKG_CONFIG_PATH (BUILD/meson-uninstalled), VEXPORT_MEDIA.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pkg="$here/../../bindings/node"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIP node or npm is not installed (scripts/setup.sh --tests installs them)"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-node.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export npm_config_cache="$tmp/npm-cache" npm_config_update_notifier=false npm_config_fund=false \
  npm_config_audit=false
mkdir "$tmp/src" "$tmp/app"
cp -r "$pkg/package.json" "$pkg/binding.gyp" "$pkg/index.d.ts" "$pkg/README.md" "$pkg/lib" \
  "$pkg/src" "$pkg/scripts" "$pkg/test" "$tmp/src/"
# node-addon-api from where the build would take it: npm's node_modules or Debian's package
api=$(cd "$pkg" && node scripts/pkgconfig.js addon-api)
mkdir "$tmp/src/node_modules"
cp -rL "$api" "$tmp/src/node_modules/node-addon-api"
(cd "$tmp/src" && npm pack --silent >/dev/null)
tgz=$(ls "$tmp"/src/vexport-*.tgz)
tar -tzf "$tgz" | grep -q 'package/node_modules/node-addon-api/package.json' || {
  echo "FAIL: the tarball does not bundle node-addon-api"; exit 1; }
(cd "$tmp/app" && npm install --offline --no-save "$tgz" > "$tmp/install.log" 2>&1) || {
  cat "$tmp/install.log"; echo "FAIL: npm install of the packed tarball"; exit 1; }
installed="$tmp/app/node_modules/vexport"
test -f "$installed/build/Release/vexport.node" || { echo "FAIL: no addon after npm install"; exit 1; }
echo "installed from $(basename "$tgz") (offline), addon built"
VEXPORT_NODE_PACKAGE="$installed" node --test "$tmp/src/test/vexport.test.js"
