'use strict';
// node --test: the package against the real library. Environment: VEXPORT_MEDIA (the test
// media folder, tests/media/make-media.sh), VEXPORT_NODE_PACKAGE (the package to test;
// default this folder, e.g. a copy installed from the packed tarball).
const { test } = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const vx = require(process.env.VEXPORT_NODE_PACKAGE || path.join(__dirname, '..'));
const media = process.env.VEXPORT_MEDIA || path.join(__dirname, '../../../build/media');
const screen = path.join(media, 'screen.mp4'); // 1280x720, 30 fps, 4 s
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vexport-node-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const project = {
  output: { width: 320, height: 180, fps: 30 },
  sources: { screen, audio: [] },
  background: '#336699',
  padding: 0.1,
  radius: 8,
};

function ffprobe(file) {
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0',
    '-show_entries', 'stream=width,height,nb_read_frames:format=duration', '-of', 'json', file],
  { encoding: 'utf8' });
  const j = JSON.parse(out);
  return { ...j.streams[0], duration: Number(j.format.duration) };
}

// one export, watched by a 5 ms timer: the event loop must keep turning while it runs
const exported = (async () => {
  const output = path.join(tmp, 'out.mp4');
  const progress = [];
  const start = performance.now();
  let last = start, maxGap = 0, ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 5);
  try {
    const stats = await vx.render(project, { output, onProgress: p => progress.push(p), threads: 2 });
    return { output, stats, progress, maxGap, ticks, elapsed: performance.now() - start };
  } finally {
    clearInterval(timer);
  }
})();

test('render writes the export the project describes (decoded with ffprobe)', async () => {
  const { output, stats } = await exported;
  const p = ffprobe(output);
  assert.strictEqual(p.width, 320);
  assert.strictEqual(p.height, 180);
  assert.strictEqual(Number(p.nb_read_frames), 120);
  assert.ok(Math.abs(p.duration - 4) < 0.05, `duration ${p.duration}`);
  assert.strictEqual(stats.frames, 120);
  assert.strictEqual(stats.mode, 'composite');
  assert.strictEqual(stats.output, output);
  assert.ok(!fs.existsSync(output + '.partial'));
});

test('onProgress rises to 100% with { frame, total, fps, etaSeconds }', async () => {
  const { progress } = await exported;
  assert.ok(progress.length >= 2, `${progress.length} progress calls`);
  for (let i = 1; i < progress.length; i++)
    assert.ok(progress[i].frame >= progress[i - 1].frame, 'progress went backwards');
  for (const p of progress) {
    assert.strictEqual(p.total, 120);
    assert.strictEqual(typeof p.fps, 'number');
    assert.strictEqual(typeof p.etaSeconds, 'number');
  }
  const end = progress[progress.length - 1];
  assert.strictEqual(end.frame, end.total);
  assert.strictEqual(end.done, true);
  assert.strictEqual(end.etaSeconds, 0);
});

// A render that ran on the event loop's thread would hold the timer for the whole export: no
// tick until it ends. The bound is relative to the export's length, so a loaded machine (both
// cores busy exporting) slows the timer without failing the test.
test('the event loop keeps turning during an export', async (t) => {
  const { maxGap, ticks, elapsed } = await exported;
  const what = `${ticks} ticks of the 5 ms timer, the longest wait ${maxGap.toFixed(1)} ms, ` +
    `in an export of ${elapsed.toFixed(0)} ms`;
  t.diagnostic(what);
  assert.ok(elapsed >= 100, `the export is too short to tell: ${what}`);
  assert.ok(maxGap < Math.max(50, elapsed / 4), what);
  assert.ok(ticks >= elapsed / 50, what);
});

test('AbortSignal cancels an export mid-way and leaves nothing behind', async () => {
  const output = path.join(tmp, 'cancelled.mp4');
  const ac = new AbortController();
  let seen = 0;
  const slow = { ...project, timeline: [{ start: 0, speed: 0.25 }] }; // 16 s, 480 frames
  await assert.rejects(vx.render(slow, {
    output, signal: ac.signal, onProgress: (p) => {
      seen = p.frame;
      if (p.frame >= 20)
        ac.abort();
    },
  }), (e) => {
    assert.strictEqual(e.name, 'AbortError');
    assert.strictEqual(e.code, 'ABORT_ERR');
    return true;
  });
  assert.ok(seen >= 20 && seen < 480, `aborted at frame ${seen}`);
  assert.deepStrictEqual(fs.readdirSync(tmp).filter(f => f.startsWith('cancelled')), []);
});

