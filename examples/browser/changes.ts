/// <reference lib="dom" />
/**
 * The Changes panel: the workspace CowFs's diff against its base, with
 * added / modified / deleted badges, refreshed after every change the page
 * makes, and a Reset button that drops them all.
 *
 * @module
 */

import type { CowChange, CowFs } from "../../browser.ts";
import { formatBytes, h } from "./dom.ts";

function sizes(c: CowChange): string {
  if (c.kind === "dir") return "folder";
  if (c.change === "modified") {
    return `${formatBytes(c.baseSize ?? 0)} → ${formatBytes(c.size ?? 0)}`;
  }
  if (c.change === "added") return formatBytes(c.size ?? 0);
  return `was ${formatBytes(c.baseSize ?? 0)}`;
}

/** Lists the workspace's changes. */
export class ChangesPanel {
  readonly #cow: CowFs;
  readonly #mount: string;
  readonly #list: HTMLElement;
  readonly #count: HTMLElement;
  readonly #reset: HTMLButtonElement;
  readonly #onOpen: (path: string) => void;
  #last = "";

  /**
   * @param cow the overlay
   * @param mount where it is mounted (paths are shown in the namespace)
   */
  constructor(
    cow: CowFs,
    mount: string,
    els: { list: HTMLElement; count: HTMLElement; reset: HTMLButtonElement },
    onOpen: (path: string) => void,
  ) {
    this.#cow = cow;
    this.#mount = mount;
    this.#list = els.list;
    this.#count = els.count;
    this.#reset = els.reset;
    this.#onOpen = onOpen;
  }

  /** Recomputes the diff and redraws when it changed. */
  render(): void {
    const diff = this.#cow.diff();
    const key = JSON.stringify(diff);
    if (key === this.#last) return;
    this.#last = key;
    this.#count.textContent = String(diff.length);
    this.#count.classList.toggle("zero", diff.length === 0);
    this.#reset.disabled = diff.length === 0;
    if (diff.length === 0) {
      this.#list.replaceChildren(
        h("li", { class: "placeholder" }, `No changes: ${this.#mount} matches its base.`),
      );
      return;
    }
    this.#list.replaceChildren(...diff.map((c) => this.#row(c)));
  }

  #row(c: CowChange): HTMLElement {
    const full = `${this.#mount}${c.path}`;
    const name = c.change === "deleted"
      ? h("span", { class: "path gone" }, full)
      : h("button", { type: "button", class: "link path" }, full);
    if (c.change !== "deleted") name.addEventListener("click", () => this.#onOpen(full));
    return h(
      "li",
      { class: `change ${c.change}`, "data-path": full, "data-change": c.change },
      h("span", { class: `badge change-${c.change}` }, c.change),
      name,
      h("span", { class: "size" }, sizes(c)),
    );
  }
}
