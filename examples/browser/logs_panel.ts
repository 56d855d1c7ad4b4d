/// <reference lib="dom" />
/**
 * The Logs panel: tails `/logs/events.jsonl`. It reads what the file holds
 * at start, then follows new events live with `LogsFs.subscribe`.
 *
 * @module
 */

import { LogEvent, type LogsFs, type Namespace, readText } from "../../browser.ts";
import { formatClock, h, reportError } from "./dom.ts";

/** At most this many rows are kept on the page. */
const MAX_ROWS = 500;

/** Shows the structured events of a LogsFs as they happen. */
export class LogsPanel {
  readonly #list: HTMLElement;
  readonly #count: HTMLElement;
  #seen = 0;

  /**
   * @param ns the namespace, to read the file at start
   * @param path where the events file is (`/logs/events.jsonl`)
   * @param logs the very LogsFs mounted there, to subscribe to
   */
  constructor(
    ns: Namespace,
    path: string,
    logs: LogsFs,
    els: { list: HTMLElement; count: HTMLElement; clear: HTMLButtonElement },
  ) {
    this.#list = els.list;
    this.#count = els.count;
    this.#list.replaceChildren();
    for (const line of readText(ns, path).split("\n")) {
      if (line.trim() !== "") this.#append(LogEvent.parse(line));
    }
    logs.subscribe((record) => {
      // A subscriber that throws is dropped by LogsFs: report instead.
      try {
        if (record.stream === "events") this.#append(record.event);
      } catch (e) {
        queueMicrotask(() => reportError("Logs panel", e));
      }
    });
    els.clear.addEventListener("click", () => {
      logs.clear();
      this.#list.replaceChildren();
      this.#seen = 0;
      this.#showCount();
    });
    this.#showCount();
  }

  #showCount(): void {
    this.#count.textContent = String(this.#seen);
    this.#count.classList.toggle("zero", this.#seen === 0);
  }

  #append(e: LogEvent): void {
    const list = this.#list;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
    list.append(
      h(
        "li",
        { class: "log", "data-level": e.level },
        h("time", { datetime: new Date(e.timestamp).toISOString() }, formatClock(e.timestamp)),
        h("span", { class: `badge level-${e.level}` }, e.level),
        h("span", { class: "message" }, e.message),
        e.data === undefined ? null : h("code", { class: "data" }, JSON.stringify(e.data)),
      ),
    );
    while (list.children.length > MAX_ROWS) list.firstElementChild?.remove();
    this.#seen++;
    this.#showCount();
    if (atBottom) list.scrollTop = list.scrollHeight;
  }
}
