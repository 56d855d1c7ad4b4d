/// <reference lib="dom" />
/**
 * The file panel: the selected entry's stat and content. Text files are
 * editable and saved with the Save button or Ctrl/Cmd-S; binary files show
 * a hex preview; directories list their entries.
 *
 * @module
 */

import { type Namespace, readFile, type Stat, writeFile } from "../../browser.ts";
import { errorText, formatBytes, h } from "./dom.ts";

/** Files larger than this are not loaded into the editor. */
const MAX_SHOWN = 2 * 1024 * 1024;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function hexPreview(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < Math.min(bytes.length, 512); at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, "0")).join(" ");
    const ascii = Array.from(row, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join(
      "",
    );
    lines.push(`${at.toString(16).padStart(6, "0")}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.length > 512) lines.push(`… ${formatBytes(bytes.length - 512)} more`);
  return lines.join("\n");
}

/** What the host does when a file was saved. */
export type SavedListener = (path: string, bytes: number) => void;

/** The page elements the panel fills. */
export interface EditorElements {
  path: HTMLElement;
  stat: HTMLElement;
  body: HTMLElement;
  dirty: HTMLElement;
  save: HTMLButtonElement;
  revert: HTMLButtonElement;
}

/** Shows and edits the selected entry. */
export class EditorPanel {
  readonly #ns: Namespace;
  readonly #els: EditorElements;
  readonly #onSaved: SavedListener;
  readonly #onOpen: (path: string) => void;
  #path: string | undefined;
  #saved = "";
  #text: HTMLTextAreaElement | undefined;

  constructor(
    ns: Namespace,
    els: EditorElements,
    onSaved: SavedListener,
    onOpen: (path: string) => void,
  ) {
    this.#ns = ns;
    this.#els = els;
    this.#onSaved = onSaved;
    this.#onOpen = onOpen;
    els.save.addEventListener("click", () => this.save());
    els.revert.addEventListener("click", () => this.#load(true));
    this.#load(true);
  }

  /** The path shown, if any. */
  get path(): string | undefined {
    return this.#path;
  }

  /** True when the text differs from what was last loaded or saved. */
  get dirty(): boolean {
    return this.#text !== undefined && this.#text.value !== this.#saved;
  }

  /** True when a text file is open for editing. */
  get editable(): boolean {
    return this.#text !== undefined && !this.#text.readOnly;
  }

  /** Shows `path` (undefined clears the panel). */
  show(path: string | undefined): void {
    this.#path = path;
    this.#load(true);
  }

  /**
   * Re-reads the entry after something changed. Unsaved edits are kept; a
   * clean file is reloaded so it shows what another writer wrote.
   */
  refresh(): void {
    this.#load(!this.dirty);
  }

  /** Writes the text back to the file. Throws what the file service refused. */
  save(): void {
    if (this.#path === undefined || this.#text === undefined || this.#text.readOnly) return;
    const path = this.#path;
    const text = this.#text.value;
    const bytes = encoder.encode(text);
    writeFile(this.#ns, path, bytes);
    this.#saved = text;
    this.#load(true);
    this.#onSaved(path, bytes.length);
  }

  #statLine(path: string, st: Stat): HTMLElement {
    const r = this.#ns.resolve(path);
    const item = (k: string, v: string) => h("div", {}, h("dt", {}, k), h("dd", {}, v));
    return h(
      "dl",
      { class: "stat-list" },
      item("kind", st.kind),
      item("size", st.kind === "dir" ? "—" : formatBytes(st.size)),
      item("modified", st.mtime > 0 ? new Date(st.mtime).toLocaleString() : "—"),
      item("access", st.readOnly ? "read-only" : "read-write"),
      item("service", r === undefined ? "namespace" : `${r.service.kind} at ${r.mountPoint}`),
      st.ino !== undefined ? item("inode", String(st.ino)) : null,
    );
  }

  #load(replaceText: boolean): void {
    const { path: pathEl, stat, save, revert } = this.#els;
    const path = this.#path;
    pathEl.textContent = path ?? "Select a file in the tree";
    if (path === undefined) {
      this.#setBody(h("p", { class: "placeholder" }, "Nothing selected."));
      stat.replaceChildren();
      save.disabled = revert.disabled = true;
      return this.#updateDirty();
    }
    let st: Stat;
    try {
      st = this.#ns.stat(path);
    } catch (e) {
      stat.replaceChildren();
      this.#setBody(h("p", { class: "inline-error" }, `Cannot open ${path}: ${errorText(e)}`));
      return this.#updateDirty();
    }
    stat.replaceChildren(this.#statLine(path, st));
    if (!replaceText && this.#text !== undefined) return this.#updateDirty();
    if (st.kind === "dir") {
      this.#showDir(path);
    } else if (st.size > MAX_SHOWN) {
      this.#setBody(
        h("p", { class: "placeholder" }, `${formatBytes(st.size)}: too large to show.`),
      );
    } else {
      this.#showFile(path, st);
    }
    this.#updateDirty();
  }

  #showDir(path: string): void {
    let names: HTMLElement;
    try {
      const entries = this.#ns.readdir(path);
      names = entries.length === 0 ? h("p", { class: "placeholder" }, "An empty directory.") : h(
        "ul",
        { class: "dir-list" },
        ...entries.map((e) => {
          const b = h("button", { type: "button", class: "link" }, e.name);
          const full = path === "/" ? `/${e.name}` : `${path}/${e.name}`;
          b.addEventListener("click", () => this.#onOpen(full));
          return h("li", { class: `entry ${e.kind}` }, b, e.kind === "dir" ? "/" : "");
        }),
      );
    } catch (e) {
      names = h("p", { class: "inline-error" }, `Cannot list ${path}: ${errorText(e)}`);
    }
    this.#setBody(names);
  }

  #showFile(path: string, st: Stat): void {
    let bytes: Uint8Array;
    try {
      bytes = readFile(this.#ns, path);
    } catch (e) {
      this.#setBody(h("p", { class: "inline-error" }, `Cannot read ${path}: ${errorText(e)}`));
      return;
    }
    const text = asText(bytes);
    if (text === undefined) {
      this.#setBody(h("pre", { class: "hex" }, hexPreview(bytes)));
      return;
    }
    const area = h("textarea", {
      class: "code",
      spellcheck: "false",
      "aria-label": `Content of ${path}`,
      readonly: st.readOnly,
    });
    area.value = text;
    area.addEventListener("input", () => this.#updateDirty());
    this.#saved = text;
    this.#setBody(area, area);
  }

  #setBody(node: HTMLElement, text?: HTMLTextAreaElement): void {
    this.#text = text;
    this.#els.body.replaceChildren(node);
  }

  #updateDirty(): void {
    const { dirty, save, revert } = this.#els;
    const isDirty = this.dirty;
    dirty.hidden = !isDirty;
    save.disabled = !this.editable || !isDirty;
    revert.disabled = !isDirty;
    save.title = this.editable ? "Save (Ctrl/Cmd-S)" : "This file is read-only";
  }
}
