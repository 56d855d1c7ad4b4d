/**
 * Everything a run checks on the host before it starts, in one place, so
 * `oanix check` and `oanix run` agree: folders, symlinks, the program and
 * its imports, stdin and key files. Every problem is reported, each with
 * its field and line.
 *
 * @module
 */

import { dirname, isAbsolute, relative, resolve } from "../manifest/posix_path.ts";
import { formatProblem, type ManifestProblem } from "../manifest/field_reader.ts";
import { type Manifest, manifestFile, manifestLine } from "../manifest/manifest.ts";
import { BundleError } from "./bundle_cache.ts";
import { type AgentBundle, bundleAgent } from "./runtime_bundles.ts";
import { NOSTR_KEY, readHostValue } from "./host_secrets.ts";
import { findEscapingSymlinks } from "./symlink_scan.ts";

/**
 * The run cannot start: something the manifest names is missing or unsafe
 * on the host. `problems` lists each, with its field and line.
 *
 * @example
 * ```ts
 * import { RunRefusedError } from "@oanix/oanix";
 * const e = new RunRefusedError([{ field: "program.wasi", problem: "no such file" }]);
 * console.log(e.message); // "program.wasi: no such file"
 * ```
 */
export class RunRefusedError extends Error {
  /** Every problem found. */
  readonly problems: ManifestProblem[];

  /**
   * Makes the error.
   *
   * @param problems what is wrong (at least one), or one message
   */
  constructor(problems: ManifestProblem[] | string) {
    const list = typeof problems === "string" ? [{ field: "", problem: problems }] : problems;
    super(list.map(formatProblem).join("\n"));
    this.name = "RunRefusedError";
    this.problems = list;
  }
}

/**
 * What {@linkcode preflight} found.
 *
 * @example
 * ```ts
 * import type { PreflightResult } from "@oanix/oanix";
 * const ok = (p: PreflightResult) => p.problems.length === 0;
 * ```
 */
export interface PreflightResult {
  /** Everything that would stop the run. */
  problems: ManifestProblem[];
  /** A module agent, bundled with its imports (absent for WASI, or when it failed). */
  agent?: AgentBundle;
}

/**
 * Options for {@linkcode preflight}.
 *
 * @example
 * ```ts
 * import type { PreflightOptions } from "@oanix/oanix";
 * const opts: PreflightOptions = { denoPath: "/usr/local/bin/deno" };
 * ```
 */
export interface PreflightOptions {
  /** The deno that bundles a module agent (default: this one). */
  denoPath?: string;
  /** The output folder the run will write (absolute); default `out/` of the current folder. */
  outDir?: string;
  /** The run serves a client's tool calls (`oanix mcp`): it has no program. */
  serving?: boolean;
}

