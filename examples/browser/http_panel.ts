/// <reference lib="dom" />
/**
 * A small form that uses `/cap/http` the way an agent would: it writes a
 * request to `/cap/http/request`, reads its id back on the same handle,
 * and waits for `/cap/http/responses/{id}.json`, which the executor fills
 * with the page's `fetch`.
 *
 * @module
 */

import { type Namespace, readJsonWhenReady, submitJson } from "../../browser.ts";
import { errorText, reportError } from "./dom.ts";

/** The page elements the form uses. */
export interface HttpElements {
  form: HTMLFormElement;
  url: HTMLInputElement;
  send: HTMLButtonElement;
  status: HTMLElement;
}

/** Sends GET requests through `/cap/http`. */
export class HttpPanel {
  readonly #ns: Namespace;
  readonly #els: HttpElements;
  readonly #after: (responsePath: string | undefined) => void;

  constructor(ns: Namespace, els: HttpElements, after: (responsePath: string | undefined) => void) {
    this.#ns = ns;
    this.#els = els;
    this.#after = after;
    els.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.send().catch((e) => reportError("HTTP request", e));
    });
  }

  /** Submits one request and waits for its outcome. */
  async send(): Promise<void> {
    const { url, send, status } = this.#els;
    send.disabled = true;
    status.className = "run-status running";
    status.textContent = "Submitting…";
    let responsePath: string | undefined;
    try {
      const reply = submitJson(this.#ns, "/cap/http/request", { url: url.value.trim() });
      const id = (reply as { id: string }).id;
      responsePath = `/cap/http/responses/${id}.json`;
      status.textContent = `${id} submitted; waiting for ${responsePath}`;
      this.#after(undefined);
      const out = await readJsonWhenReady(this.#ns, responsePath, AbortSignal.timeout(15_000)) as {
        status?: number;
        error?: string;
      };
      const ok = out.error === undefined && out.status !== undefined && out.status < 400;
      status.className = `run-status ${ok ? "ok" : "error"}`;
      status.textContent = out.error !== undefined
        ? `${id} failed: ${out.error}`
        : `${id}: HTTP ${out.status}; see ${responsePath}`;
    } catch (e) {
      status.className = "run-status error";
      status.textContent = `The request failed: ${errorText(e)}`;
      throw e;
    } finally {
      send.disabled = false;
      this.#after(responsePath);
    }
  }
}
