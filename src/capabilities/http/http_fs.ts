/**
 * HttpFs: HTTP as files. A pure state machine; an executor (HttpExecutor)
 * does the network I/O.
 *
 * Files:
 *
 * | path | what |
 * |---|---|
 * | `/request` | write a request JSON ({@linkcode HttpRequestInit}); read back `{"id":"req-1"}` |
 * | `/pending/{id}.json` | a request not finished yet, with its `state` (queued, inFlight) |
 * | `/responses/{id}.json` | the outcome: a response, or a failure with an `error` |
 * | `/status` | counts: queued, inFlight, completed, failed |
 *
 * Protocol (DESIGN.md D6): open `/request` read+write, write the JSON,
 * then read the same handle: the request is committed at that first read
 * (or at close) and the read returns `{"id":"req-1"}`. A writer may also
 * name its own id (`"id": "mine"`). Malformed JSON, unknown fields, wrong
 * types or a missing url are EINVAL with a reason, and change nothing.
 * Opening `/responses/{id}.json` for a known, unfinished id succeeds; its
 * reads fail with EAGAIN until the outcome exists, and the handle's
 * `whenReadable(signal)` resolves when it does. Host code awaits
 * `http.response(id)` instead.
 *
 * File JSON uses the seed's snake_case names (`request_id`, `status_text`,
 * `duration_ms`, `completed_at`, `error_kind`, `body_encoding`, ...); the
 * host API uses camelCase. A request file may use either spelling.
 *
 * The allow-list is checked at submit: a refused request is completed at
 * once with a failure naming the rule (`"error_kind": "forbidden"`), and no
 * I/O happens. `remove("/responses/{id}.json")` forgets a finished request.
 *
 * @module
 */

import { FsError } from "../../fs/errors.ts";
import { resolveOpenFlags } from "../../fs/open_flags.ts";
import { normalizePath } from "../../fs/path.ts";
import type { DirEntry, FileHandle, FileService, OpenFlags, Stat } from "../../fs/types.ts";
import { openCommitFile } from "../commit_file.ts";
import { fromWireNames, toWireNames } from "../wire_names.ts";
import { type HttpEntry, HttpQueue } from "./http_queue.ts";
import {
  dirStat,
  fileEntries,
  fileStat,
  jsonBytes,
  notFound,
  openComputed,
} from "../virtual_files.ts";

const RESPONSE = /^\/responses\/([^/]+)\.json$/;
const PENDING = /^\/pending\/([^/]+)\.json$/;

/**
 * The HTTP capability service (see the module documentation for the file
 * protocol).
 *
 * @example
 * ```ts
 * import { HttpFs, isHttpFailure } from "@oanix/oanix";
 * const http = new HttpFs();
 * const id = http.submitRequest({ method: "GET", url: "https://api.example.com/data" });
 * const req = http.takePending(id)!; // what an executor does
 * http.completeRequest({ requestId: req.id, status: 200, body: '{"result":"success"}' });
 * const out = await http.response(id);
 * if (!isHttpFailure(out)) console.log(out.status, out.body);
 * ```
 */
export class HttpFs extends HttpQueue implements FileService {
  readonly kind: string = "http";

  #idFrom(re: RegExp, p: string): HttpEntry | undefined {
    const m = re.exec(p);
    return m === null ? undefined : this.entry(m[1]);
  }

  open(path: string, flags?: OpenFlags): FileHandle {
    const p = normalizePath(path);
    const f = resolveOpenFlags(flags, p);
    if (f.directory) throw new FsError(this.#isDir(p) ? "EISDIR" : "ENOTDIR", p);
    if (this.#isDir(p)) throw new FsError("EISDIR", p);
    if (p === "/request") {
      if (f.create && f.exclusive) throw new FsError("EEXIST", p);
      return openCommitFile({
        path: p,
        flags: f,
        commit: (value, fail) => ({ id: this.submitWith(fromWireNames(value, fail), fail) }),
      });
    }
    if (p === "/status") return openComputed(p, f, () => jsonBytes(this.status()));
    const pending = this.#idFrom(PENDING, p);
    if (pending !== undefined && pending.state !== "done") {
      const snapshot = jsonBytes(toWireNames({ ...pending.request, state: pending.state }));
      return openComputed(p, f, () => snapshot);
    }
    const entry = this.#idFrom(RESPONSE, p);
    if (entry !== undefined) {
      const id = entry.request.id;
      return openComputed(
        p,
        f,
        () => {
          const e = this.entry(id);
          if (e === undefined) throw new FsError("ENOENT", p, "the response was removed");
          if (e.state !== "done") throw new FsError("EAGAIN", p, `request ${id} is ${e.state}`);
          return this.responseBytes(e);
        },
        async (signal) => {
          await this.response(id, signal).catch((e) => {
            if (signal?.aborted) throw e;
          });
        },
      );
    }
    throw notFound(p);
  }

  #isDir(p: string): boolean {
    return p === "/" || p === "/pending" || p === "/responses";
  }

  readdir(path: string): DirEntry[] {
    const p = normalizePath(path);
    if (p === "/") {
      return [
        ...fileEntries(["pending", "responses"], "dir"),
        ...fileEntries(["request", "status"]),
      ].sort((a, b) => (a.name < b.name ? -1 : 1));
    }
    const want = p === "/pending" ? "pending" : p === "/responses" ? "done" : undefined;
    if (want === undefined) {
      this.stat(p);
      throw new FsError("ENOTDIR", p);
    }
    const names: string[] = [];
    for (const e of this.allEntries()) {
      if ((e.state === "done") === (want === "done")) names.push(`${e.request.id}.json`);
    }
    return fileEntries(names);
  }

  stat(path: string): Stat {
    const p = normalizePath(path);
    if (this.#isDir(p)) return dirStat();
    if (p === "/request") return fileStat(0, false);
    if (p === "/status") return fileStat(jsonBytes(this.status()).length, true);
    const pending = this.#idFrom(PENDING, p);
    if (pending !== undefined && pending.state !== "done") {
      return fileStat(
        jsonBytes(toWireNames({ ...pending.request, state: pending.state })).length,
        true,
      );
    }
    const entry = this.#idFrom(RESPONSE, p);
    if (entry !== undefined) {
      return fileStat(entry.state === "done" ? this.responseBytes(entry).length : 0, true);
    }
    throw notFound(p);
  }

  mkdir(path: string): void {
    throw new FsError("EPERM", normalizePath(path), "HttpFs has a fixed layout");
  }

  remove(path: string): void {
    const p = normalizePath(path);
    const entry = this.#idFrom(RESPONSE, p);
    if (entry === undefined) {
      this.stat(p);
      throw new FsError("EPERM", p, "only finished responses can be removed");
    }
    if (entry.state !== "done") throw new FsError("EBUSY", p, "the request has not finished");
    this.removeResponse(entry.request.id);
  }

  rename(from: string, _to: string): void {
    throw new FsError("EPERM", normalizePath(from), "HttpFs has a fixed layout");
  }

  describe(): Record<string, unknown> {
    return { allow: this.allowList.netHosts() ?? "*" };
  }
}
