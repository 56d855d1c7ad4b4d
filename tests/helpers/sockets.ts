/** Closing a test server's WebSockets, waiting until each one has closed. */

/** Closes every socket with `code` and waits for their close promises. */
export async function closeAll(
  sockets: Map<WebSocket, Promise<void>>,
  code: number,
  reason: string,
): Promise<void> {
  const closing = [...sockets.values()];
  for (const s of sockets.keys()) s.close(code, reason);
  await Promise.all(closing);
}
