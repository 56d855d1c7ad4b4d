/** Test helpers for waiting on state changes without busy loops. */

/**
 * Runs `fn` with a signal that aborts after `ms`; rejects with a message
 * naming `what` when the time runs out.
 */
export async function within<T>(
  ms: number,
  what: string,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const ac = new AbortController();
  const timer = setTimeout(
    () => ac.abort(new Error(`timed out after ${ms} ms waiting for ${what}`)),
    ms,
  );
  try {
    return await fn(ac.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `ready()` is true, re-checking at each `changed(signal)`. */
export function until(
  ready: () => boolean,
  changed: (signal: AbortSignal) => Promise<void>,
  what: string,
  ms = 5000,
): Promise<void> {
  return within(ms, what, async (signal) => {
    while (!ready()) await changed(signal);
  });
}
