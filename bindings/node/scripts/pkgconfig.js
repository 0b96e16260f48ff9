#!/usr/bin/env node
// Prints what binding.gyp needs from pkg-config's vexport.pc, one item per line:
//   include: the include folders; libs: the linker flags, with an rpath to each -L folder
//   (so an uninstalled build, PKG_CONFIG_PATH=BUILD/meson-uninstalled, loads without
//   LD_LIBRARY_PATH); addon-api: node-addon-api's folder.
'use strict';
const { execFileSync } = require('child_process');
const path = require('path');

function pc(...args) {
  try {
    return execFileSync('pkg-config', [...args, 'vexport'], { encoding: 'utf8' }).trim();
  } catch (e) {
    process.stderr.write('vexport: pkg-config does not find vexport.pc. Install libvexport, or point ' +
      'PKG_CONFIG_PATH at a folder with vexport.pc (an uninstalled build: BUILD/meson-uninstalled)\n');
    process.exit(1);
  }
}

function split(s) {
  return s.split(/\s+/).filter(Boolean);
}

function addonApi() {
  const paths = [path.join(__dirname, '..'), '/usr/share/nodejs', '/usr/lib/nodejs'];
  try {
    return path.dirname(require.resolve('node-addon-api/package.json', { paths }));
  } catch (e) {
    process.stderr.write('vexport: node-addon-api not found (Debian: apt install node-addon-api; ' +
      'or npm install node-addon-api)\n');
    process.exit(1);
  }
}

const what = process.argv[2];
let out;
if (what === 'include') {
  out = split(pc('--cflags-only-I')).map(f => f.slice(2));
} else if (what === 'libs') {
  const libs = split(pc('--libs'));
  const rpath = libs.filter(f => f.startsWith('-L')).map(f => `-Wl,-rpath,${f.slice(2)}`);
  out = libs.concat(rpath);
} else if (what === 'addon-api') {
  out = [addonApi()];
} else {
  process.stderr.write('usage: pkgconfig.js include|libs|addon-api\n');
  process.exit(2);
}
console.log(out.join('\n'));
