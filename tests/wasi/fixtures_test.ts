import assert from "@std/assert";
import { PREVIEW1_FUNCTIONS, readText, WasiTrapError } from "./_mod.ts";
import { failures, fixture, oks, rejection, runtime, testNamespace } from "./_helpers.ts";

const NAMES = [
  "basics",
  "bench",
  "calls",
  "capread",
  "dirs",
  "files",
  "redirect",
  "sleep",
  "trap",
  "workspace",
];

Deno.test("the fixtures together import all 46 preview1 functions", async () => {
  const used = new Set<string>();
  for (const name of NAMES) {
    const mod = await runtime.compile(await fixture(name));
    for (const i of WebAssembly.Module.imports(mod)) used.add(i.name);
  }
  const missing = PREVIEW1_FUNCTIONS.filter((f) => !used.has(f));
  assert.deepEqual(missing, []);
  assert.equal(PREVIEW1_FUNCTIONS.length, 46);
});

Deno.test("files: flags, seek/tell, pread/pwrite, truncate, times, inodes, renumber", async () => {
  const { ns, tmp } = testNamespace();
  const r = await runtime.run(ns, await fixture("files"), { args: ["files"] });
  assert.deepEqual(failures(r.stdoutText), []);
  assert.equal(r.exitCode, 0);
  const ok = oks(r.stdoutText);
  for (
    const name of [
      "creat_excl_exists",
      "trunc",
      "append",
      "o_directory_on_file",
      "open_dir_for_write",
      "seek_end",
      "pread_keeps_pos",
      "size_after_allocate",
      "mtime_ns",
      "ino_stable_across_rename",
      "ino_distinct_across_mounts",
      "renumber_onto_stdout",
      "isatty_stdout",
    ]
  ) assert.ok(ok.has(name), `missing check ${name}`);
  // The host sees the guest's writes.
  assert.equal(readText(tmp, "/via_stdout.txt"), "through fd 1\n");
  assert.equal(readText(tmp, "/a.txt"), "0123456789AB!");
  assert.equal(tmp.stat("/t2.txt").mtimeNs, 3000n * 1_000_000_000n + 5n);
});

Deno.test("files: a configurable fd limit gives EMFILE", async () => {
  const { ns } = testNamespace();
  const r = await runtime.run(ns, await fixture("files"), {
    args: ["files", "emfile"],
    maxFds: 20,
  });
  assert.deepEqual(failures(r.stdoutText), []);
  // 20 fds less stdin, stdout, stderr and the preopen.
  assert.match(r.stdoutText, /opened 16\n/);
});

Deno.test("dirs: tree operations, 2000-entry readdir with cookies, symlinks, names", async () => {
  const { ns, tmp } = testNamespace();
  const r = await runtime.run(ns, await fixture("dirs"), { args: ["dirs", "2000"] });
  assert.deepEqual(failures(r.stdoutText), []);
  assert.equal(r.exitCode, 0);
  assert.match(r.stdoutText, /entries 2000\n/);
  const ok = oks(r.stdoutText);
  for (
    const name of [
      "readdir_resume",
      "list_root_mounts",
      "dotdot_escape",
      "nul_in_path",
      "name_too_long",
      "nofollow",
      // MemFs (at /tmp) keeps hard links once it has the contract's link().
      typeof tmp.link === "function" ? "hard_link" : "hard_link_unsupported",
      "rename_across_mounts",
    ]
  ) assert.ok(ok.has(name), `missing check ${name}`);
  assert.equal(tmp.readdir("/many").length, 2000);
  assert.equal(readText(tmp, "/target.txt"), "via link");
});

Deno.test("dirs: readdir resumes correctly with 5000 entries", async () => {
  const { ns } = testNamespace();
  const r = await runtime.run(ns, await fixture("dirs"), { args: ["dirs", "5000"] });
  assert.deepEqual(failures(r.stdoutText), []);
  assert.match(r.stdoutText, /entries 5000\n/);
});

