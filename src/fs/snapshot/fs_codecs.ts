/**
 * The codecs of the in-memory file services: MemFs (its whole tree), MapFs
 * (its whole tree, no times) and CowFs (its changes over the base, the
 * base identified).
 *
 * @module
 */

import { changesOf, CowFs } from "../cow_fs.ts";
import { MapFs } from "../map_fs.ts";
import { MemFs } from "../mem_fs.ts";
import type { DiskUsage, FileService, QuotaOptions } from "../types.ts";
import { corrupt, JsonReader } from "./json_reader.ts";
import { buildCowFs, captureLayer, checkLayer } from "./layer_image.ts";
import type { MountCodec } from "./mount_codec.ts";
import {
  buildMapFs,
  buildMemFs,
  captureTree,
  checkEntries,
  checkFits,
  sizeOf,
} from "./tree_image.ts";

/** The limits a service has, as recorded (only those set). */
function limitsOf(usage: DiskUsage): QuotaOptions {
  const out: QuotaOptions = {};
  if (usage.maxBytes !== undefined) out.maxBytes = usage.maxBytes;
  if (usage.maxFiles !== undefined) out.maxFiles = usage.maxFiles;
  return out;
}

function readLimits(r: JsonReader): QuotaOptions | undefined {
  const l = r.object("limits");
  const out: QuotaOptions = {};
  const maxBytes = l.optionalInteger("maxBytes");
  const maxFiles = l.optionalInteger("maxFiles");
  if (maxBytes !== undefined) out.maxBytes = maxBytes;
  if (maxFiles !== undefined) out.maxFiles = maxFiles;
  l.done();
  return maxBytes === undefined && maxFiles === undefined ? undefined : out;
}

/**
 * MemFs: the whole tree with times and hard links, and the limits.
 *
 * @example
 * ```ts
 * import { MEM_CODEC } from "./fs_codecs.ts";
 * console.log(MEM_CODEC.service); // "mem"
 * ```
 */
export const MEM_CODEC: MountCodec = {
  service: "mem",
  needsBase: false,
  handles: (svc) => svc instanceof MemFs,
  capture(svc, { out }) {
    const mem = svc as MemFs;
    return { data: { limits: limitsOf(mem.usage()), entries: captureTree(mem, out) } };
  },
  check(data, { archive, where }) {
    const r = JsonReader.object(data, where);
    const limits = readLimits(r);
    const entries = checkEntries(r.array("entries"), archive, where);
    r.done();
    checkFits(sizeOf(entries), limits, where);
    return () => buildMemFs(entries, limits);
  },
};

/**
 * MapFs: the whole tree (a MapFs keeps no times of its own).
 *
 * @example
 * ```ts
 * import { MAP_CODEC } from "./fs_codecs.ts";
 * console.log(MAP_CODEC.service); // "map"
 * ```
 */
export const MAP_CODEC: MountCodec = {
  service: "map",
  needsBase: false,
  handles: (svc) => svc instanceof MapFs,
  capture(svc, { out }) {
    return { data: { entries: captureTree(svc, out) } };
  },
  check(data, { archive, where }) {
    const r = JsonReader.object(data, where);
    const entries = checkEntries(r.array("entries"), archive, where);
    r.done();
    const link = entries.find((e) => e.linkOf !== undefined);
    if (link !== undefined) throw corrupt(where, `${link.path}: a MapFs has no hard links`);
    return () => buildMapFs(entries);
  },
};

/**
 * CowFs: its changes over the base (one layer, its checkpoints left out),
 * its limits, and the base's kind, description and identity.
 *
 * @example
 * ```ts
 * import { COW_CODEC } from "./fs_codecs.ts";
 * console.log(COW_CODEC.needsBase); // true
 * ```
 */
export const COW_CODEC: MountCodec = {
  service: "cow",
  needsBase: true,
  handles: (svc) => svc instanceof CowFs,
  capture(svc, { out, identityOf }) {
    const cow = svc as CowFs;
    const base = cow.base;
    return {
      data: { limits: limitsOf(cow.usage()), nodes: captureLayer(changesOf(cow), out) },
      base: { kind: base.kind, describe: describeOf(base), identity: identityOf(base) },
    };
  },
  check(data, { archive, where, base }) {
    const r = JsonReader.object(data, where);
    const limits = readLimits(r);
    const nodes = checkLayer(r.array("nodes"), archive, base!, where);
    r.done();
    return () => buildCowFs(nodes, base!, limits);
  },
};

/**
 * A service's `describe()` as plain JSON data (`{}` when it has none or it
 * cannot be written as JSON).
 *
 * @example
 * ```ts
 * import { describeOf } from "./fs_codecs.ts";
 * import { MemFs } from "../mem_fs.ts";
 * console.log(describeOf(new MemFs({ maxFiles: 3 }))); // { maxFiles: 3 }
 * ```
 */
export function describeOf(svc: FileService): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(svc.describe?.() ?? {}));
  } catch {
    return {};
  }
}

/**
 * The codecs of the file layer, in the order they are tried.
 *
 * @example
 * ```ts
 * import { FS_CODECS } from "./fs_codecs.ts";
 * console.log(FS_CODECS.map((c) => c.service)); // ["cow", "mem", "map"]
 * ```
 */
export const FS_CODECS: readonly MountCodec[] = Object.freeze([COW_CODEC, MEM_CODEC, MAP_CODEC]);
