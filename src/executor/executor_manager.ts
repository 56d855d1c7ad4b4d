/**
 * ExecutorManager: attaches executors to the very capability instances
 * mounted in a namespace (DESIGN.md D5), starts them, and shuts them down
 * leaving no timer, socket or promise behind.
 *
 * @module
 */

import type { HttpFs } from "../capabilities/http/http_fs.ts";
import type { OnLog } from "../capabilities/log_hook.ts";
import type { NostrFs } from "../capabilities/nostr/nostr_fs.ts";
import type { WsFs } from "../capabilities/ws/ws_fs.ts";
import { denoResolver, type Resolver } from "./dns_guard.ts";
import { ExecutorConfig } from "./executor_config.ts";
import { Credentials } from "./http/credentials.ts";
import { HttpExecutor, type HttpExecutorOptions } from "./http/http_executor.ts";
import { type ConnectorOptions, liveSockets } from "./managed_socket.ts";
import { NostrRelayConnector } from "./nostr/nostr_relay_connector.ts";
import { recordHttp } from "./record/http_recording.ts";
import { HttpReplayer } from "./record/http_replayer.ts";
import { unsignedFrame } from "./record/nostr_frames.ts";
import { ReplaySession } from "./record/replay_session.ts";
import { replaySockets } from "./record/replay_socket.ts";
import { recordResolver, replayResolver } from "./record/resolver_recording.ts";
import { recordSockets } from "./record/socket_recording.ts";
import type { SocketKind } from "./record/transcript_format.ts";
import { Transcript } from "./record/transcript.ts";
import { TranscriptRecorder } from "./record/transcript_recorder.ts";
import { WsConnector } from "./ws/ws_connector.ts";

interface Executor {
  start(): void;
  sweep(): void;
  shutdown(): Promise<void>;
}

/**
 * Options shared by every executor of a manager.
 *
 * @example
 * ```ts
 * import { ExecutorManager } from "@oanix/oanix";
 * const m = new ExecutorManager(undefined, { resolve: () => Promise.resolve(["93.184.216.34"]) });
 * ```
 */
export interface ExecutorManagerOptions {
  /** How host names are resolved for the address guard (default `Deno.resolveDns`). */
  resolve?: Resolver;
  /**
   * Records every exchange with the outside world into a transcript (see
   * docs/capabilities.md, "Record and replay"). The host closes it after
   * `shutdown()`.
   */
  record?: TranscriptRecorder;
  /**
   * Serves every capability from this transcript, with no network at all.
   * With `record` too, the replay is recorded again (its recorder must be
   * created with the transcript's `created`).
   */
  replay?: Transcript;
  /** Hears of what a replay did not find in its transcript, and of transcript write failures. */
  onLog?: OnLog;
}

/**
 * Runs the executors of HttpFs, WsFs and NostrFs instances.
 *
 * @example
 * ```ts
 * import {
 *   ExecutorConfig, ExecutorManager, HttpFs, Namespace, NostrFs, RetryPolicy, WsFs,
 * } from "@oanix/oanix";
 * const http = new HttpFs();
 * const ws = new WsFs();
 * const nostr = NostrFs.generate();
 * const executor = new ExecutorManager(
 *   ExecutorConfig.builder().httpRetry(RetryPolicy.exponential(3, 100)).build(),
 * );
 * executor.attachHttp(http).attachWs(ws).attachNostr(nostr);
 * executor.start();
 * const ns = Namespace.builder()
 *   .mount("/cap/http", http)
 *   .mount("/cap/ws", ws)
 *   .mount("/cap/nostr", nostr)
 *   .build();
 * // the agent writes /cap/http/request; the response appears in /cap/http/responses/
 * await executor.shutdown();
 * ```
 */
export class ExecutorManager {
  /** The configuration every executor uses. */
  readonly config: ExecutorConfig;
  readonly #options: ExecutorManagerOptions;
  readonly #session: ReplaySession | undefined;
  readonly #executors: Executor[] = [];
  readonly #attached = new Set<object>();
  #state: "idle" | "running" | "stopped" = "idle";
  #sweep: ReturnType<typeof setInterval> | undefined;

  /**
   * Makes a manager with nothing attached.
   *
   * @param config the configuration (defaults when omitted)
   * @param options the resolver, and a transcript to record into or replay from
   */
  constructor(
    config: ExecutorConfig = ExecutorConfig.default(),
    options: ExecutorManagerOptions = {},
  ) {
    if (!(config instanceof ExecutorConfig)) {
      throw new TypeError("ExecutorManager: config must be an ExecutorConfig");
    }
    const { record, replay } = options;
    if (record !== undefined && !(record instanceof TranscriptRecorder)) {
      throw new TypeError("ExecutorManager: options.record must be a TranscriptRecorder");
    }
    if (replay !== undefined && !(replay instanceof Transcript)) {
      throw new TypeError("ExecutorManager: options.replay must be a Transcript");
    }
    if (
      record !== undefined && replay !== undefined &&
      Date.parse(record.created) !== replay.createdMs
    ) {
      throw new TypeError(
        "ExecutorManager: a replay is recorded with the transcript's created time " +
          `(${replay.header.created}), so that replays compare byte for byte; make the recorder ` +
          "with { created: transcript.header.created }",
      );
    }
    this.config = config;
    this.#options = options;
    this.#session = replay && new ReplaySession(replay, options.onLog);
  }

