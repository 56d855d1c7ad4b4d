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
 * | `/responses/{id}.body` | a response's raw body, any size, for read/pread like any file |
 * | `/uploads/{name}` | a body to send, written like any file, then named by a request's `body_file` |
 * | `/status` | counts: queued, inFlight, completed, failed, and the body bytes held |
 *
 * Protocol (DESIGN.md D6): open `/request` read+write, write the JSON,
 * then read the same handle: the request is committed at that first read
 * (or at close) and the read returns `{"id":"req-1"}`. A writer may also
 * name its own id (`"id": "mine"`). Malformed JSON, unknown fields, wrong
 * types or a missing url are EINVAL with a reason, and change nothing.
 * Opening `/responses/{id}.json` (or `.body`) for a known, unfinished id
 * succeeds; its reads fail with EAGAIN until the outcome exists, and the
 * handle's `whenReadable(signal)` resolves when it does. Host code awaits
 * `http.response(id)` instead.
 *
 * Bodies: a request body is inline (`"body"`, text or base64) or an
 * upload: create `/uploads/big.bin`, write it (write, pwrite, truncate),
 * close it, and submit `{"method":"PUT","url":...,"body_file":"big.bin"}`;
 * the request takes the upload over. A response body of up to
 * `maxInlineBytes` is inline in the JSON (`body`, `body_encoding`); every
 * body, of any size, is in `/responses/{id}.body`, and the JSON names it
 * (`body_file`) with its `body_size`. The limits (`maxRequestBytes`,
 * `maxResponseBytes`, `maxBufferedBytes`) refuse what would not fit: a
 * write past them is EFBIG, a response past them fails with
 * `"error_kind": "tooLarge"`.
 *
 * File JSON uses the seed's snake_case names (`request_id`, `status_text`,
 * `duration_ms`, `completed_at`, `error_kind`, `body_encoding`, ...); the
 * host API uses camelCase. A request file may use either spelling.
 *
 * The allow-list is checked at submit: a refused request is completed at
 * once with a failure naming the rule (`"error_kind": "forbidden"`), and no
 * I/O happens. `remove("/responses/{id}.json")` forgets a finished request
 * and frees its body.
 *
 * @module
 */

import { FsError } from "../../fs/errors.ts";
import { type ResolvedOpenFlags, resolveOpenFlags } from "../../fs/open_flags.ts";
import { normalizePath } from "../../fs/path.ts";
import type { DirEntry, FileHandle, FileService, OpenFlags, Stat } from "../../fs/types.ts";
import { openCommitFile } from "../commit_file.ts";
import { ID_PATTERN } from "../json_fields.ts";
import { PagedHandle } from "../paged_handle.ts";
import { TextBytes } from "../text_bytes.ts";
import {
  dirStat,
  fileEntries,
  fileStat,
  jsonBytes,
  notFound,
  openComputed,
  refuseWrite,
} from "../virtual_files.ts";
import { fromWireNames, toWireNames } from "../wire_names.ts";
import { bodiesFull } from "./http_limits.ts";
import { HttpQueue } from "./http_queue.ts";
import type { HttpEntry } from "./http_queue_types.ts";
import { isHttpFailure } from "./http_types.ts";

