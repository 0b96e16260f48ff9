#!/usr/bin/env node
// Exports a project with a progress line (Ctrl-C aborts it cleanly), then renders one
// preview frame and prints its size.
//   cd bindings/node && npm install && cd ../.. && node examples/node/render.js project.json out.mp4
'use strict';
const path = require('path');
const vexport = require(process.env.VEXPORT_NODE_PACKAGE || path.join(__dirname, '../../bindings/node'));

async function main([project, output] = process.argv.slice(2)) {
  if (!project || !output) {
    console.error('usage: render.js PROJECT.json OUT.mp4');
    process.exit(2);
  }
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  const stats = await vexport.render(project, {
    output, signal: ac.signal,
    onProgress: ({ frame, total, fps }) =>
      process.stderr.write(`\r${(100 * frame / total).toFixed(1)}%  ${fps.toFixed(0)} fps`),
  });
  console.error(`\n${output}: ${stats.mode} (${stats.wallSeconds.toFixed(2)} s)`);
  const { width, height, data } = await vexport.renderFrame(project, 1.0);
  console.log(`frame at 1 s: ${width}x${height}, ${data.length} bytes RGBA`);
  // scrubbing: a persistent preview decodes forward from the frame before, into one Buffer
  const pv = await vexport.openPreview(project);
  let buf;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 30; i++)
    buf = (await pv.render(1.0 + i / 30, buf)).data;
  pv.close();
  console.log(`30 preview frames from 1 s: ${(Number(process.hrtime.bigint() - t0) / 30e6).toFixed(1)} ms each`);
}

main().catch((e) => {
  console.error(`error (${e.code}): ${e.message}`);
  process.exit(1);
});
