/**
 * Jobs for the Scheduler: what to run ({@linkcode JobKind}) and how
 * ({@linkcode JobSpec}).
 *
 * @module
 */

import {
  assertInteger,
  describeValue,
  frozenJson,
  type JsonValue,
} from "../services/json_value.ts";

/**
 * A WASI program given as a path, a `file:` URL, bytes or a compiled module.
 *
 * @example
 * ```ts
 * import type { WasiModuleSource } from "@oanix/oanix";
 * const src: WasiModuleSource = "tests/fixtures/wasi/hello.wasm";
 * ```
 */
export type WasiModuleSource = string | URL | Uint8Array | WebAssembly.Module;

/**
 * What a job runs: a WASI program, a bash script inside the job's
 * namespace, a custom handler, or (only when the Scheduler allows it) a
 * `sh -c` command on the host.
 *
 * @example
 * ```ts
 * import { JobKind } from "@oanix/oanix";
 * const kinds: JobKind[] = [
 *   JobKind.wasi("agent.wasm", ["--fast"]),
 *   JobKind.script("grep -rn TODO . > /tmp/todos.txt"),
 *   JobKind.custom("review", { depth: 2 }),
 * ];
 * ```
 */
export type JobKind =
  | { readonly type: "wasi"; readonly module: WasiModuleSource; readonly args: readonly string[] }
  | { readonly type: "script"; readonly command: string }
  | { readonly type: "hostScript"; readonly command: string }
  | { readonly type: "custom"; readonly name: string; readonly data: JsonValue };

