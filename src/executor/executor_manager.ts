/**
 * ExecutorManager: attaches executors to the very capability instances
 * mounted in a namespace (DESIGN.md D5), starts them, and shuts them down
 * leaving no timer, socket or promise behind.
 *
 * @module
 */

import type { HttpFs } from "../capabilities/http/http_fs.ts";
import type { NostrFs } from "../capabilities/nostr/nostr_fs.ts";
import type { WsFs } from "../capabilities/ws/ws_fs.ts";
import type { Resolver } from "./dns_guard.ts";
import { ExecutorConfig } from "./executor_config.ts";
import { HttpExecutor, type HttpExecutorOptions } from "./http/http_executor.ts";
import { NostrRelayConnector } from "./nostr/nostr_relay_connector.ts";
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
  readonly #executors: Executor[] = [];
  readonly #attached = new Set<object>();
  #state: "idle" | "running" | "stopped" = "idle";
  #sweep: ReturnType<typeof setInterval> | undefined;

  /**
   * Makes a manager with nothing attached.
   *
   * @param config the configuration (defaults when omitted)
   * @param options the resolver
   */
  constructor(
    config: ExecutorConfig = ExecutorConfig.default(),
    options: ExecutorManagerOptions = {},
  ) {
    if (!(config instanceof ExecutorConfig)) {
      throw new TypeError("ExecutorManager: config must be an ExecutorConfig");
    }
    this.config = config;
    this.#options = options;
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
  attachHttp(http: HttpFs, options: Omit<HttpExecutorOptions, "resolve"> = {}): this {
    return this.#add(
      http,
      "Http",
      () => new HttpExecutor(http, this.config, { ...options, resolve: this.#options.resolve }),
    );
  }

  /** Runs the connections of `ws`. */
  attachWs(ws: WsFs): this {
    return this.#add(ws, "Ws", () => new WsConnector(ws, this.config, this.#options));
  }

  /** Connects `nostr` to its relays. */
  attachNostr(nostr: NostrFs): this {
    return this.#add(
      nostr,
      "Nostr",
      () => new NostrRelayConnector(nostr, this.config, this.#options),
    );
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
