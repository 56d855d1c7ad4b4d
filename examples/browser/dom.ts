/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Small DOM helpers for the Namespace Explorer, and the error banner: every
 * failure the page meets is shown there (never swallowed).
 *
 * @module
 */

import { isFsError } from "../../browser.ts";

type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | undefined>;

/**
 * Makes an element with attributes and children. `class` sets the class;
 * boolean attributes are set when true; `on*` keys are not supported (use
 * addEventListener), so no string becomes code.
 *
 * @example
 * ```ts
 * const b = h("button", { class: "primary", type: "button" }, "Save");
 * ```
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/**
 * The element with this id, or an error naming it.
 *
 * @example
 * ```ts
 * const tree = byId("tree");
 * ```
 */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no element #${id}`);
  return el as T;
}

/**
 * A byte count for people: `0 B`, `1.2 KiB`, `3.4 MiB`.
 *
 * @example
 * ```ts
 * formatBytes(1536); // "1.5 KiB"
 * ```
 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A time of day with milliseconds, such as `14:03:07.251`.
 *
 * @example
 * ```ts
 * formatClock(Date.now());
 * ```
 */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${
    p(d.getMilliseconds(), 3)
  }`;
}

/**
 * The message of anything thrown.
 *
 * @example
 * ```ts
 * errorText(new Error("boom")); // "boom"
 * ```
 */
export function errorText(e: unknown): string {
  if (e instanceof Error) return isFsError(e) ? e.message : `${e.name}: ${e.message}`;
  return String(e);
}

let sink: ((where: string, message: string) => void) | undefined;

/**
 * Also sends every reported error to `fn` (the page logs them to
 * `/logs/events.jsonl`). A sink that throws is dropped after showing why.
 *
 * @example
 * ```ts
 * setErrorSink((where, message) => console.log(where, message));
 * ```
 */
export function setErrorSink(fn: (where: string, message: string) => void): void {
  sink = fn;
}

/**
 * Shows an error in the page's banner, with what was being done. File
 * errors (FsError) are expected outcomes of user actions; anything else is
 * a bug, so it also goes to the console with its stack.
 *
 * @example
 * ```ts
 * try { ns.mkdir("/task/x"); } catch (e) { reportError("New folder", e); }
 * ```
 */
export function reportError(where: string, e: unknown): void {
  const message = errorText(e);
  if (!isFsError(e)) console.error(`${where}:`, e);
  const box = document.getElementById("errors");
  if (box !== null) {
    const close = h(
      "button",
      { type: "button", class: "icon-button", "aria-label": "Dismiss" },
      "×",
    );
    const item = h(
      "div",
      { class: "banner-error", role: "alert" },
      h("strong", {}, where),
      h("span", { class: "error-text" }, message),
      close,
    );
    close.addEventListener("click", () => item.remove());
    box.append(item);
    while (box.children.length > 5) box.firstElementChild?.remove();
  }
  const s = sink;
  if (s !== undefined) {
    try {
      s(where, message);
    } catch (err) {
      sink = undefined;
      reportError("Logging an error", err);
    }
  }
}

/**
 * Runs `fn` and reports what it throws; true when it did not throw.
 *
 * @example
 * ```ts
 * attempt("Save", () => writeText(ns, path, text));
 * ```
 */
export function attempt(where: string, fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    reportError(where, e);
    return false;
  }
}