function nonEmpty(value: unknown, what: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(`${what} must be a non-empty string, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * The makers of {@linkcode JobKind} values (the type of the `JobKind` constant).
 *
 * @example
 * ```ts
 * import { JobKind, type JobKindFactory } from "@oanix/oanix";
 * const make: JobKindFactory = JobKind;
 * console.log(make.script("ls").type); // "script"
 * ```
 */
export interface JobKindFactory {
  /** A WASI command module and its arguments (`argv[1..]`). */
  wasi(module: WasiModuleSource, args?: readonly string[]): JobKind;
  /** A bash script, run by the shell inside the job's namespace (see `runShell`). */
  script(command: string): JobKind;
  /**
   * A command run with `sh -c` **on the host, outside every wall** (see
   * `Scheduler`); needs `allowScripts: true`.
   */
  hostScript(command: string): JobKind;
  /** A job run by the handler registered under `name`, with JSON `data` (default null). */
  custom(name: string, data?: JsonValue): JobKind;
}

/**
 * Makes {@linkcode JobKind} values; each checks its arguments and throws a
 * TypeError naming the bad one.
 *
 * @example
 * ```ts
 * import { JobKind } from "@oanix/oanix";
 * const k = JobKind.custom("noop");
 * if (k.type === "custom") console.log(k.name, k.data); // "noop" null
 * ```
 */
export const JobKind: JobKindFactory = Object.freeze({
  /** A WASI command module and its arguments (`argv[1..]`). */
  wasi(module: WasiModuleSource, args: readonly string[] = []): JobKind {
    const ok = typeof module === "string" ? module !== "" : module instanceof URL ||
      module instanceof Uint8Array || module instanceof WebAssembly.Module;
    if (!ok) {
      throw new TypeError(
        `JobKind.wasi: module must be a path, URL, Uint8Array or WebAssembly.Module, got ${
          describeValue(module)
        }`,
      );
    }
    if (!Array.isArray(args)) {
      throw new TypeError(
        `JobKind.wasi: args must be an array of strings, got ${describeValue(args)}`,
      );
    }
    args.forEach((a, i) => {
      if (typeof a !== "string") {
        throw new TypeError(`JobKind.wasi: args[${i}] must be a string, got ${describeValue(a)}`);
      }
    });
    return Object.freeze({ type: "wasi" as const, module, args: Object.freeze([...args]) });
  },
  /**
   * A bash script, run by the shell (just-bash) inside the job's namespace:
   * it sees the namespace and nothing else (see `runShell`).
   */
  script(command: string): JobKind {
    return Object.freeze({
      type: "script" as const,
      command: nonEmpty(command, "JobKind.script: command"),
    });
  },
  /**
   * A command run with `sh -c` in a host subprocess. **It is not confined
   * by the namespace or by Deno's permissions: it can do whatever the host
   * user can.** The Scheduler runs it only with `allowScripts: true`.
   */
  hostScript(command: string): JobKind {
    return Object.freeze({
      type: "hostScript" as const,
      command: nonEmpty(command, "JobKind.hostScript: command"),
    });
  },
  /** A job run by the handler registered under `name`, with JSON `data`. */
  custom(name: string, data: JsonValue = null): JobKind {
    return Object.freeze({
      type: "custom" as const,
      name: nonEmpty(name, "JobKind.custom: name"),
      data: frozenJson(data, "JobKind.custom: data"),
    });
  },
});

const ENV_KEY = /^[^=\0]+$/;
const KIND_TYPES = ["wasi", "script", "hostScript", "custom"];

/** A frozen copy of `spec` with `changes` (no constructor run, so no re-checks). */
function derive(spec: JobSpec, changes: Partial<JobSpec>): JobSpec {
  return Object.freeze(Object.assign(Object.create(JobSpec.prototype), spec, changes));
}

/** Checks a kind (made by JobKind or given as plain data) and returns a frozen copy. */
function checkKind(kind: unknown): JobKind {
  const k = kind as Record<string, unknown> | null;
  if (k === null || typeof k !== "object") {
    throw new TypeError(`JobSpec: kind must be a JobKind, got ${describeValue(kind)}`);
  }
  if (Object.isFrozen(k) && KIND_TYPES.includes(k.type as string)) {
    return k as JobKind; // made by JobKind, so already checked
  }
  switch (k.type) {
    case "wasi":
      return JobKind.wasi(k.module as WasiModuleSource, (k.args ?? []) as string[]);
    case "script":
      return JobKind.script(k.command as string);
    case "hostScript":
      return JobKind.hostScript(k.command as string);
    case "custom":
      return JobKind.custom(k.name as string, (k.data ?? null) as JsonValue);
  }
  throw new TypeError(
    `JobSpec: kind.type must be "wasi", "script", "hostScript" or "custom", got ${
      describeValue(k.type)
    }`,
  );
}

/**
 * An immutable description of a job: the environment it runs in, what it
 * runs, its priority (higher first; default 0), environment variables, a
 * timeout in seconds (default none) and tags. Every `with…` method returns
 * a new spec, so a submitted spec never changes.
 *
 * @example
 * ```ts
 * import { JobKind, JobSpec } from "@oanix/oanix";
 * const job = new JobSpec("env-1", JobKind.script("echo hello"))
 *   .withPriority(10)
 *   .env("DEBUG", "true")
 *   .withTimeout(300)
 *   .tag("urgent");
 * console.log(job.priority, job.envVars, job.timeoutSecs, job.tags); // 10 { DEBUG: "true" } 300 ["urgent"]
 * ```
 */
export class JobSpec {
  /** The id of the environment the job runs in. */
  readonly envId: string;
  /** What the job runs. */
  readonly kind: JobKind;
  /** Higher runs first; equal priorities run in submission order. */
  readonly priority: number = 0;
  /** Environment variables for the job. */
  readonly envVars: Readonly<Record<string, string>> = Object.freeze({});
  /** The timeout in seconds, or undefined for none. */
  readonly timeoutSecs: number | undefined = undefined;
  /** Labels, queryable with `Scheduler.jobsWithTag`. */
  readonly tags: readonly string[] = Object.freeze([]);

  /**
   * Makes a spec with the defaults.
   *
   * @param envId the id of a registered environment
   * @param kind what to run, made with {@linkcode JobKind}
   * @throws {TypeError} naming the bad argument.
   */
  constructor(envId: string, kind: JobKind) {
    this.envId = nonEmpty(envId, "JobSpec: envId");
    this.kind = checkKind(kind);
    Object.freeze(this);
  }

  /**
   * A copy with priority `n` (an integer; higher runs first).
   *
   * @throws {TypeError} when `n` is not a safe integer.
   */
  withPriority(n: number): JobSpec {
    assertInteger(n, "JobSpec.withPriority: priority");
    return derive(this, { priority: n });
  }

  /**
   * A copy with environment variable `key` set to `value`.
   *
   * @throws {TypeError} for a key that is empty or holds `=` or NUL, or a
   * value that is not a string or holds NUL.
   */
  env(key: string, value: string): JobSpec {
    if (typeof key !== "string" || !ENV_KEY.test(key)) {
      throw new TypeError(
        `JobSpec.env: key must be a non-empty string without "=" or NUL, got ${describeValue(key)}`,
      );
    }
    if (typeof value !== "string" || value.includes("\0")) {
      throw new TypeError(
        `JobSpec.env: the value of ${key} must be a string without NUL, got ${
          describeValue(value)
        }`,
      );
    }
    return derive(this, { envVars: Object.freeze({ ...this.envVars, [key]: value }) });
  }

  /**
   * A copy with a timeout of `secs` seconds (fractions allowed).
   *
   * @throws {TypeError} unless `secs` is a positive finite number.
   */
  withTimeout(secs: number): JobSpec {
    if (typeof secs !== "number" || !(secs > 0) || secs === Infinity) {
      throw new TypeError(
        `JobSpec.withTimeout: secs must be a positive number, got ${
          typeof secs === "number" ? secs : describeValue(secs)
        }`,
      );
    }
    return derive(this, { timeoutSecs: secs });
  }

  /**
   * A copy with tag `t` added (adding a tag twice keeps one).
   *
   * @throws {TypeError} for an empty or non-string tag.
   */
  tag(t: string): JobSpec {
    nonEmpty(t, "JobSpec.tag: tag");
    if (this.tags.includes(t)) return this;
    return derive(this, { tags: Object.freeze([...this.tags, t]) });
  }
}
