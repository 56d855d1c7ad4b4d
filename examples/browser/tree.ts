/// <reference lib="dom" />
/**
 * The namespace tree: rooted at `/`, showing the directories the namespace
 * synthesises above its mount points (`/`, `/cap`) and every mount, with
 * its service kind.
 *
 * @module
 */

import { type DirEntry, joinPath, type Namespace, parentPath } from "../../browser.ts";
import { errorText, h } from "./dom.ts";

/** What a row stands for. */
export interface TreeSelection {
  path: string;
  kind: DirEntry["kind"];
}

function sortEntries(entries: DirEntry[]): DirEntry[] {
  return [...entries].sort((a, b) =>
    a.kind === "dir" && b.kind !== "dir"
      ? -1
      : b.kind === "dir" && a.kind !== "dir"
      ? 1
      : a.name < b.name
      ? -1
      : a.name > b.name
      ? 1
      : 0
  );
}

/** Renders the tree and keeps what is expanded and selected across refreshes. */
export class TreePanel {
  readonly #el: HTMLElement;
  readonly #ns: Namespace;
  readonly #onSelect: (sel: TreeSelection) => void;
  readonly #expanded = new Set<string>(["/", "/cap", "/workspace", "/task"]);
  #selected: TreeSelection | undefined;

  constructor(el: HTMLElement, ns: Namespace, onSelect: (sel: TreeSelection) => void) {
    this.#el = el;
    this.#ns = ns;
    this.#onSelect = onSelect;
    el.addEventListener("click", (ev) => this.#click(ev));
    el.addEventListener("keydown", (ev) => this.#key(ev));
  }

  /** The selected path, if any. */
  get selected(): TreeSelection | undefined {
    return this.#selected;
  }

  /** The directory new entries go into: the selected one, or the selected file's. */
  targetDir(): string {
    const s = this.#selected;
    if (s === undefined) return "/workspace";
    return s.kind === "dir" ? s.path : parentPath(s.path);
  }

  /** Opens `path` and all its ancestors. */
  expand(path: string): void {
    for (let p = path;; p = parentPath(p)) {
      this.#expanded.add(p);
      if (p === "/") break;
    }
  }

  /** Selects `path` (opening its ancestors), renders, and tells the listener. */
  select(sel: TreeSelection | undefined): void {
    this.#selected = sel;
    if (sel !== undefined && sel.path !== "/") this.expand(parentPath(sel.path));
    this.render();
    if (sel !== undefined) this.#onSelect(sel);
  }

  /** Rebuilds the tree from the namespace. */
  render(): void {
    const mounts = new Map(this.#ns.mounts().map((m) => [m.path, m.service.kind]));
    const root = h("ul", { class: "tree-list", role: "group" });
    root.append(this.#node("/", "/", "dir", 0, mounts));
    const scroll = this.#el.scrollTop;
    this.#el.replaceChildren(root);
    this.#el.scrollTop = scroll;
  }

  #node(
    path: string,
    name: string,
    kind: DirEntry["kind"],
    depth: number,
    mounts: Map<string, string>,
  ): HTMLLIElement {
    const open = kind === "dir" && this.#expanded.has(path);
    const mountKind = mounts.get(path);
    // No mount covers a directory the namespace made up above its mounts.
    const synthesised = kind === "dir" && this.#ns.resolve(path) === undefined;
    const row = h(
      "button",
      {
        type: "button",
        class: `row${this.#selected?.path === path ? " selected" : ""}`,
        "data-path": path,
        "data-kind": kind,
        style: `--depth: ${depth}`,
        "aria-expanded": kind === "dir" ? String(open) : undefined,
        title: path,
      },
      h("span", { class: `twisty${kind === "dir" ? (open ? " open" : "") : " none"}` }),
      h("span", { class: `icon ${kind}` }),
      h("span", { class: "name" }, name),
      mountKind !== undefined
        ? h("span", { class: `badge mount kind-${mountKind}` }, mountKind)
        : synthesised
        ? h("span", { class: "badge synth" }, "synthesised")
        : kind === "symlink"
        ? h("span", { class: "badge" }, "link")
        : null,
    );
    const li = h("li", { role: "treeitem" }, row);
    if (!open) return li;
    let entries: DirEntry[];
    try {
      entries = sortEntries(this.#ns.readdir(path));
    } catch (e) {
      li.append(
        h("div", { class: "tree-error", style: `--depth: ${depth + 1}` }, `⚠ ${errorText(e)}`),
      );
      return li;
    }
    const group = h("ul", { class: "tree-list", role: "group" });
    for (const e of entries) {
      group.append(this.#node(joinPath(path, e.name), e.name, e.kind, depth + 1, mounts));
    }
    if (entries.length === 0) {
      group.append(h("li", { class: "empty", style: `--depth: ${depth + 1}` }, "empty"));
    }
    li.append(group);
    return li;
  }

  #rowOf(ev: Event): HTMLElement | undefined {
    const row = (ev.target as HTMLElement).closest<HTMLElement>("button.row");
    return row ?? undefined;
  }

  #click(ev: MouseEvent): void {
    const row = this.#rowOf(ev);
    if (row === undefined) return;
    const path = row.dataset.path!;
    const kind = row.dataset.kind as DirEntry["kind"];
    if (kind === "dir") {
      const onTwisty = (ev.target as HTMLElement).classList.contains("twisty");
      const wasSelected = this.#selected?.path === path;
      // A click opens a closed folder; a second click (or the arrow) closes it.
      if (!this.#expanded.has(path)) this.#expanded.add(path);
      else if (onTwisty || wasSelected) this.#expanded.delete(path);
    }
    this.select({ path, kind });
    this.#el.querySelector<HTMLElement>(`button.row[data-path="${CSS.escape(path)}"]`)?.focus();
  }

  #key(ev: KeyboardEvent): void {
    const row = this.#rowOf(ev);
    if (row === undefined) return;
    const path = row.dataset.path!;
    const isDir = row.dataset.kind === "dir";
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      const rows = [...this.#el.querySelectorAll<HTMLElement>("button.row")];
      rows[rows.indexOf(row) + (ev.key === "ArrowDown" ? 1 : -1)]?.focus();
    } else if ((ev.key === "ArrowRight" || ev.key === "ArrowLeft") && isDir) {
      if (ev.key === "ArrowRight") this.#expanded.add(path);
      else this.#expanded.delete(path);
      this.render();
      this.#el.querySelector<HTMLElement>(`button.row[data-path="${CSS.escape(path)}"]`)?.focus();
    } else {
      return;
    }
    ev.preventDefault();
  }
}
