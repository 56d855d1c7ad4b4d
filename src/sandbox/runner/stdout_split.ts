/**
 * Splitting a child's stdout into the runner's message lines and the text
 * an agent printed.
 *
 * @module
 */

/** The longest message line accepted from the child (its final message holds the changes). */
export const MAX_MESSAGE_CHARS = 128 * 1024 * 1024;

/** How many characters at the end of `text` may be the start of `prefix`. */
function heldBack(text: string, prefix: string): number {
  for (let k = Math.min(text.length, prefix.length - 1); k > 0; k--) {
    if (text.endsWith(prefix.slice(0, k))) return k;
  }
  return 0;
}

/** A piece of the child's stdout: the agent's own text, a message line, or a message given up. */
export type StdoutPiece = { text: string } | { line: string } | { oversized: true };

/**
 * Splits the child's stdout into message lines (from `prefix` to the end of
 * the line) and the text an agent printed, passed on as it comes. A message
 * may follow text printed without a newline. Memory is bounded but for one
 * message in progress, given up past `maxMessage` characters.
 */
export async function* splitStdout(
  stream: ReadableStream<Uint8Array>,
  prefix: string,
  maxMessage: number,
): AsyncGenerator<StdoutPiece> {
  const decoder = new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
  let held = "";
  let message: string[] | undefined;
  let size = 0;
  let skipping = false;
  for await (const chunk of stream.pipeThrough(decoder)) {
    let buf = held + chunk;
    held = "";
    while (buf !== "") {
      if (message !== undefined || skipping) {
        const nl = buf.indexOf("\n");
        if (message !== undefined) {
          const part = nl < 0 ? buf : buf.slice(0, nl);
          size += part.length;
          if (size > maxMessage) {
            [message, skipping] = [undefined, true];
            yield { oversized: true };
          } else message.push(part);
        }
        if (nl < 0) break;
        if (message !== undefined) yield { line: message.join("") };
        [message, skipping, buf] = [undefined, false, buf.slice(nl + 1)];
        continue;
      }
      const at = buf.indexOf(prefix);
      if (at >= 0) {
        if (at > 0) yield { text: buf.slice(0, at) };
        [message, size, buf] = [[prefix], prefix.length, buf.slice(at + prefix.length)];
        continue;
      }
      const keep = heldBack(buf, prefix);
      if (buf.length > keep) yield { text: buf.slice(0, buf.length - keep) };
      held = buf.slice(buf.length - keep);
      break;
    }
  }
  if (message !== undefined) yield { line: message.join("") };
  else if (held !== "") yield { text: held };
}
