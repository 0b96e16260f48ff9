'use strict';
// vexport for Node.js: Promises, AbortSignal and Errors over the native addon
// (src/addon.cc), which does all its work on libuv's worker threads.
const os = require('os');
const path = require('path');

const native = require('../build/Release/vexport.node');

const errnoNames = {};
for (const [name, value] of Object.entries(os.constants.errno))
  errnoNames[value] = name;

// a native error ({ message, errno: -E... }) as a JS Error with code 'EINVAL' etc.
function vxError(e) {
  if (e && typeof e.errno === 'number' && e.code === undefined)
    e.code = errnoNames[-e.errno] || `VX_${-e.errno}`;
  return e;
}

function abortError(signal) {
  const e = new Error('The export was aborted', signal && signal.reason !== undefined ? { cause: signal.reason } : undefined);
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  return e;
}

// a project path, or a project object (docs/project-format.md) whose relative paths
// resolve against baseDir (default: the current folder)
function projectSpec(project, baseDir) {
  if (typeof project === 'string')
    return { path: project };
  if (project && typeof project === 'object')
    return { json: JSON.stringify(project), baseDir: path.resolve(baseDir || '.') };
  throw new TypeError('project must be a file path or a project object');
}

function render(project, options = {}) {
  return new Promise((resolve, reject) => {
    const { output, onProgress, signal } = options;
    if (typeof output !== 'string' || !output)
      throw new TypeError('options.output (the MP4 to write) is required');
    if (signal && signal.aborted)
      throw abortError(signal);
    let progressError = null;
    const progress = typeof onProgress === 'function' ? (p) => {
      try {
        onProgress(p);
      } catch (e) {
        if (!progressError) {
          progressError = e;
          job.cancel(); // an onProgress that throws stops the export and rejects with it
        }
      }
    } : undefined;
    const onAbort = () => job.cancel();
    const job = native.startRender(projectSpec(project, options.baseDir), path.resolve(output),
      options, progress, (err, stats) => {
        if (signal)
          signal.removeEventListener('abort', onAbort);
        if (progressError)
          reject(progressError);
        else if (err && err.errno === -os.constants.errno.ECANCELED && signal && signal.aborted)
          reject(abortError(signal));
        else if (err)
          reject(vxError(err));
        else
          resolve(stats);
      });
    if (signal)
      signal.addEventListener('abort', onAbort, { once: true });
  });
}

function callNative(fn, ...args) {
  return new Promise((resolve, reject) =>
    fn(...args, (err, value) => (err ? reject(vxError(err)) : resolve(value))));
}

class Preview {
  constructor(handle) {
    this._handle = handle;
  }

  // the output frame shown at `seconds`: { width, height, data } (RGBA, width * 4 bytes a row);
  // `into`, a Buffer of width * height * 4 bytes, receives the pixels instead of a new Buffer
  // (no allocation per frame: the fast way to scrub)
  render(seconds, into) {
    if (!this._handle)
      return Promise.reject(vxError(Object.assign(new Error('the preview is closed'), { errno: -os.constants.errno.EINVAL })));
    if (into === undefined)
      return callNative((t, cb) => this._handle.render(t, cb), seconds);
    return callNative((t, b, cb) => this._handle.render(t, b, cb), seconds, into);
  }

  // makes the frame rendering now (or the next one) reject with errno ECANCELED; the preview
  // stays usable
  cancel() {
    if (this._handle)
      this._handle.cancel();
  }

  close() {
    if (this._handle)
      this._handle.close();
    this._handle = null;
  }
}

async function openPreview(project, options = {}) {
  const handle = await callNative(native.openPreview, projectSpec(project, options.baseDir));
  return new Preview(handle);
}

async function renderFrame(project, seconds, options = {}) {
  const pv = await openPreview(project, options);
  try {
    return await pv.render(seconds);
  } finally {
    pv.close();
  }
}

function probe(file) {
  return callNative(native.probe, String(file));
}

module.exports = { render, renderFrame, openPreview, probe, Preview, version: native.version };
