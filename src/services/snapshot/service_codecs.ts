/**
 * The codecs of the standard services: TaskFs (spec, meta, status, result)
 * and LogsFs (stdout, stderr, events, drop counts), beside those of the
 * file services.
 *
 * @module
 */

import { FS_CODECS } from "../../fs/snapshot/fs_codecs.ts";
import { corrupt, JsonReader } from "../../fs/snapshot/json_reader.ts";
import type { MountCodec } from "../../fs/snapshot/mount_codec.ts";
import type { SnapshotArchive } from "../../fs/snapshot/archive.ts";
import { LogEvent } from "../log_event.ts";
import type { LogBytesState } from "../log_streams.ts";
import { LogsFs, type LogsFsState } from "../logs_fs.ts";
import { TaskFs, type TaskFsState } from "../task_fs.ts";
import type { TaskMeta, TaskSpec } from "../task_spec.ts";
import type { TaskStatus } from "../task_status.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Runs a service's own `fromState` check, its TypeError turned into `corrupt`. */
function checked<T>(where: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof TypeError) throw corrupt(where, e.message);
    throw e;
  }
}

/**
 * TaskFs: spec and meta as JSON, times, status, and `/result.json` as a blob.
 *
 * @example
 * ```ts
 * import { TASK_CODEC } from "./service_codecs.ts";
 * console.log(TASK_CODEC.service); // "task"
 * ```
 */
export const TASK_CODEC: MountCodec = {
  service: "task",
  needsBase: false,
  handles: (svc) => svc instanceof TaskFs,
  capture(svc, { out }) {
    const s = (svc as TaskFs).exportState();
    const data: Record<string, unknown> = {
      spec: s.spec,
      meta: s.meta,
      createdAtNs: String(s.createdAtNs),
      status: s.status,
      statusAtNs: String(s.statusAtNs),
    };
    if (s.result !== undefined) {
      data.result = {
        blob: out.blob(s.result.bytes),
        size: s.result.bytes.length,
        mtimeNs: String(s.result.mtimeNs),
      };
    }
    return { data };
  },
  check(data, { archive, where }) {
    const r = JsonReader.object(data, where);
    const state: TaskFsState = {
      spec: r.raw("spec") as TaskSpec,
      meta: r.raw("meta") as TaskMeta,
      createdAtNs: r.nanoseconds("createdAtNs"),
      status: r.raw("status") as TaskStatus,
      statusAtNs: r.nanoseconds("statusAtNs"),
    };
    const result = r.optionalObject("result");
    if (result !== undefined) {
      state.result = {
        bytes: archive.blob(result.string("blob"), result.integer("size"), result.where),
        mtimeNs: result.nanoseconds("mtimeNs"),
      };
      result.done();
    }
    r.done();
    const task = checked(where, () => TaskFs.fromState(state));
    return () => task;
  },
};

/**
 * LogsFs: stdout and stderr as blobs, the events as a JSONL blob, the cap,
 * the times and the drop counts.
 *
 * @example
 * ```ts
 * import { LOGS_CODEC } from "./service_codecs.ts";
 * console.log(LOGS_CODEC.service); // "logs"
 * ```
 */
export const LOGS_CODEC: MountCodec = {
  service: "logs",
  needsBase: false,
  handles: (svc) => svc instanceof LogsFs,
  capture(svc, { out }) {
    const s = (svc as LogsFs).exportState();
    const bytes = (b: LogBytesState) => ({
      blob: out.blob(b.bytes),
      size: b.bytes.length,
      mtimeNs: String(b.mtimeNs),
      droppedBytes: b.droppedBytes,
      pendingDropBytes: b.pendingDropBytes,
    });
    const jsonl = new TextEncoder().encode(
      s.events.events.map((e) => e.toLine() + "\n").join(""),
    );
    return {
      data: {
        maxBytesPerStream: s.maxBytesPerStream,
        createdAtNs: String(s.createdAtNs),
        stdout: bytes(s.stdout),
        stderr: bytes(s.stderr),
        events: {
          blob: out.blob(jsonl),
          size: jsonl.length,
          count: s.events.events.length,
          mtimeNs: String(s.events.mtimeNs),
          droppedEvents: s.events.droppedEvents,
          droppedBytes: s.events.droppedBytes,
          lastDropAt: s.events.lastDropAt,
        },
      },
    };
  },
  check(data, { archive, where }) {
    const r = JsonReader.object(data, where);
    const bytes = (name: "stdout" | "stderr"): LogBytesState => {
      const b = r.object(name);
      const out = {
        bytes: archive.blob(b.string("blob"), b.integer("size"), b.where),
        mtimeNs: b.nanoseconds("mtimeNs"),
        droppedBytes: b.integer("droppedBytes"),
        pendingDropBytes: b.integer("pendingDropBytes"),
      };
      b.done();
      return out;
    };
    const e = r.object("events");
    const state: LogsFsState = {
      maxBytesPerStream: r.integer("maxBytesPerStream"),
      createdAtNs: r.nanoseconds("createdAtNs"),
      stdout: bytes("stdout"),
      stderr: bytes("stderr"),
      events: {
        events: readEvents(archive, e, e.integer("count")),
        mtimeNs: e.nanoseconds("mtimeNs"),
        droppedEvents: e.integer("droppedEvents"),
        droppedBytes: e.integer("droppedBytes"),
        lastDropAt: e.number("lastDropAt"),
      },
    };
    e.done();
    r.done();
    const logs = checked(where, () => LogsFs.fromState(state));
    return () => logs;
  },
};

function readEvents(archive: SnapshotArchive, e: JsonReader, count: number): LogEvent[] {
  const bytes = archive.blob(e.string("blob"), e.integer("size"), e.where);
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw corrupt(e.where, "the events are not UTF-8 text");
  }
  const lines = text === "" ? [] : text.slice(0, -1).split("\n");
  if (text !== "" && !text.endsWith("\n")) throw corrupt(e.where, "the events do not end a line");
  if (lines.length !== count) {
    throw corrupt(e.where, `says ${count} events, the JSONL holds ${lines.length}`);
  }
  return lines.map((line, i) => {
    try {
      return LogEvent.parse(line);
    } catch (err) {
      throw corrupt(e.where, `event ${i}: ${(err as Error).message}`);
    }
  });
}

/**
 * The codecs of the file services and the standard services, in the order
 * they are tried.
 *
 * @example
 * ```ts
 * import { SERVICE_CODECS } from "./service_codecs.ts";
 * console.log(SERVICE_CODECS.map((c) => c.service)); // ["cow", "mem", "map", "task", "logs"]
 * ```
 */
export const SERVICE_CODECS: readonly MountCodec[] = Object.freeze([
  ...FS_CODECS,
  TASK_CODEC,
  LOGS_CODEC,
]);