const RESPONSE = /^\/responses\/([^/]+)\.(json|body)$/;
const PENDING = /^\/pending\/([^/]+)\.json$/;
const UPLOAD = /^\/uploads\/([^/]+)$/;
const DIRS = new Set(["/", "/pending", "/responses", "/uploads"]);
const settled = (): void => {};

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

  #response(p: string): { entry: HttpEntry; body: boolean } | undefined {
    const m = RESPONSE.exec(p);
    const entry = m === null ? undefined : this.entry(m[1]);
    if (entry === undefined) return undefined;
    const body = m![2] === "body";
    // A failure has no body file.
    if (body && entry.outcome !== undefined && isHttpFailure(entry.outcome)) return undefined;
    return { entry, body };
  }

  #pending(p: string): HttpEntry | undefined {
    const m = PENDING.exec(p);
    const e = m === null ? undefined : this.entry(m[1]);
    return e?.state === "done" ? undefined : e;
  }

  #pendingBytes(e: HttpEntry): Uint8Array {
    return jsonBytes(toWireNames({ ...e.request, state: e.state }));
  }

  open(path: string, flags?: OpenFlags): FileHandle {
    const p = normalizePath(path);
    const f = resolveOpenFlags(flags, p);
    if (f.directory) throw new FsError(DIRS.has(p) ? "EISDIR" : "ENOTDIR", p);
    if (DIRS.has(p)) throw new FsError("EISDIR", p);
    if (p === "/request") {
      if (f.create && f.exclusive) throw new FsError("EEXIST", p);
      const max = this.limits.maxRequestBytes;
      return openCommitFile({
        path: p,
        flags: f,
        commit: (value, fail) => ({ id: this.submitWith(fromWireNames(value, fail), fail) }),
        // base64 of the largest body, and room for the rest of the request
        maxBytes: Math.ceil(max / 3) * 4 + 1024 * 1024,
        tooLarge: `the request is too large to inline (maxRequestBytes ${max}); ` +
          `write a large body to /uploads/ and name it with "body_file"`,
      });
    }
    if (p === "/status") return openComputed(p, f, () => jsonBytes(this.status()));
    const pending = this.#pending(p);
    if (pending !== undefined) {
      const snapshot = this.#pendingBytes(pending);
      return openComputed(p, f, () => snapshot);
    }
    const response = this.#response(p);
    if (response !== undefined) return this.#openResponse(p, f, response.entry, response.body);
    const upload = UPLOAD.exec(p);
    if (upload !== null) return this.#openUpload(p, f, upload[1]);
    throw notFound(p);
  }

  /** `/responses/{id}.json` or `.body`: EAGAIN until the outcome exists. */
  #openResponse(p: string, f: ResolvedOpenFlags, entry: HttpEntry, body: boolean): FileHandle {
    refuseWrite(p, f);
    const id = entry.request.id;
    const done = (): HttpEntry => {
      const e = this.entry(id);
      if (e === undefined) throw new FsError("ENOENT", p, "the response was removed");
      if (e.state !== "done") throw new FsError("EAGAIN", p, `request ${id} is ${e.state}`);
      return e;
    };
    // Resolves once the outcome exists (or the id is gone: the read then says so); rejects when aborted.
    const whenReadable = (signal?: AbortSignal): Promise<void> =>
      this.response(id, signal).then(settled, (e) => {
        if (signal?.aborted) throw e;
      });
    if (!body) return openComputed(p, f, () => this.responseJson(done()), { whenReadable });
    return new PagedHandle({
      path: p,
      readable: f.read,
      writable: false,
      whenReadable,
      content: () => {
        const e = done();
        if (e.responseBody === undefined) {
          throw new FsError("EIO", p, `request ${id} failed: ${JSON.stringify(e.outcome)}`);
        }
        return e.responseBody;
      },
    });
  }

  /** `/uploads/{name}`: a body to send, written like any file. */
  #openUpload(p: string, f: ResolvedOpenFlags, name: string): FileHandle {
    let upload = this.uploads.get(name);
    if (upload !== undefined && f.create && f.exclusive) throw new FsError("EEXIST", p);
    if (upload === undefined) {
      if (!f.create) throw notFound(p);
      if (!ID_PATTERN.test(name)) {
        throw new FsError("EINVAL", p, `an upload name must match ${ID_PATTERN.source}`);
      }
      upload = this.uploads.create(name);
    }
    const writes = f.write || f.append || f.truncate;
    if (f.truncate) upload.bytes.truncate(0);
    if (writes) upload.writers++;
    const max = this.limits;
    const own = upload;
    return new PagedHandle({
      path: p,
      readable: f.read,
      writable: writes,
      append: f.append,
      content: () => {
        const now = this.uploads.get(name);
        if (now !== own) throw new FsError("ENOENT", p, "the upload was sent or removed");
        return own.bytes;
      },
      onLimit: (e) =>
        e.kind === "size"
          ? new FsError("EFBIG", p, `request body too large (limit ${max.maxRequestBytes} bytes)`)
          : new FsError("ENOSPC", p, bodiesFull(max.maxBufferedBytes)),
      onClose: () => {
        if (writes) own.writers--;
      },
    });
  }

  readdir(path: string): DirEntry[] {
    const p = normalizePath(path);
    switch (p) {
      case "/":
        return [
          ...fileEntries(["pending", "responses", "uploads"], "dir"),
          ...fileEntries(["request", "status"]),
        ].sort((a, b) => (a.name < b.name ? -1 : 1));
      case "/uploads":
        return fileEntries(this.uploads.names());
      case "/pending":
      case "/responses": {
        const names: string[] = [];
        for (const e of this.allEntries()) {
          if (p === "/pending" && e.state !== "done") names.push(`${e.request.id}.json`);
          if (p === "/responses" && e.state === "done") {
            names.push(`${e.request.id}.json`);
            if (e.responseBody !== undefined) names.push(`${e.request.id}.body`);
          }
        }
        return fileEntries(names);
      }
    }
    this.stat(p);
    throw new FsError("ENOTDIR", p);
  }

  stat(path: string): Stat {
    const p = normalizePath(path);
    if (DIRS.has(p)) return dirStat();
    if (p === "/request") return fileStat(0, false);
    if (p === "/status") return fileStat(jsonBytes(this.status()).length, true);
    const pending = this.#pending(p);
    if (pending !== undefined) return fileStat(this.#pendingBytes(pending).length, true);
    const r = this.#response(p);
    if (r !== undefined) {
      if (r.entry.state !== "done") return fileStat(0, true);
      return fileStat(
        r.body ? r.entry.responseBody!.size : new TextBytes(this.responseJson(r.entry)).size,
        true,
      );
    }
    const upload = UPLOAD.exec(p);
    const u = upload === null ? undefined : this.uploads.get(upload[1]);
    if (u !== undefined) return fileStat(u.bytes.size, false);
    throw notFound(p);
  }

  mkdir(path: string): void {
    throw new FsError("EPERM", normalizePath(path), "HttpFs has a fixed layout");
  }

  remove(path: string): void {
    const p = normalizePath(path);
    const upload = UPLOAD.exec(p);
    if (upload !== null) {
      const u = this.uploads.get(upload[1]);
      if (u === undefined) throw notFound(p);
      if (u.writers > 0) throw new FsError("EBUSY", p, "the upload is open for writing");
      this.uploads.remove(upload[1]);
      return;
    }
    const r = this.#response(p);
    if (r === undefined || r.body) {
      this.stat(p);
      throw new FsError("EPERM", p, "only finished responses (their .json) can be removed");
    }
    if (r.entry.state !== "done") throw new FsError("EBUSY", p, "the request has not finished");
    this.removeResponse(r.entry.request.id);
  }

  rename(from: string, _to: string): void {
    throw new FsError("EPERM", normalizePath(from), "HttpFs has a fixed layout");
  }

  describe(): Record<string, unknown> {
    return { allow: this.allowList.netHosts() ?? "*", ...this.limits };
  }
}