function within(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/**
 * Checks on the host everything `manifest` names, as a run would before it
 * starts; for a module agent this bundles it (cached), which checks its
 * imports too.
 *
 * @example
 * ```ts ignore
 * import { loadManifest, preflight } from "@oanix/oanix";
 * const { problems } = await preflight(await loadManifest("env.yaml"));
 * for (const p of problems) console.log(p.field, p.problem);
 * ```
 */
export async function preflight(
  manifest: Manifest,
  options: PreflightOptions = {},
): Promise<PreflightResult> {
  // The checks are independent: they run side by side, each reporting into a list of its own,
  // and the lists are joined in a fixed order (the order of the problems does not depend on
  // which check ends first).
  const lists: ManifestProblem[][] = [];
  const reporter = (): Report => {
    const list: ManifestProblem[] = [];
    lists.push(list);
    return (path, problem) => {
      const line = manifestLine(manifest, path);
      list.push(
        line === undefined ? { field: path.join("."), problem } : {
          field: path.join("."),
          problem,
          line,
        },
      );
    };
  };
  const serving = options.serving === true;
  const [, agent] = await Promise.all([
    checkFolders(manifest, reporter()),
    checkProgram(manifest, reporter(), options.denoPath ?? Deno.execPath(), serving),
    checkKeys(manifest, reporter()),
    checkReplay(manifest, reporter()),
    checkRestore(manifest, reporter()),
    checkLayout(manifest, reporter(), options.outDir ?? resolve("out")),
  ]);
  const problems = lists.flat();
  return agent === undefined ? { problems } : { problems, agent };
}

function checkReplay(manifest: Manifest, report: Report): void {
  if (manifest.replay === undefined) return;
  const head = readableFile(manifest.replay, ["replay"], report);
  if (head !== undefined && new TextDecoder().decode(head)[0] !== "{") {
    report(["replay"], `${manifest.replay} is not a transcript (cap.jsonl)`);
  }
}

async function checkRestore(manifest: Manifest, report: Report): Promise<void> {
  if (manifest.restore === undefined) return;
  const head = readableFile(manifest.restore, ["restore"], report);
  if (head === undefined) return;
  // Loaded only here: it reads archives and host folders, which most runs never need.
  const { restoreProblems } = await import("./restore_check.ts");
  for (const problem of restoreProblems(manifest, await Deno.readFile(manifest.restore))) {
    report(["restore"], `${manifest.restore}: ${problem}`);
  }
}

type Report = (path: string[], problem: string) => void;

async function checkFolders(manifest: Manifest, report: Report): Promise<void> {
  const folders: Array<[field: string[], dir: string]> = [];
  const writable: string[] = [];
  for (const [point, spec] of Object.entries(manifest.mounts)) {
    if (spec.type !== "workspace" && !(spec.type === "map" && spec.dir)) continue;
    const field = ["mounts", point, spec.type === "workspace" ? "path" : "dir"];
    const dir = spec.type === "workspace" ? spec.path : spec.dir!;
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(dir);
    } catch {
      report(field, `the folder ${dir} does not exist`);
      continue;
    }
    if (!info.isDirectory) {
      report(field, `${dir} is not a folder`);
      continue;
    }
    folders.push([field, dir]);
    if (spec.type === "workspace" && spec.mode === "rw") writable.push(Deno.realPathSync(dir));
  }
  for (const [field, dir] of folders) {
    // The agent can move links inside a folder it may write, and so change
    // where a relative link leads: that folder, and any folder around or
    // inside it, may hold no link with `..`.
    const real = Deno.realPathSync(dir);
    const movable = writable.some((w) => within(w, real) || within(real, w));
    const links = await findEscapingSymlinks(dir, { movable });
    const list = (ls: typeof links) => ls.map((l) => `${l.path} → ${l.target}`).join(", ");
    const out = links.filter((l) => !l.movable);
    if (out.length > 0) {
      report(
        field,
        `${dir} holds symlinks that lead outside it (${list(out)}); ` +
          "remove them: a scoped --allow-read would follow them",
      );
    } else if (links.length > 0) {
      report(
        field,
        `${dir} holds symlinks with .. in a folder the agent may write (${list(links)}); ` +
          "moved elsewhere such a link leads outside, and a scoped --allow-read or " +
          "--allow-write would follow it: remove them, or mount the workspace ro or cow",
      );
    }
  }
}

async function checkProgram(
  manifest: Manifest,
  report: Report,
  denoPath: string,
  serving: boolean,
): Promise<AgentBundle | undefined> {
  const program = manifest.program;
  if (serving) {
    if (program !== undefined) {
      report(
        ["program"],
        "a served environment runs no program (the client is the agent): remove the program section",
      );
    }
    return undefined;
  }
  if (program === undefined) {
    report(
      ["program"],
      "is required: give `wasi: FILE.wasm`, `module: FILE.ts`, `shell: SCRIPT` or " +
        "`shell_file: FILE.sh` to run",
    );
    return undefined;
  }
  const field = [
    "program",
    program.kind === "shell"
      ? (program.script === undefined ? "shell_file" : "shell")
      : program.kind,
  ];
  if (program.stdinFile !== undefined) {
    readableFile(program.stdinFile, ["program", "stdin_file"], report);
  }
  if (program.script !== undefined) {
    if (program.script.trim() === "") report(field, "the script is empty");
    return undefined;
  }
  const head = readableFile(program.path, field, report);
  if (head === undefined) return undefined;
  if (program.kind === "shell") {
    if (head.includes(0)) report(field, `${program.path} is not a text file`);
    return undefined;
  }
  if (program.kind === "wasi") {
    if (!WASM_MAGIC.every((b, i) => head[i] === b)) {
      report(field, `${program.path} is not a WebAssembly module (no \\0asm header)`);
    }
    return undefined;
  }
  if (!/\.(ts|mts|tsx|js|mjs|jsx)$/.test(program.path)) {
    report(field, `${program.path} is not a JavaScript or TypeScript module`);
    return undefined;
  }
  const root = program.root ?? dirname(program.path);
  if (!within(program.path, root)) {
    report(["program", "root"], `${program.path} is not inside ${root}`);
    return undefined;
  }
  try {
    const agent = await bundleAgent(program.path, root, denoPath);
    if (agent.outside.length === 0) return agent;
    report(
      field,
      `the agent imports files outside its folder ${root}: ${agent.outside.join(", ")} ` +
        "(move them in, or widen the folder with program.root)",
    );
  } catch (e) {
    if (!(e instanceof BundleError)) throw e;
    report(field, e.message);
  }
  return undefined;
}

