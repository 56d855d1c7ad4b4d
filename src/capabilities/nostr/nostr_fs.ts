/**
 * NostrFs: a Nostr identity, relays, subscriptions and NIP-90 jobs as
 * files. A pure state machine (events are signed here; no I/O);
 * NostrRelayConnector talks to the relays.
 *
 * Files:
 *
 * | path | what |
 * |---|---|
 * | `/identity/pubkey`, `/identity/npub` | the public key, hex and bech32 |
 * | `/submit` | write an event template (`{"kind":1,"content":"hi"}`); it is signed into the outbox; read back `{"id": event id}` |
 * | `/request` | write a NIP-90 job request ({@linkcode JobRequestSpec}); read back `{"id": event id}` |
 * | `/relays` | read the relays; write `{"url":"wss://..."}` to add, `{"url":...,"remove":true}` to remove |
 * | `/subscriptions` | read them; write `{"filters":[...],"id"?:...}` to add (read back `{"id"}`), `{"id":...}` to close |
 * | `/outbox/{id}.json` | a signed event we publish |
 * | `/publish/{id}.json` | per-relay publish results of an outbox event: pending, sent, ok or failed |
 * | `/inbox/{id}.json` | a received event (signature verified); removable; the newest `maxInboxEvents` are kept |
 * | `/results/{id}.json` | the result (kind + 1000) of our job request `id`; EAGAIN until it arrives |
 * | `/status` | identity, relays and their states, subscriptions, counts |
 *
 * The write files follow the commit-file protocol (DESIGN.md D6): open
 * read+write, write JSON, read the same handle for the reply. Malformed
 * JSON, unknown fields or wrong types are EINVAL with a reason; a relay the
 * allow-list refuses is EACCES.
 *
 * A job request is answered in the inbox: NostrFs subscribes (as
 * `oanix-jobs`) to feedback (kind 7000) and results (kind + 1000) that
 * reference its requests. Opening `/results/{id}.json` for one of our
 * requests succeeds at once; reads fail with EAGAIN until the result has
 * arrived, and the handle's `whenReadable(signal)` resolves when it has.
 *
 * @module
 */

import { FsError } from "../../fs/errors.ts";
import { type ResolvedOpenFlags, resolveOpenFlags } from "../../fs/open_flags.ts";
import { normalizePath } from "../../fs/path.ts";
import type { DirEntry, FileHandle, FileService, OpenFlags, Stat } from "../../fs/types.ts";
import { openCommitFile } from "../commit_file.ts";
import { expectObject, type Fail, optBoolean } from "../json_fields.ts";
import { NostrHub } from "./nostr_hub.ts";
import type { NostrFsOptions } from "./nostr_relay_types.ts";
import {
  dirStat,
  fileEntries,
  fileStat,
  jsonBytes,
  notFound,
  openComputed,
} from "../virtual_files.ts";

const DIRS = ["identity", "inbox", "outbox", "publish", "results"];
const FILES = ["relays", "request", "status", "submit", "subscriptions"];
const ITEM = /^\/(inbox|outbox|publish|results)\/([0-9a-f]{64})\.json$/;

/**
 * The Nostr capability service (see the module documentation for the file
 * protocol).
 *
 * @example
 * ```ts
 * import { NostrFs, readText } from "@oanix/oanix";
 * const nostr = NostrFs.generate();
 * console.log(readText(nostr, "/identity/npub").startsWith("npub1")); // true
 * nostr.addRelay("wss://relay.example.com");
 * const ev = nostr.createJobRequest(5050, "What is the capital of France?", { model: "m" });
 * console.log(nostr.outboxEvents().length); // 1
 * ```
 */
export class NostrFs extends NostrHub implements FileService {
  readonly kind: string = "nostr";

  /**
   * Makes a NostrFs with this identity.
   *
   * @param secretKey a 32-byte secret key */
  constructor(secretKey: Uint8Array, options: NostrFsOptions = {}) {
    super(secretKey, options);
  }