  /** "idle" before start, "running", then "stopped" after shutdown. */
  get state(): "idle" | "running" | "stopped" {
    return this.#state;
  }

  #add(capability: object, kind: string, make: () => Executor): this {
    if (this.#state === "stopped") {
      throw new Error(`ExecutorManager.attach${kind}: already shut down`);
    }
    if (this.#attached.has(capability)) {
      throw new Error(`ExecutorManager.attach${kind}: this ${kind}Fs is already attached`);
    }
    const executor = make();
    this.#attached.add(capability);
    this.#executors.push(executor);
    if (this.#state === "running") executor.start();
    return this;
  }

  /**
   * Runs the requests of `http`. `options.credentials` are headers added
   * per host on the wire, and `options.secrets` the values of the
   * `{{secret:NAME}}` placeholders an agent may write, filled in for their
   * own hosts only; neither appears in a file the agent can read (see
   * docs/capabilities.md).
   */
  attachHttp(http: HttpFs, options: Omit<HttpExecutorOptions, "resolve" | "tap"> = {}): this {
    const { record } = this.#options;
    const tap = record && recordHttp(record);
    const session = this.#session;
    if (session !== undefined) {
      const credentials = new Credentials(options.credentials ?? {}, options.secrets ?? {});
      return this.#add(
        http,
        "Http",
        () => new HttpReplayer(http, session, tap, (t) => credentials.redactText(t)),
      );
    }
    return this.#add(
      http,
      "Http",
      () =>
        new HttpExecutor(http, this.config, { ...options, resolve: this.#options.resolve, tap }),
    );
  }

  /** Runs the connections of `ws`. */
  attachWs(ws: WsFs): this {
    return this.#add(ws, "Ws", () => new WsConnector(ws, this.config, this.#connector("ws")));
  }

  /**
   * Connects `nostr` to its relays. A recording notes its public key; a
   * replay needs the same key (a different one is logged as an error), and
   * a NostrFs made with `{ clock: manager.clock("nostr") }`, so that its
   * events get the times, and so the ids, they were recorded with.
   */
  attachNostr(nostr: NostrFs): this {
    return this.#add(nostr, "Nostr", () => {
      const { record } = this.#options;
      const recorded = this.#session?.identity();
      if (this.#session !== undefined && recorded !== nostr.pubkey()) {
        this.#session.log("error", "replay: the NostrFs key differs from the recording's", {
          recorded: recorded ?? null,
          pubkey: nostr.pubkey(),
        });
      }
      record?.write({ kind: "identity", pubkey: nostr.pubkey() });
      return new NostrRelayConnector(nostr, this.config, this.#connector("nostr"));
    });
  }

  /** The resolver and sockets of a connector: live, recorded, or replayed. */
  #connector(kind: SocketKind): ConnectorOptions {
    const { record, resolve } = this.#options;
    const ours = kind === "nostr" ? unsignedFrame : undefined;
    if (this.#session !== undefined) {
      return {
        resolve: replayResolver(this.#session, record),
        sockets: replaySockets(kind, this.#session, record, ours),
      };
    }
    if (record !== undefined) {
      return {
        resolve: recordResolver(resolve ?? denoResolver, record),
        sockets: recordSockets(kind, record, liveSockets, ours),
      };
    }
    return { resolve };
  }

  /**
   * A clock for a capability that reads the time (NostrFs's `clock`
   * option): the wall clock, its readings recorded when recording, and the
   * recorded readings when replaying (never the wall clock).
   *
   * @example
   * ```ts
   * import { ExecutorManager, NostrFs } from "@oanix/oanix";
   * const manager = new ExecutorManager();
   * const nostr = NostrFs.generate({ clock: manager.clock("nostr") });
   * manager.attachNostr(nostr);
   * ```
   */
  clock(name: string): () => number {
    const { record } = this.#options;
    if (this.#session !== undefined) return this.#session.clock(name, record);
    return record === undefined ? Date.now : record.clock(name);
  }

  /**
   * Starts every attached executor, and the fallback sweep every
   * `pollIntervalMs` (work is normally picked up at once, on submit).
   */
  start(): void {
    if (this.#state !== "idle") throw new Error(`ExecutorManager.start: already ${this.#state}`);
    this.#state = "running";
    for (const e of this.#executors) e.start();
    this.#sweep = setInterval(() => {
      for (const e of this.#executors) e.sweep();
    }, this.config.pollIntervalMs);
  }

  /**
   * Stops everything: queued and in-flight HTTP requests fail with
   * "shutdown", sockets close, timers are cleared; resolves when all of it
   * is done. Calling it again does nothing.
   */
  async shutdown(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    clearInterval(this.#sweep);
    await Promise.all(this.#executors.map((e) => e.shutdown()));
  }
}