Deno.test("redirect: stdout and stderr saved and restored with fd_renumber, as yosys does", async () => {
  const { ns, tmp } = testNamespace();
  const r = await runtime.run(ns, await fixture("redirect"), { args: ["redirect"] });
  assert.equal(r.exitCode, 0, r.stdoutText);
  assert.equal(
    r.stdoutText,
    "before the step\n" +
      "after the step; renumber errors 0; second move EBADF; captured 16: during the step\n",
  );
  assert.equal(r.stderrText, "stderr works again\n");
  assert.equal(readText(tmp, "/stdouterr.txt"), "during the step\n");
});

Deno.test("sleep: nanosleep and poll_oneoff with clocks and fds", async () => {
  const { ns } = testNamespace();
  const r = await runtime.run(ns, await fixture("sleep"), { args: ["sleep"] });
  assert.deepEqual(failures(r.stdoutText), []);
  assert.equal(r.exitCode, 0);
  assert.ok(oks(r.stdoutText).has("poll_three_clocks"));
});

Deno.test("calls: sockets, proc_raise, rights, flags and misuse give their errno", async () => {
  const { ns } = testNamespace();
  const r = await runtime.run(ns, await fixture("calls"), { args: ["calls"] });
  assert.deepEqual(failures(r.stdoutText), []);
  assert.equal(r.exitCode, 0);
  assert.ok(oks(r.stdoutText).size >= 40);
});

Deno.test("proc_raise of a terminating signal ends the guest with 128 + signal", async () => {
  const { ns } = testNamespace();
  const r = await runtime.run(ns, await fixture("calls"), { args: ["calls", "raise", "15"] });
  assert.equal(r.exitCode, 143);
  assert.equal(r.stdoutText, "");
});

Deno.test("basics: args, env, stdin, stderr, clocks, random and the exit code", async () => {
  const { ns } = testNamespace();
  const r = await runtime.run(ns, await fixture("basics"), {
    args: ["basics", "exit", "7", "with space"],
    env: { HOME: "/workspace", LANG: "C" },
    stdin: "hello stdin",
  });
  assert.equal(r.exitCode, 7);
  assert.deepEqual(failures(r.stdoutText), []);
  assert.match(r.stdoutText, /arg\[3\]=with space\n/);
  assert.match(r.stdoutText, /env LANG=C\n/);
  assert.match(r.stdoutText, /HOME=\/workspace\n/);
  assert.match(r.stdoutText, /stdin:HELLO STDIN\nstdin bytes 11\n/);
  assert.equal(r.stderrText, "this goes to stderr\n");
  assert.ok(oks(r.stdoutText).has("random_big"));
});

Deno.test("basics: stdin is empty when none is given, and exit code 0 from main", async () => {
  const { ns } = testNamespace();
  const r = await runtime.run(ns, await fixture("basics"), { args: ["basics"] });
  assert.equal(r.exitCode, 0);
  assert.match(r.stdoutText, /stdin bytes 0\n/);
});

for (const [what, trap] of [["unreachable", "unreachable"], ["abort", "unreachable"]]) {
  Deno.test(`trap: ${what} becomes a WasiTrapError naming the trap`, async () => {
    const { ns } = testNamespace();
    const err = await rejection(
      runtime.run(ns, await fixture("trap"), { args: ["trap", what] }),
      WasiTrapError,
    );
    assert.equal(err.trap, trap);
    assert.equal(err.exitCode, 134);
    assert.equal(err.stdoutText, `about to ${what}\n`);
  });
}

Deno.test("trap: running out of C stack is a clear trap, and the host stays healthy", async () => {
  const { ns } = testNamespace();
  await assert.rejects(
    runtime.run(ns, await fixture("trap"), { args: ["trap", "overflow"] }),
    WasiTrapError,
  );
  const r = await runtime.run(ns, await fixture("basics"), { args: ["basics"] });
  assert.equal(r.exitCode, 0);
});
