/**
 * WsFs: WebSocket connections as files. A pure state machine; WsConnector
 * (an executor) owns the sockets.
 *
 * Files:
 *
 * | path | what |
 * |---|---|
 * | `/control` | write `{"url":"wss://..."}` to open (read back `{"id":"conn-0"}`), `{"id":"conn-0"}` to close |
 * | `/status` | all connections: id, url, state; how many are active; the limit |
 * | `/conns/{id}/in` | read the next received message (FIFO) |
 * | `/conns/{id}/out` | write a text message (one message per write handle, sent at close) |
 * | `/conns/{id}/out.bin` | write a binary message |
 * | `/conns/{id}/status` | the connection's state as JSON ({@linkcode WsConnectionInfo}) |
 * | `/conns/{id}/url` | the URL |
 *
 * `/control` follows the commit-file protocol (DESIGN.md D6): open it
 * read+write, write the JSON, read the same handle for the reply. An open
 * request may name its own id (`{"url": ..., "id": "mine"}`) and ask for
 * `"reconnect": true`. A URL the allow-list refuses is EACCES; a bad
 * request is EINVAL; too many active connections is EMFILE.
 *
 * Reading `in` takes exactly one message, the one at the head of the queue
 * when the handle first reads (or stats). While no message is queued and
 * the connection is not finished, reads fail with EAGAIN and
 * `whenReadable(signal)` resolves when one arrives; once the connection is
 * closed and drained, `in` reads as empty (end of file).
 *
 * Each inbox is bounded (`maxInboxMessages`, `maxInboxBytes`): past a
 * bound the oldest messages are dropped, counted in the status (`dropped`)
 * and reported through `onLog`.
 *
 * Closed connections stop counting toward the limit at once; the last
 * `retainClosed` of them stay listed so their status and remaining
 * messages can be read, and older ones are reaped.
 *
 * @module
 */

import { BufferHandle } from "../../fs/buffer_handle.ts";
import { ByteBuffer } from "../../fs/byte_buffer.ts";
import { FsError } from "../../fs/errors.ts";
import { type ResolvedOpenFlags, resolveOpenFlags } from "../../fs/open_flags.ts";
import { normalizePath } from "../../fs/path.ts";
import type { DirEntry, FileHandle, FileService, OpenFlags, Stat } from "../../fs/types.ts";
import { openCommitFile } from "../commit_file.ts";
import { expectObject, type Fail, optId } from "../json_fields.ts";
import {
  dirStat,
  fileEntries,
  fileStat,
  jsonBytes,
  notFound,
  openComputed,
} from "../virtual_files.ts";
import { isFinalWsState, WsConnections } from "./ws_connections.ts";
import type { WsConnRecord } from "./ws_types.ts";

const CONN_FILES = ["in", "out", "out.bin", "status", "url"];
const textDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * The WebSocket capability service (see the module documentation for the
 * file protocol).
 *
 * @example
 * ```ts
 * import { WsFs } from "@oanix/oanix";
 * const ws = new WsFs();
 * const id = ws.openConnection("wss://relay.example.com");
 * ws.setConnected(id); // by the transport
 * ws.sendMessage(id, "Hello WebSocket!");
 * const out = ws.drainOutbox(id); // the transport sends these
 * ws.receiveMessage(id, "Response");
 * console.log(new TextDecoder().decode(ws.readMessage(id)!.data)); // "Response"
 * ```
 */
export class WsFs extends WsConnections implements FileService {
  readonly kind: string = "ws";