  /**
   * A NostrFs with a fresh random key.
   *
   * @example
   * ```ts
   * import { NostrFs } from "@oanix/oanix";
   * console.log(NostrFs.generate().pubkey().length); // 64
   * ```
   */
  static generate(options: NostrFsOptions = {}): NostrFs {
    const key = crypto.getRandomValues(new Uint8Array(32));
    return new NostrFs(key, options);
  }

  /** What `/status` shows. */
  status(): Record<string, unknown> {
    return {
      pubkey: this.pubkey(),
      npub: this.npub(),
      relays: this.relays().map((r) => ({ url: r.url, state: r.state })),
      subscriptions: Object.keys(this.subscriptions()),
      outbox: this.outboxEvents().length,
      inbox: this.inboxIds().length,
      dropped: this.inboxDropped(),
    };
  }

  #relayCommit(value: unknown, fail: Fail, path: string): unknown {
    const obj = expectObject(value, ["url", "remove"], fail, "a relay request");
    if (typeof obj.url !== "string") fail(`missing field "url"`);
    if (optBoolean(obj, "remove", fail) === true) {
      if (!this.removeRelay(obj.url)) throw new FsError("ENOENT", path, `no relay ${obj.url}`);
    } else {
      const d = this.allowList.check(obj.url, "GET", ["ws:", "wss:"]);
      if (!d.allowed) {
        throw new FsError(
          d.rule === "url" || d.rule === "scheme" ? "EINVAL" : "EACCES",
          path,
          `relay refused (${d.rule}): ${d.reason}`,
        );
      }
      this.addRelayWith(obj.url, fail);
    }
    return this.#relayView();
  }

  #relayView(): unknown {
    return this.relays().map((r) => ({ url: r.url, state: r.state, error: r.error }));
  }

  #subscriptionCommit(value: unknown, fail: Fail, path: string): unknown {
    const obj = expectObject(value, ["filters", "id"], fail, "a subscription request");
    if (obj.filters === undefined) {
      if (typeof obj.id !== "string") fail(`missing field "filters" (to add) or "id" (to close)`);
      if (!this.unsubscribe(obj.id)) throw new FsError("ENOENT", path, `no subscription ${obj.id}`);
      return { id: obj.id, closed: true };
    }
    return { id: this.subscribeWith({ filters: obj.filters, id: obj.id }, fail) };
  }

  #item(p: string): { dir: string; id: string } | undefined {
    const m = ITEM.exec(p);
    if (m === null) return undefined;
    const [dir, id] = [m[1], m[2]];
    const known = dir === "inbox"
      ? this.inboxEvent(id) !== undefined
      : dir === "results"
      ? this.isJob(id)
      : this.outboxEvent(id) !== undefined;
    return known ? { dir, id } : undefined;
  }

  #itemBytes(dir: string, id: string, p: string): Uint8Array {
    switch (dir) {
      case "inbox": {
        const e = this.inboxEvent(id);
        if (e === undefined) throw new FsError("ENOENT", p, "the event was removed");
        return jsonBytes(e);
      }
      case "outbox":
        return jsonBytes(this.outboxEvent(id));
      case "publish":
        return jsonBytes({ id, relays: this.publishResults(id) });
      default: {
        const r = this.jobResultNow(id);
        if (r === undefined) throw new FsError("EAGAIN", p, `no result for job ${id} yet`);
        return jsonBytes(r);
      }
    }
  }

  #commit(p: string, f: ResolvedOpenFlags): FileHandle {
    if (f.create && f.exclusive) throw new FsError("EEXIST", p);
    switch (p) {
      case "/submit":
        return openCommitFile({
          path: p,
          flags: f,
          commit: (v, fail) => ({ id: this.submitWith(v, fail).id }),
        });
      case "/request":
        return openCommitFile({
          path: p,
          flags: f,
          commit: (v, fail) => ({ id: this.jobWith(v, fail).id }),
        });
      case "/relays":
        return openCommitFile({
          path: p,
          flags: f,
          commit: (v, fail) => this.#relayCommit(v, fail, p),
          view: () => this.#relayView(),
        });
      default:
        return openCommitFile({
          path: p,
          flags: f,
          commit: (v, fail) => this.#subscriptionCommit(v, fail, p),
          view: () => this.subscriptions(),
        });
    }
  }

  open(path: string, flags?: OpenFlags): FileHandle {
    const p = normalizePath(path);
    const f = resolveOpenFlags(flags, p);
    const st = this.stat(p);
    if (st.kind === "dir") throw new FsError("EISDIR", p);
    if (f.directory) throw new FsError("ENOTDIR", p);
    if (["/submit", "/request", "/relays", "/subscriptions"].includes(p)) return this.#commit(p, f);
    if (p === "/status") return openComputed(p, f, () => jsonBytes(this.status()));
    if (p === "/identity/pubkey") return openComputed(p, f, () => this.pubkey());
    if (p === "/identity/npub") return openComputed(p, f, () => this.npub());
    const { dir, id } = this.#item(p)!;
    return openComputed(
      p,
      f,
      () => this.#itemBytes(dir, id, p),
      dir === "results"
        ? { whenReadable: (signal) => this.jobResult(id, signal).then(() => {}) }
        : {},
    );
  }

  readdir(path: string): DirEntry[] {
    const p = normalizePath(path);
    if (p === "/") {
      return [...fileEntries(DIRS, "dir"), ...fileEntries(FILES)].sort((a, b) =>
        a.name < b.name ? -1 : 1
      );
    }
    const json = (ids: string[]) => fileEntries(ids.map((id) => `${id}.json`));
    switch (p) {
      case "/identity":
        return fileEntries(["npub", "pubkey"]);
      case "/inbox":
        return json(this.inboxIds());
      case "/outbox":
      case "/publish":
        return json(this.outboxIds());
      case "/results":
        return json(this.outboxIds().filter((id) => this.jobResultNow(id) !== undefined));
    }
    this.stat(p);
    throw new FsError("ENOTDIR", p);
  }

  stat(path: string): Stat {
    const p = normalizePath(path);
    if (p === "/" || DIRS.includes(p.slice(1))) return dirStat();
    if (["/submit", "/request"].includes(p)) return fileStat(0, false);
    if (p === "/relays") return fileStat(jsonBytes(this.#relayView()).length, false);
    if (p === "/subscriptions") return fileStat(jsonBytes(this.subscriptions()).length, false);
    if (p === "/status") return fileStat(jsonBytes(this.status()).length, true);
    if (p === "/identity/pubkey") return fileStat(64, true);
    if (p === "/identity/npub") return fileStat(this.npub().length, true);
    const item = this.#item(p);
    if (item === undefined) throw notFound(p);
    if (item.dir === "results" && this.jobResultNow(item.id) === undefined) {
      return fileStat(0, true);
    }
    return fileStat(this.#itemBytes(item.dir, item.id, p).length, item.dir !== "inbox");
  }

  mkdir(path: string): void {
    throw new FsError("EPERM", normalizePath(path), "NostrFs has a fixed layout");
  }

  remove(path: string): void {
    const p = normalizePath(path);
    const item = this.#item(p);
    if (item?.dir === "inbox") {
      this.removeInboxEvent(item.id);
      return;
    }
    this.stat(p);
    throw new FsError("EPERM", p, "only inbox events can be removed");
  }

  rename(from: string, _to: string): void {
    throw new FsError("EPERM", normalizePath(from), "NostrFs has a fixed layout");
  }

  describe(): Record<string, unknown> {
    return { pubkey: this.pubkey(), relays: this.relays().map((r) => r.url) };
  }
}