test('an already aborted signal rejects without writing', async () => {
  const output = path.join(tmp, 'never.mp4');
  await assert.rejects(vx.render(project, { output, signal: AbortSignal.abort() }), { code: 'ABORT_ERR' });
  assert.ok(!fs.existsSync(output));
});

test('a bad project rejects with an Error carrying the code and the key', async () => {
  await assert.rejects(vx.render({ ...project, padding: 'wide' }, { output: path.join(tmp, 'bad.mp4') }),
    (e) => {
      assert.ok(e instanceof Error);
      assert.strictEqual(e.code, 'EINVAL');
      assert.strictEqual(e.errno, -22);
      assert.match(e.message, /padding/);
      return true;
    });
  await assert.rejects(vx.render(path.join(tmp, 'missing.json'), { output: path.join(tmp, 'bad.mp4') }),
    (e) => e.code === 'ENOENT' && /missing\.json/.test(e.message));
  assert.ok(!fs.existsSync(path.join(tmp, 'bad.mp4')));
});

test('renderFrame gives the output-sized RGBA frame', async () => {
  const f = await vx.renderFrame(project, 1.5);
  assert.strictEqual(f.width, 320);
  assert.strictEqual(f.height, 180);
  assert.ok(Buffer.isBuffer(f.data));
  assert.strictEqual(f.data.length, 320 * 180 * 4);
  // the top-left corner is padding: the background colour #336699 (within YUV rounding)
  const px = [...f.data.subarray(0, 4)];
  assert.ok(Math.abs(px[0] - 0x33) <= 3 && Math.abs(px[1] - 0x66) <= 3 && Math.abs(px[2] - 0x99) <= 3 && px[3] === 255,
    `corner pixel ${px}`);
});

test('a project file path works, relative media paths resolving against it', async () => {
  fs.copyFileSync(screen, path.join(tmp, 'rec.mp4'));
  const file = path.join(tmp, 'p.json');
  fs.writeFileSync(file, JSON.stringify({ ...project, sources: { screen: 'rec.mp4' } }));
  const f = await vx.renderFrame(file, 0);
  assert.strictEqual(f.data.length, 320 * 180 * 4);
});

test('openPreview renders several frames, and not after close', async () => {
  const pv = await vx.openPreview(project);
  const [a, b] = await Promise.all([pv.render(0.5), pv.render(3)]);
  assert.strictEqual(a.width * a.height * 4, a.data.length);
  assert.strictEqual(b.width, 320);
  pv.close();
  await assert.rejects(pv.render(1), { code: 'EINVAL' });
});

test('a preview scrubbing forwards, backwards, across a cut and a zoom gives the one-shot frames', async () => {
  // renderFrame opens a preview for its one frame (a fresh decoder, seeking to t); the kept
  // preview decodes forward from the frame before, or seeks back: the same pixels either way
  const p = {
    ...project,
    timeline: [{ start: 0, end: 2.0 }, { start: 2.6, end: 4.0 }],
    zoom: [{ start: 0.5, end: 1.5, center: [900, 500], scale: 2.0, transition: 0.3 }],
  };
  const times = [0, 0.4, 0.6, 1.0, 1.9, 2.0, 2.5, 1.2, 0.1, 3.3];
  const want = [];
  for (const t of times)
    want.push((await vx.renderFrame(p, t)).data);
  assert.ok(!want[3].equals(want[0]), 'the zoom shows');
  const pv = await vx.openPreview(p);
  const into = Buffer.alloc(320 * 180 * 4);
  for (const [i, t] of times.entries()) {
    assert.ok((await pv.render(t)).data.equals(want[i]), `t = ${t}`);
    const f = await pv.render(t, into);
    assert.ok(f.data === into && into.equals(want[i]), `into, t = ${t}`);
  }
  await assert.rejects(pv.render(1.0, Buffer.alloc(10)), (e) => e.code === 'EINVAL' && /320x180/.test(e.message));
  // a cancel rejects the render with ECANCELED; the preview renders again after it
  pv.cancel();
  await assert.rejects(pv.render(1.0), { code: 'ECANCELED' });
  assert.ok((await pv.render(1.0)).data.equals(want[3]));
  pv.close();
});

test('probe describes a recording', async () => {
  const lines = await vx.probe(screen);
  assert.match(lines.join('\n'), /video h264 1280x720/);
  await assert.rejects(vx.probe(path.join(tmp, 'nope.mp4')), { code: 'ENOENT' });
});
