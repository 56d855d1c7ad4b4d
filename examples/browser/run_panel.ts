/// <reference lib="dom" />
/**
 * The Run panel: runs the bundled hello-wasi program against the page's
 * live namespace with the WASI runtime (through JSPI), and shows its
 * stdout, stderr and exit code. The program's reads and writes go straight
 * to the mounted services, so the tree shows what it wrote.
 *
 * @module
 */

import type { LogsFs, Namespace, TaskFs, WasiRuntime } from "../../browser.ts";
import { errorText, h, reportError } from "./dom.ts";

/** The page elements the panel uses. */
export interface RunElements {
  form: HTMLFormElement;
  args: HTMLInputElement;
  env: HTMLInputElement;
  run: HTMLButtonElement;
  status: HTMLElement;
  exit: HTMLElement;
  stdout: HTMLElement;
  stderr: HTMLElement;
}

/** What the panel needs from the host. */
export interface RunHost {
  ns: Namespace;
  task: TaskFs;
  logs: LogsFs;
  runtime: WasiRuntime;
  /** Where the program is fetched from, relative to the page. */
  programUrl: string;
  /** Called after a run (or a failed one), to refresh the other panels. */
  after(): void;
}

/** True when this engine has JSPI (WebAssembly.Suspending and promising). */
export function hasJspi(): boolean {
  const wa = WebAssembly as unknown as Record<string, unknown>;
  return typeof wa.Suspending === "function" && typeof wa.promising === "function";
}

/** Splits on whitespace; `"a b"` keeps its space. */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** Runs the program and shows the result. */
export class RunPanel {
  readonly #host: RunHost;
  readonly #els: RunElements;
  #program: Promise<Uint8Array> | undefined;

  constructor(host: RunHost, els: RunElements) {
    this.#host = host;
    this.#els = els;
    els.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.run().catch((e) => reportError("Run hello-wasi", e));
    });
    if (!hasJspi()) {
      els.run.disabled = true;
      this.#status(
        "error",
        "This browser has no JSPI (WebAssembly.Suspending), which the WASI runtime needs. " +
          "Use a Chromium-based browser, version 137 or later.",
      );
    }
  }

  #fetchProgram(): Promise<Uint8Array> {
    this.#program ??= (async () => {
      const url = new URL(this.#host.programUrl, location.href);
      const res = await fetch(url);
      if (!res.ok) {
        throw new Error(
          `cannot fetch ${url.pathname}: HTTP ${res.status} (run \`deno task build:browser\`)`,
        );
      }
      return new Uint8Array(await res.arrayBuffer());
    })();
    // A failed fetch is tried again next time.
    this.#program.catch(() => (this.#program = undefined));
    return this.#program;
  }

  #status(kind: "idle" | "running" | "ok" | "error", text: string): void {
    this.#els.status.className = `run-status ${kind}`;
    this.#els.status.textContent = text;
  }

  #output(el: HTMLElement, text: string): void {
    el.replaceChildren(text === "" ? h("span", { class: "placeholder" }, "(empty)") : text);
  }

  /** Runs the program once. Errors are shown in the panel and the banner. */
  async run(): Promise<void> {
    const { ns, task, logs, runtime } = this.#host;
    const els = this.#els;
    const args = splitArgs(els.args.value);
    const env = splitArgs(els.env.value);
    if (args.length === 0) args.push("hello-wasi");
    els.run.disabled = true;
    els.exit.textContent = "…";
    els.exit.className = "exit running";
    this.#status("running", `Running ${args[0]}…`);
    const t0 = performance.now();
    try {
      const wasm = await this.#fetchProgram();
      if (task.status().status === "pending") task.setRunning();
      logs.info("wasi run started", { program: this.#host.programUrl, args, env });
      const r = await runtime.run(ns, wasm, { args, env, timeoutMs: 10_000 });
      const ms = Math.round(performance.now() - t0);
      els.exit.textContent = String(r.exitCode);
      els.exit.className = `exit ${r.exitCode === 0 ? "ok" : "bad"}`;
      this.#output(els.stdout, r.stdoutText);
      this.#output(els.stderr, r.stderrText);
      this.#status(r.exitCode === 0 ? "ok" : "error", `Exited with ${r.exitCode} in ${ms} ms`);
      logs.info("wasi run finished", { exitCode: r.exitCode, ms, stdoutBytes: r.stdout.length });
      if (task.status().status === "running") {
        if (r.exitCode === 0) task.setCompleted();
        else task.setFailed(`exit code ${r.exitCode}`);
      }
    } catch (e) {
      els.exit.textContent = "—";
      els.exit.className = "exit bad";
      this.#status("error", `The run failed: ${errorText(e)}`);
      if (task.status().status === "running") task.setFailed(errorText(e));
      throw e;
    } finally {
      els.run.disabled = !hasJspi();
      this.#host.after();
    }
  }
}
