/** Test helpers for asserting on thrown errors. */
import assert from "@std/assert";

/** Runs `fn`, asserts it throws an instance of `cls`, and returns the error. */
export function thrown<E extends Error>(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => E,
): E {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    return e as E;
  }
  throw new assert.AssertionError({ message: `expected ${cls.name} to be thrown` });
}

/** Awaits `p`, asserts it rejects with an instance of `cls`, and returns the error. */
export async function rejected<E extends Error>(
  p: Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => E,
): Promise<E> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    return e as E;
  }
  throw new assert.AssertionError({ message: `expected ${cls.name} to be thrown` });
}
