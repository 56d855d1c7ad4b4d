/** Helpers shared by the shell tests. */
import assert from "@std/assert";
import { FsError, type FsErrorCode } from "../../src/fs/errors.ts";

/** Awaits `p`, asserts it rejects with an FsError with `code`, and returns it. */
export async function rejectsFs(
  p: Promise<unknown>,
  code: FsErrorCode,
): Promise<FsError> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof FsError)) {
      throw new assert.AssertionError({
        message: `expected FsError ${code}, got ${e}`,
      });
    }
    assert.equal(e.code, code, e.message);
    return e;
  }
  throw new assert.AssertionError({
    message: `expected FsError ${code}, got a result`,
  });
}

const decoder = new TextDecoder();

/** Bytes as UTF-8 text. */
export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
