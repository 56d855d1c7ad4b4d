// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
/**
 * Taking snapshot archives apart and putting them back together, to make
 * damaged ones on purpose (not a test file itself).
 *
 * @module
 */

import assert from "@std/assert";
import { createHash } from "node:crypto";
import { createTar, type ParsedTarFileItem, parseTar } from "npm:nanotar@0.3.0";
import { SnapshotError, type SnapshotErrorCode } from "../../src/fs/snapshot/mod.ts";

/** One entry of an archive: its name and bytes. */
export interface Entry {
  name: string;
  data: Uint8Array;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The entries of a tar archive, in order. */
export function entriesOf(tar: Uint8Array): Entry[] {
  return (parseTar(tar.slice()) as ParsedTarFileItem[]).map((e) => ({
    name: e.name,
    data: e.data ?? new Uint8Array(),
  }));
}

/** A tar file of `entries` (nanotar pads it; two zero records are added for the end marker). */
export function tarOf(entries: readonly Entry[]): Uint8Array {
  const tar = createTar(entries.map((e) => ({ name: e.name, data: e.data })));
  const out = new Uint8Array(tar.length + 10240);
  out.set(tar);
  return out;
}

/** The JSON of an entry. */
export function jsonOf(
  entries: readonly Entry[],
  name: string,
): Record<string, unknown> {
  const e = entries.find((x) => x.name === name);
  if (e === undefined) throw new Error(`no entry ${name}`);
  return JSON.parse(dec.decode(e.data));
}

/** Replaces (or adds) a JSON entry. */
export function setJson(entries: Entry[], name: string, value: unknown): void {
  const data = enc.encode(JSON.stringify(value));
  const i = entries.findIndex((x) => x.name === name);
  if (i === -1) entries.push({ name, data });
  else entries[i] = { name, data };
}

/** Writes the manifest's list of entries afresh, so that only the change made is wrong. */
export function relist(entries: Entry[]): void {
  const manifest = jsonOf(entries, "oanix-snapshot.json");
  const list: Record<string, { size: number; sha256: string }> = {};
  for (const e of entries.slice(1)) {
    list[e.name] = {
      size: e.data.length,
      sha256: createHash("sha256").update(e.data).digest("hex"),
    };
  }
  setJson(entries, "oanix-snapshot.json", { ...manifest, entries: list });
}

/**
 * An archive edited by `edit` (which gets its entries and may change them);
 * with `relisted`, the manifest's list of entries is made to match after.
 */
export function edited(
  tar: Uint8Array,
  edit: (entries: Entry[]) => void,
  relisted = true,
): Uint8Array {
  const entries = entriesOf(tar);
  edit(entries);
  if (relisted) relist(entries);
  return tarOf(entries);
}

/** Edits the JSON of entry `name` in place. */
export function editJson(
  entries: Entry[],
  name: string,
  edit: (value: Record<string, unknown>) => void,
): void {
  const value = jsonOf(entries, name);
  edit(value);
  setJson(entries, name, value);
}

/** Asserts that `fn` throws a SnapshotError with `code` (and a message matching `message`). */
export function assertRefused(
  fn: () => unknown,
  code: SnapshotErrorCode,
  message?: RegExp,
): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (!(caught instanceof SnapshotError)) {
    throw new assert.AssertionError({
      message: `expected SnapshotError ${code}, got ${caught}`,
    });
  }
  assert.equal(caught.code, code, caught.message);
  if (message !== undefined) assert.match(caught.message, message);
}

/** Asserts that every case is refused with `code`, its message matching the case's pattern. */
export function assertEachRefused(
  cases: ReadonlyArray<
    readonly [what: string, run: () => unknown, message?: RegExp]
  >,
  code: SnapshotErrorCode,
): void {
  for (const [what, run, message] of cases) {
    try {
      assertRefused(run, code, message);
    } catch (e) {
      throw new assert.AssertionError({
        message: `${what}: ${(e as Error).message}`,
      });
    }
  }
}
