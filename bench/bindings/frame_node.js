// Node side of bench/bindings/run.py: each `await preview.render(t, into)`'s ms, one a line
// (one Buffer for all frames, as a scrubbing app keeps).
'use strict';
const path = require('path');
const vx = require(process.env.VEXPORT_NODE_PACKAGE || path.join(__dirname, '../../bindings/node'));
(async () => {
  const [file, n] = [process.argv[2], Number(process.argv[3])];
  const pv = await vx.openPreview(file);
  const ms = [];
  let into = null;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const f = await pv.render(0.5 + i / 30, into || undefined);
    into = f.data;
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (f.data.length !== f.width * f.height * 4)
      throw new Error('bad frame');
  }
  pv.close();
  console.log(ms.map(x => x.toFixed(4)).join('\n'));
})();
