/// <reference lib="dom" />
/**
 * The OANIX Namespace Explorer: a page that builds a namespace of file
 * services and lets you browse, edit and run a WASI program in it.
 *
 * Build and serve it with `deno task build:browser` then
 * `deno task serve:browser`. The page imports the library as
 * `../../browser.ts`; the page's import map points that at the bundle,
 * `./oanix.bundle.js`.
 *
 * @module
 */

import { parentPath, WasiRuntime } from "../../browser.ts";
import { ChangesPanel } from "./changes.ts";
import { attempt, byId, errorText, reportError, setErrorSink } from "./dom.ts";
import { EditorPanel } from "./editor.ts";
import {
  ask,
  createDir,
  createFile,
  describeTarget,
  freshName,
  removeTree,
  renameEntry,
} from "./file_ops.ts";
import { HttpPanel } from "./http_panel.ts";
import { LogsPanel } from "./logs_panel.ts";
import { RunPanel } from "./run_panel.ts";
import { buildSample } from "./sample.ts";
import { TreePanel, type TreeSelection } from "./tree.ts";

addEventListener("error", (ev) => reportError("Page error", ev.error ?? ev.message));
addEventListener("unhandledrejection", (ev) => reportError("Unhandled rejection", ev.reason));

function start(): void {
  const sample = buildSample(location.origin);
  const { ns, workspace, logs, task } = sample;
  setErrorSink((where, message) => logs.error(`${where}: ${message}`));
  addEventListener("pagehide", () => void sample.executors.shutdown());

  const kindOf = (path: string): TreeSelection["kind"] => ns.lstat(path).kind;
  const open = (path: string) => attempt("Open", () => tree.select({ path, kind: kindOf(path) }));

  const editor = new EditorPanel(ns, {
    path: byId("editor-path"),
    stat: byId("editor-stat"),
    body: byId("editor-body"),
    dirty: byId("editor-dirty"),
    save: byId<HTMLButtonElement>("save"),
    revert: byId<HTMLButtonElement>("revert"),
  }, (path, bytes) => {
    logs.info(`saved ${path}`, { bytes });
    refresh();
  }, open);

  const tree = new TreePanel(byId("tree"), ns, (sel) => editor.show(sel.path));

  const changes = new ChangesPanel(workspace, "/workspace", {
    list: byId("changes"),
    count: byId("changes-count"),
    reset: byId<HTMLButtonElement>("reset"),
  }, open);

  new LogsPanel(ns, "/logs/events.jsonl", logs, {
    list: byId("logs"),
    count: byId("logs-count"),
    clear: byId<HTMLButtonElement>("logs-clear"),
  });

  const taskChip = byId("task-status");
  /** Redraws everything that shows the namespace; call after any change. */
  function refresh(): void {
    attempt("Refresh the tree", () => tree.render());
    attempt("Refresh the file", () => editor.refresh());
    attempt("Refresh the changes", () => changes.render());
    const st = task.status().status;
    taskChip.textContent = `task: ${st}`;
    taskChip.dataset.state = st;
  }

  new RunPanel({
    ns,
    task,
    logs,
    runtime: new WasiRuntime(),
    programUrl: "./hello.wasm",
    after: () => {
      tree.expand("/tmp/test-dir");
      refresh();
    },
  }, {
    form: byId<HTMLFormElement>("run-form"),
    args: byId<HTMLInputElement>("run-args"),
    env: byId<HTMLInputElement>("run-env"),
    run: byId<HTMLButtonElement>("run"),
    status: byId("run-status"),
    exit: byId("run-exit"),
    stdout: byId("run-stdout"),
    stderr: byId("run-stderr"),
  });

  const httpUrl = byId<HTMLInputElement>("http-url");
  httpUrl.value = new URL("./sample.json", location.href).href;
  new HttpPanel(ns, {
    form: byId<HTMLFormElement>("http-form"),
    url: httpUrl,
    send: byId<HTMLButtonElement>("http-send"),
    status: byId("http-status"),
  }, (responsePath) => {
    tree.expand("/cap/http/responses");
    refresh();
    if (responsePath !== undefined) open(responsePath);
  });

  // ---- file actions -------------------------------------------------------
  const act = (where: string, fn: () => Promise<void>) =>
    fn().catch((e) => reportError(where, e)).finally(refresh);

  byId("new-file").addEventListener("click", () =>
    act("New file", async () => {
      const dir = tree.targetDir();
      const path = await ask({
        title: "New file",
        message: `Create an empty file in ${describeTarget(dir)}.`,
        value: freshName(ns, dir, "untitled", ".txt"),
        ok: "Create",
      });
      if (path === undefined) return;
      const p = createFile(ns, path);
      logs.info(`created ${p}`);
      tree.select({ path: p, kind: "file" });
    }));

  byId("new-dir").addEventListener("click", () =>
    act("New folder", async () => {
      const dir = tree.targetDir();
      const path = await ask({
        title: "New folder",
        message: `Create a folder in ${describeTarget(dir)}.`,
        value: freshName(ns, dir, "folder", ""),
        ok: "Create",
      });
      if (path === undefined) return;
      const p = createDir(ns, path);
      logs.info(`created ${p}/`);
      tree.expand(p);
      tree.select({ path: p, kind: "dir" });
    }));

  byId("rename").addEventListener("click", () =>
    act("Rename", async () => {
      const sel = tree.selected;
      if (sel === undefined) throw new Error("select something to rename first");
      const to = await ask({
        title: "Rename",
        message: `Rename or move ${sel.path} (within its mount).`,
        value: sel.path,
        ok: "Rename",
      });
      if (to === undefined) return;
      const p = renameEntry(ns, sel.path, to);
      logs.info(`renamed ${sel.path} to ${p}`);
      tree.select({ path: p, kind: sel.kind });
    }));

  byId("delete").addEventListener("click", () =>
    act("Delete", async () => {
      const sel = tree.selected;
      if (sel === undefined) throw new Error("select something to delete first");
      const sure = await ask({
        title: "Delete",
        message: sel.kind === "dir"
          ? `Delete ${sel.path} and everything in it?`
          : `Delete ${sel.path}?`,
        ok: "Delete",
        danger: true,
      });
      if (sure === undefined) return;
      removeTree(ns, sel.path);
      logs.info(`deleted ${sel.path}`);
      tree.select({ path: parentPath(sel.path), kind: "dir" });
    }));

  byId("reset").addEventListener("click", () =>
    act("Reset", async () => {
      const n = workspace.diff().length;
      const sure = await ask({
        title: "Reset the workspace",
        message: `Drop all ${n} change(s) in /workspace and go back to its base?`,
        ok: "Reset",
        danger: true,
      });
      if (sure === undefined) return;
      workspace.reset();
      logs.warn("workspace reset", { dropped: n });
      editor.show(editor.path);
    }));

  addEventListener("keydown", (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === "s") {
      ev.preventDefault();
      if (editor.editable) attempt("Save", () => editor.save());
    }
  });

  tree.render();
  tree.select({ path: "/workspace/hello.txt", kind: "file" });
  refresh();
  const mounts = ns.mounts();
  byId("mount-count").textContent = `${mounts.length} mounts`;
  logs.info("namespace ready", { mounts: mounts.map((m) => m.path) });
  byId("boot").remove();
  document.body.dataset.ready = "true";
  Object.assign(globalThis, { explorer: { ...sample, refresh } });
}

try {
  start();
} catch (e) {
  reportError("Starting the explorer", e);
  const boot = document.getElementById("boot");
  if (boot !== null) boot.textContent = `The explorer could not start: ${errorText(e)}`;
}
