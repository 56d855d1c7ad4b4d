// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
/**
 * The shell over a namespace against just-bash over its own in-memory file
 * system, running the same scripts: what the namespace adapter, the
 * output streaming and the checks of `runShell` cost. Run with
 * `deno bench -A bench/shell_bench.ts`.
 */
import { Bash } from "npm:just-bash@3.4.2";
import { MemFs } from "../src/fs/mem_fs.ts";
import { Namespace } from "../src/namespace/namespace.ts";
import { runShell } from "../src/shell/run_shell.ts";

/** Writes 200 files, lists, reads and searches them, then removes them. */
const FILE_WORK = [
  "mkdir -p /tmp/w && cd /tmp/w",
  'for i in $(seq 1 200); do echo "line $i of file $i" > f$i.txt; done',
  "ls | wc -l",
  "cat f*.txt | grep -c 'line 1'",
  "grep -l 'file 19' *.txt | sort | head -3",
  "cd / && rm -r /tmp/w",
].join("\n");

function justBash(): Bash {
  return new Bash({ cwd: "/tmp", defenseInDepth: false, executionLimitProfile: "hardened" });
}

function namespace(): Namespace {
  return Namespace.builder().mount("/tmp", new MemFs()).build();
}

async function check(run: Promise<{ exitCode: number }>): Promise<void> {
  const r = await run;
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}`);
}

Deno.bench({
  name: "baseline: just-bash on its InMemoryFs",
  group: "200 files written, listed, read, searched",
  baseline: true,
  n: 20,
  warmup: 3,
  async fn() {
    await check(justBash().exec(FILE_WORK));
  },
});

Deno.bench({
  name: "runShell on a Namespace over MemFs",
  group: "200 files written, listed, read, searched",
  n: 20,
  warmup: 3,
  async fn() {
    await check(runShell(namespace(), FILE_WORK, { cwd: "/tmp" }));
  },
});

Deno.bench({
  name: "baseline: new just-bash, exec true",
  group: "one trivial run",
  baseline: true,
  n: 200,
  warmup: 20,
  async fn() {
    await check(justBash().exec("true"));
  },
});

Deno.bench({
  name: "runShell(ns, 'true')",
  group: "one trivial run",
  n: 200,
  warmup: 20,
  async fn() {
    await check(runShell(namespace(), "true", { cwd: "/tmp" }));
  },
});