/** The first bytes of a readable regular file, or undefined after reporting why not. */
/**
 * The first bytes of a file the manifest names, or undefined (reported) when it is not one.
 * Synchronous, as the other small file checks on a run's way to its start: a run waits for
 * them one after another, and each asynchronous call costs a turn of the event loop besides.
 */
function readableFile(
  path: string,
  field: string[],
  report: Report,
): Uint8Array | undefined {
  try {
    const info = Deno.statSync(path);
    if (!info.isFile) {
      report(field, `${path} is not a file`);
      return undefined;
    }
    using file = Deno.openSync(path);
    const head = new Uint8Array(8);
    const n = file.readSync(head);
    return head.subarray(0, n ?? 0);
  } catch (e) {
    report(field, e instanceof Deno.errors.NotFound ? `no such file: ${path}` : `${path}: ${e}`);
    return undefined;
  }
}

async function checkKeys(manifest: Manifest, report: Report): Promise<void> {
  for (const [point, spec] of Object.entries(manifest.mounts)) {
    if (spec.type === "nostr" && (spec.keyEnv !== undefined || spec.keyFile !== undefined)) {
      const field = ["mounts", point, spec.keyEnv !== undefined ? "key_env" : "key_file"];
      const got = await readHostValue({ env: spec.keyEnv, file: spec.keyFile });
      if ("problem" in got) report(field, got.problem);
      else if (!NOSTR_KEY.test(got.value)) report(field, "the Nostr key must be 64 hex characters");
    }
    if (spec.type === "http") {
      for (const [name, secret] of Object.entries(spec.secrets ?? {})) {
        const got = await readHostValue(secret);
        const field = ["mounts", point, "secrets", name, secret.env !== undefined ? "env" : "file"];
        if ("problem" in got) report(field, got.problem);
        else if (got.value === "") report(field, "the secret is empty");
        for (const host of secret.hosts) {
          if (!spec.allow.some((a) => a === host || a.split(":")[0] === host.split(":")[0])) {
            report(
              ["mounts", point, "secrets", name, "hosts"],
              `${host} is not in the mount's allow list`,
            );
          }
        }
      }
    }
  }
}

/** The real path of `path`, or of its nearest existing parent joined with the rest. */
function realish(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : `${realish(parent)}/${path.slice(parent.length + 1)}`;
  }
}

/**
 * Layouts an agent could turn against the host: the manifest or the output
 * folder inside a folder it may write (it could widen its next run, or
 * block the report), a key file inside any mounted folder (it could read it).
 */
function checkLayout(manifest: Manifest, report: Report, outDir: string): void {
  const writable: Array<[point: string, dir: string]> = [];
  const mounted: Array<[point: string, dir: string]> = [];
  for (const [point, spec] of Object.entries(manifest.mounts)) {
    const dir = spec.type === "workspace" ? spec.path : spec.type === "map" ? spec.dir : undefined;
    if (dir === undefined) continue;
    const real = realish(dir);
    mounted.push([point, real]);
    if (spec.type === "workspace" && spec.mode === "rw") writable.push([point, real]);
  }
  const file = manifestFile(manifest);
  if (file !== undefined) {
    const real = realish(file);
    for (const [point, dir] of writable) {
      if (within(real, dir)) {
        report(
          [],
          `the manifest lies inside the read-write workspace mounts.${point} (${dir}): the agent ` +
            "could rewrite it and widen its next run; keep it outside, or mount the workspace cow",
        );
      }
    }
  }
  const out = realish(outDir);
  for (const [point, dir] of writable) {
    if (within(out, dir) || within(dir, out)) {
      report(
        ["out"],
        `the output folder ${outDir} overlaps the read-write workspace mounts.${point} (${dir}): ` +
          "the agent could tamper with the report; choose another --out",
      );
    }
  }
  const secretFiles: Array<[field: string[], file: string]> = [];
  for (const [point, spec] of Object.entries(manifest.mounts)) {
    if (spec.type === "nostr" && spec.keyFile !== undefined) {
      secretFiles.push([["mounts", point, "key_file"], spec.keyFile]);
    }
    if (spec.type === "http") {
      for (const [name, s] of Object.entries(spec.secrets ?? {})) {
        if (s.file !== undefined) {
          secretFiles.push([["mounts", point, "secrets", name, "file"], s.file]);
        }
      }
    }
  }
  for (const [field, file] of secretFiles) {
    const real = realish(file);
    for (const [where, dir] of mounted) {
      if (within(real, dir)) {
        report(
          field,
          `the secret lies inside the folder mounted at ${where}: the agent could read it`,
        );
      }
    }
  }
}