  #control(value: unknown, fail: Fail, path: string): unknown {
    const obj = expectObject(value, ["url", "id", "reconnect"], fail, "a control request");
    if (obj.url === undefined) {
      const id = optId(obj, "id", fail);
      if (id === undefined) fail(`missing field "url" (to open) or "id" (to close)`);
      if (obj.reconnect !== undefined) fail(`field "reconnect" needs "url"`);
      if (this.record(id) === undefined) throw new FsError("ENOENT", path, `no connection ${id}`);
      this.closeConnection(id);
      return { id, state: this.record(id)?.info.state ?? "closed" };
    }
    return { id: this.openFrom(obj, fail, path) };
  }

  #split(p: string): { conn?: WsConnRecord; id?: string; file?: string } {
    const m = /^\/conns\/([^/]+)(?:\/([^/]+))?$/.exec(p);
    if (m === null) return {};
    return { conn: this.record(m[1]), id: m[1], file: m[2] };
  }

  open(path: string, flags?: OpenFlags): FileHandle {
    const p = normalizePath(path);
    const f = resolveOpenFlags(flags, p);
    const st = this.stat(p);
    if (st.kind === "dir") throw new FsError("EISDIR", p);
    if (f.directory) throw new FsError("ENOTDIR", p);
    if (p === "/control") {
      if (f.create && f.exclusive) throw new FsError("EEXIST", p);
      return openCommitFile({ path: p, flags: f, commit: (v, fail) => this.#control(v, fail, p) });
    }
    if (p === "/status") return openComputed(p, f, () => jsonBytes(this.status()));
    const { conn, id, file } = this.#split(p);
    const c = conn!;
    if (file === "url") return openComputed(p, f, () => c.info.url);
    if (file === "status") return openComputed(p, f, () => jsonBytes(this.connection(id!)));
    if (file === "in") return this.#openIn(p, f, id!, c);
    return this.#openOut(p, f, id!, file === "out.bin");
  }

  #openIn(p: string, f: ResolvedOpenFlags, id: string, c: WsConnRecord): FileHandle {
    return openComputed(
      p,
      f,
      () => {
        const m = c.inbox.shift();
        if (m !== undefined) return m.data;
        if (isFinalWsState(c.info.state) || this.record(id) === undefined) return new Uint8Array();
        throw new FsError("EAGAIN", p, `no message queued on ${id} (${c.info.state})`);
      },
      // Reading takes the message at the head: a stat must not take it.
      { whenReadable: (signal) => this.#waitReadable(id, c, signal), takesOnRead: true },
    );
  }

  async #waitReadable(id: string, c: WsConnRecord, signal?: AbortSignal): Promise<void> {
    while (c.inbox.length === 0 && !isFinalWsState(c.info.state) && this.record(id) !== undefined) {
      await this.whenChanged(id, signal);
    }
  }

  #openOut(
    p: string,
    f: ResolvedOpenFlags,
    id: string,
    binary: boolean,
  ): FileHandle {
    if (f.read) throw new FsError("EACCES", p, "write-only: read received messages from in");
    const writable = () => {
      const s = this.record(id)?.info.state;
      if (s === undefined || s === "closing" || isFinalWsState(s)) {
        throw new FsError("EIO", p, `connection ${id} is ${s ?? "gone"}`);
      }
    };
    writable();
    const buffer = new ByteBuffer();
    let dirty = false;
    return new BufferHandle({
      path: p,
      buffer,
      readable: false,
      writable: true,
      append: f.append,
      stat: () => fileStat(buffer.size, false),
      onChange: () => {
        dirty = true;
      },
      onClose: (b) => {
        if (!dirty) return;
        const data = b.copy();
        if (!binary) {
          try {
            textDecoder.decode(data);
          } catch {
            throw new FsError(
              "EINVAL",
              p,
              "not valid UTF-8 text; write binary messages to out.bin",
            );
          }
        }
        writable();
        this.sendMessage(id, data, binary);
      },
    });
  }

  readdir(path: string): DirEntry[] {
    const p = normalizePath(path);
    if (p === "/") {
      return [{ name: "conns", kind: "dir" }, ...fileEntries(["control", "status"])];
    }
    if (p === "/conns") return fileEntries(this.ids(), "dir");
    const { conn, file } = this.#split(p);
    if (conn !== undefined && file === undefined) return fileEntries(CONN_FILES);
    this.stat(p);
    throw new FsError("ENOTDIR", p);
  }

  stat(path: string): Stat {
    const p = normalizePath(path);
    if (p === "/" || p === "/conns") return dirStat();
    if (p === "/control") return fileStat(0, false);
    if (p === "/status") return fileStat(jsonBytes(this.status()).length, true);
    const { conn, id, file } = this.#split(p);
    if (conn === undefined) throw notFound(p);
    if (file === undefined) return dirStat();
    switch (file) {
      case "in":
        return fileStat(conn.inbox.peek()?.data.length ?? 0, true);
      case "out":
      case "out.bin":
        return fileStat(0, false);
      case "status":
        return fileStat(jsonBytes(this.connection(id!)).length, true);
      case "url":
        return fileStat(new TextEncoder().encode(conn.info.url).length, true);
    }
    throw notFound(p);
  }

  mkdir(path: string): void {
    throw new FsError("EPERM", normalizePath(path), "open connections by writing /control");
  }

  remove(path: string): void {
    throw new FsError("EPERM", normalizePath(path), "close connections by writing /control");
  }

  rename(from: string, _to: string): void {
    throw new FsError("EPERM", normalizePath(from), "WsFs has a fixed layout");
  }

  describe(): Record<string, unknown> {
    return { allow: this.allowList.netHosts() ?? "*", maxConnections: this.maxConnections };
  }
}
