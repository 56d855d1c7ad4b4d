/**
 * Transcripts on disk: `cap.jsonl` and, beside it, `cap-bodies/<sha256>`
 * for the bodies too large to inline. Deno only (a browser keeps its
 * transcripts in a {@linkcode MemoryTranscriptSink} or a sink of its own).
 *
 * @module
 */

import { dirname, join } from "node:path";
import { BODIES_DIR, TranscriptError } from "./transcript_format.ts";
import { Transcript, type TranscriptParseOptions } from "./transcript.ts";
import type { MemoryTranscriptSink, TranscriptSink } from "./transcript_sink.ts";

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
}

const encoder = new TextEncoder();

/**
 * A sink that writes `cap.jsonl` (one write per line, so what is on disk
 * is always whole lines) and the body files into a folder. A body file is
 * written under a temporary name and renamed, so it is whole or absent.
 *
 * @example
 * ```ts
 * import { DirectoryTranscriptSink } from "./transcript_files.ts";
 * import { TranscriptRecorder } from "./transcript_recorder.ts";
 * const dir = await Deno.makeTempDir();
 * const recorder = new TranscriptRecorder(await DirectoryTranscriptSink.create(dir));
 * await recorder.close();
 * console.log((await Deno.readTextFile(`${dir}/cap.jsonl`)).endsWith('"kind":"end"}\n')); // true
 * ```
 */
export class DirectoryTranscriptSink implements TranscriptSink {
  /** The path of the transcript file. */
  readonly path: string;
  readonly #bodies: string;
  readonly #file: Deno.FsFile;
  #bodiesMade = false;

  private constructor(path: string, file: Deno.FsFile) {
    this.path = path;
    this.#bodies = join(dirname(path), BODIES_DIR);
    this.#file = file;
  }

  /**
   * Creates (or empties) `dir/fileName`; the folder must exist.
   *
   * @throws {Deno.errors.NotFound} and the like, when the file cannot be created.
   */
  static async create(dir: string, fileName = "cap.jsonl"): Promise<DirectoryTranscriptSink> {
    const path = join(dir, fileName);
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    return new DirectoryTranscriptSink(path, file);
  }

  /** Appends a line and its newline. */
  writeLine(line: string): Promise<void> {
    return writeAll(this.#file, encoder.encode(line + "\n"));
  }

  /** Writes `cap-bodies/<sha256>` (kept when it is there already). */
  async writeBody(sha256: string, pieces: readonly Uint8Array[]): Promise<void> {
    if (!this.#bodiesMade) {
      await Deno.mkdir(this.#bodies, { recursive: true });
      this.#bodiesMade = true;
    }
    const path = join(this.#bodies, sha256);
    const size = pieces.reduce((n, p) => n + p.length, 0);
    try {
      if ((await Deno.stat(path)).size === size) return;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    const partial = `${path}.partial`;
    const file = await Deno.open(partial, { write: true, create: true, truncate: true });
    try {
      for (const p of pieces) await writeAll(file, p);
    } finally {
      file.close();
    }
    await Deno.rename(partial, path);
  }

  /** Closes the transcript file. */
  close(): void {
    this.#file.close();
  }
}

/**
 * Reads `path` (a `cap.jsonl`) and checks that every body file it names
 * is in `cap-bodies/` beside it, with its size; the bytes are read (and
 * their digest checked) when a replay needs them.
 *
 * @throws {TranscriptError} naming the line, for a transcript that cannot
 * be read or a body file that is missing or of the wrong size.
 *
 * @example
 * ```ts
 * import { loadTranscript } from "./transcript_files.ts";
 * // const transcript = await loadTranscript("out/run-1/cap.jsonl");
 * ```
 */
export async function loadTranscript(
  path: string,
  options: Omit<TranscriptParseOptions, "bodies"> = {},
): Promise<Transcript> {
  const text = await Deno.readTextFile(path);
  const dir = join(dirname(path), BODIES_DIR);
  const transcript = Transcript.parse(text, {
    ...options,
    bodies: (sha256) => Deno.readFile(join(dir, sha256)),
  });
  for (const [sha256, { size, line }] of transcript.bodyFiles()) {
    let actual: number;
    try {
      actual = (await Deno.stat(join(dir, sha256))).size;
    } catch (e) {
      const why = e instanceof Deno.errors.NotFound ? "missing" : (e as Error).message;
      throw new TranscriptError(line, `the body file ${BODIES_DIR}/${sha256} is ${why}`);
    }
    if (actual !== size) {
      throw new TranscriptError(
        line,
        `the body file ${BODIES_DIR}/${sha256} has ${actual} bytes, expected ${size}`,
      );
    }
  }
  return transcript;
}

/**
 * Writes what a {@linkcode MemoryTranscriptSink} holds into `dir` (the
 * transcript as `cap.jsonl`, its bodies in `cap-bodies/`): for a process
 * that recorded in memory and hands the transcript to another to store.
 *
 * @example
 * ```ts
 * import { MemoryTranscriptSink } from "./transcript_sink.ts";
 * import { saveTranscript } from "./transcript_files.ts";
 * import { TranscriptRecorder } from "./transcript_recorder.ts";
 * const sink = new MemoryTranscriptSink();
 * await new TranscriptRecorder(sink).close();
 * await saveTranscript(sink, await Deno.makeTempDir());
 * ```
 */
export async function saveTranscript(sink: MemoryTranscriptSink, dir: string): Promise<void> {
  const out = await DirectoryTranscriptSink.create(dir);
  try {
    for (const [sha256, bytes] of sink.bodies()) await out.writeBody(sha256, [bytes]);
    for (const line of sink.lines()) await out.writeLine(line);
  } finally {
    out.close();
  }
}
