/** Assertions for FsError results. */
import assert from "@std/assert";
import { FsError, type FsErrorCode } from "../../src/fs/mod.ts";

/** Runs `fn`, asserts it throws an FsError with `code`, and returns it. */
export function throwsFs(fn: () => unknown, code: FsErrorCode, reason?: RegExp): FsError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (!(caught instanceof FsError)) {
    throw new assert.AssertionError({ message: `expected FsError ${code}, got ${caught}` });
  }
  assert.equal(caught.code, code, caught.message);
  if (reason !== undefined) assert.match(caught.reason ?? "", reason);
  return caught;
}
