#!/usr/bin/env node
// Compiles the addon with node-gyp against the headers of the Node that runs this script,
// when they are installed on the system (Debian's libnode-dev or nodejs packages, the
// nodesource package: PREFIX/include/node), so installing never downloads Node's headers.
// libvexport is found through pkg-config (scripts/pkgconfig.js, called by binding.gyp).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

function systemHeaders() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const dir = path.join(prefix, 'include', 'node');
  let h;
  try {
    h = fs.readFileSync(path.join(dir, 'node_version.h'), 'utf8');
  } catch (e) {
    return null;
  }
  const v = ['MAJOR', 'MINOR', 'PATCH'].map(k =>
    (h.match(new RegExp(`#define NODE_${k}_VERSION (\\d+)`)) || [])[1]).join('.');
  // headers of another Node version would build an addon for the wrong ABI
  if (`v${v}` !== process.version || !fs.existsSync(path.join(dir, 'common.gypi')))
    return null;
  return prefix;
}

const args = ['rebuild'];
if (!process.env.npm_config_nodedir) {
  const nodedir = systemHeaders();
  if (nodedir)
    args.push(`--nodedir=${nodedir}`);
}
// npm tells its scripts where its own node-gyp is; run by hand: the one npm bundles, else
// the one on PATH (Debian's node-gyp)
const bundled = path.resolve(path.dirname(process.execPath),
  '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
const gyp = process.env.npm_config_node_gyp || (fs.existsSync(bundled) ? bundled : null);
const cmd = gyp ? process.execPath : 'node-gyp';
const r = spawnSync(cmd, gyp ? [gyp, ...args] : args, { stdio: 'inherit', cwd: path.join(__dirname, '..') });
if (r.error) {
  console.error(`vexport: cannot run node-gyp (${r.error.message}); install node-gyp (Debian: apt install node-gyp)`);
  process.exit(1);
}
process.exit(r.status === null ? 1 : r.status);
