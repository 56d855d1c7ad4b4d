/// <reference lib="dom" />
/**
 * New file, new folder, rename and delete, asked for in one native
 * `<dialog>` and done through the namespace (so each mount's own rules
 * apply: a read-only mount refuses, a rename across mounts is EXDEV).
 *
 * @module
 */

import { exists, FsError, joinPath, type Namespace, normalizePath } from "../../browser.ts";
import { byId } from "./dom.ts";

/** What the dialog asks: a path (with a default), or a yes/no question. */
interface Ask {
  title: string;
  message: string;
  /** When given, a text field with this value; otherwise a confirmation. */
  value?: string;
  ok: string;
  danger?: boolean;
}

/**
 * Shows the dialog; resolves with the text (or "" for a confirmation), or
 * undefined when cancelled.
 */
export function ask(q: Ask): Promise<string | undefined> {
  const dialog = byId<HTMLDialogElement>("ask");
  const input = byId<HTMLInputElement>("ask-input");
  const ok = byId<HTMLButtonElement>("ask-ok");
  byId("ask-title").textContent = q.title;
  byId("ask-message").textContent = q.message;
  input.hidden = q.value === undefined;
  input.value = q.value ?? "";
  ok.textContent = q.ok;
  ok.classList.toggle("danger", q.danger === true);
  ok.classList.toggle("primary", q.danger !== true);
  return new Promise((resolve) => {
    const done = () => {
      dialog.removeEventListener("close", done);
      resolve(dialog.returnValue === "ok" ? (q.value === undefined ? "" : input.value) : undefined);
    };
    dialog.addEventListener("close", done);
    dialog.returnValue = "";
    dialog.showModal();
    if (q.value !== undefined) {
      input.focus();
      // Select the last segment's name, so typing replaces it.
      const slash = input.value.lastIndexOf("/") + 1;
      const dot = input.value.lastIndexOf(".");
      input.setSelectionRange(slash, dot > slash ? dot : input.value.length);
    } else {
      ok.focus();
    }
  });
}

/** A name in `dir` that does not exist yet: `untitled.txt`, `untitled-2.txt`, ... */
export function freshName(ns: Namespace, dir: string, stem: string, ext: string): string {
  for (let i = 1;; i++) {
    const path = joinPath(dir, `${stem}${i === 1 ? "" : `-${i}`}${ext}`);
    if (!exists(ns, path)) return path;
  }
}

/** Creates an empty file; EEXIST when something is there already. */
export function createFile(ns: Namespace, path: string): string {
  const p = normalizePath(path);
  ns.open(p, { write: true, create: true, exclusive: true }).close();
  return p;
}

/** Creates a directory. */
export function createDir(ns: Namespace, path: string): string {
  const p = normalizePath(path);
  ns.mkdir(p);
  return p;
}

/** Renames within a mount; refuses to move a directory into itself. */
export function renameEntry(ns: Namespace, from: string, to: string): string {
  const a = normalizePath(from);
  const b = normalizePath(to);
  if (b === a) return b;
  if (b.startsWith(`${a}/`)) throw new FsError("EINVAL", b, `cannot move ${a} into itself`);
  ns.rename(a, b);
  return b;
}

/** Removes a file, or a directory and everything in it (depth first). */
export function removeTree(ns: Namespace, path: string): void {
  const p = normalizePath(path);
  if (ns.lstat(p).kind === "dir") {
    for (const e of ns.readdir(p)) removeTree(ns, joinPath(p, e.name));
  }
  ns.remove(p);
}

/** The parent a new entry goes into, named for the dialog. */
export function describeTarget(dir: string): string {
  return dir === "/" ? "the root" : dir;
}
