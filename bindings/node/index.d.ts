/// <reference types="node" />
// Type declarations for the vexport package (lib/index.js).

/** A project: a path to a project file, or the project itself (docs/project-format.md). */
export type ProjectInput = string | Record<string, unknown>;

export interface Progress {
  /** frames written so far */
  frame: number;
  /** frames the export will have */
  total: number;
  /** average frames per second so far */
  fps: number;
  /** estimated seconds left (-1 while unknown, 0 at the end) */
  etaSeconds: number;
  elapsedSeconds: number;
  /** duration of the output video in seconds */
  durationSeconds: number;
  /** true on the final call after a successful export */
  done: boolean;
}

export interface RenderOptions {
  /** the MP4 to write (written to OUTPUT.partial, renamed at the end) */
  output: string;
  /** called on the event loop, at most every 50 ms and once at 100% */
  onProgress?: (p: Progress) => void;
  /** aborting it cancels the export: the promise rejects with an AbortError, nothing is left */
  signal?: AbortSignal;
  /** where a project object's relative paths resolve (default: the current folder) */
  baseDir?: string;
  /** thread budget for this export; 0 = the CPUs */
  threads?: number;
  /** libavcodec encoder name, or "auto" */
  encoder?: string;
  preset?: string;
  /** constant rate factor; default: the project's output.quality */
  crf?: number;
  /** "auto", "none" or a device type */
  hwaccel?: string;
  /** always decode, compose and encode, never copy the recording as it is */
  noPassthrough?: boolean;
}

export interface Stats {
  output: string;
  /** "composite", "remux" or "remux-cuts" */
  mode: string;
  frames: number;
  durationSeconds: number;
  wallSeconds: number;
  setupSeconds: number;
  decodeSeconds: number;
  composeSeconds: number;
  encodeSeconds: number;
  audioSeconds: number;
  muxSeconds: number;
  framesDecoded: number;
  framesComposed: number;
  threads: number;
  encoder: string;
  hwaccel: string;
  peakRssKiB: number;
}

/** An RGBA frame, width * 4 bytes a row. */
export interface Frame {
  width: number;
  height: number;
  data: Buffer;
}

/** Errors are Errors with `code` ("EINVAL", "ENOENT", ...; "ABORT_ERR" when aborted) and
 *  `errno` (the library's negative code). The message names the file or project key. */
export interface VexportError extends Error {
  code: string;
  errno?: number;
}

export interface ProjectOptions {
  baseDir?: string;
}

/** A project kept open to render frames at any time (a scrubbing preview), on the library's
 *  persistent preview: a frame after the previous one decodes forward from there. */
export declare class Preview {
  private constructor();
  /** The output frame shown at `seconds` (RGBA), rendered on a worker thread; into `into`
   *  (width * height * 4 bytes, then the frame's data) instead of a new Buffer when given. */
  render(seconds: number, into?: Buffer): Promise<Frame>;
  /** Makes the frame rendering now (or the next one) reject with errno ECANCELED. */
  cancel(): void;
  close(): void;
}

/** Exports the project on a worker thread; resolves with the final statistics. */
export declare function render(project: ProjectInput, options: RenderOptions): Promise<Stats>;
/** The output frame shown at `seconds`. */
export declare function renderFrame(project: ProjectInput, seconds: number, options?: ProjectOptions): Promise<Frame>;
export declare function openPreview(project: ProjectInput, options?: ProjectOptions): Promise<Preview>;
/** What vexport sees of a media file, one line per stream after a summary line. */
export declare function probe(path: string): Promise<string[]>;
/** The library's version ("0.1.0"). */
export declare const version: string;
