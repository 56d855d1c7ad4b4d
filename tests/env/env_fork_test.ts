/**
 * Forking environments: a prepared state, many independent trials, the
 * parent unchanged; what is forked, shared, or must be given.
 */
import assert from "@std/assert";
import {
  CowFs,
  EnvBuilder,
  FuncFs,
  LogsFs,
  MapFs,
  MemFs,
  Namespace,
  OanixEnv,
  readText,
  TaskFs,
  WorkspaceFs,
  writeText,
} from "../../mod.ts";
import { forkNamespace } from "../../src/env/snapshot/mod.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const AGENT = new URL("../fixtures/wasi/workspace.wasm", import.meta.url);

function prepared(workspace: CowFs): OanixEnv {
  const env = new EnvBuilder()
    .withId("bench")
    .mount("/workspace", workspace)
    .mount("/etc", MapFs.fromObject({ "/motd": "hi" }))
    .mount("/tmp", new MemFs())
    .mount(
      "/task",
      new TaskFs({ id: "t1", type: "edit", description: "", input: null }),
    )
    .mount("/logs", new LogsFs())
    .build();
  writeText(env.namespace, "/tmp/setup.txt", "prepared");
  env.logs()!.info("prepared");
  return env;
}

Deno.test("fork: trials from one prepared state run the same agent independently", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/src`);
    await Deno.writeTextFile(`${dir}/README.md`, "# project\n");
    await Deno.writeTextFile(`${dir}/old.txt`, "old\n");
    const env = prepared(new CowFs(WorkspaceFs.readonly(dir)));
    const agent = await Deno.readFile(AGENT);
    const trials = Array.from({ length: 5 }, () => env.fork());
    assert.deepEqual(
      trials.map((t) => t.id),
      [1, 2, 3, 4, 5].map((n) => `bench-fork-${n}`),
    );
    for (const [i, trial] of trials.entries()) {
      trial.setRunning();
      const result = await trial.runWasi(agent);
      assert.equal(result.exitCode, 0, result.stderrText);
      trial.logs()!.info(`trial ${i}`);
      trial.setCompleted(0);
    }
    const diffs = trials.map((t) => (t.mounted("/workspace") as CowFs).diff());
    for (const d of diffs) assert.deepEqual(d, diffs[0]);
    assert.equal(diffs[0].length, 4);
    assert.deepEqual(
      (env.mounted("/workspace") as CowFs).diff(),
      [],
      "the parent is unchanged",
    );
    assert.deepEqual(env.status(), { state: "created" });
    assert.equal(env.task()!.status().status, "pending");
    assert.deepEqual(env.logs()!.events().map((e) => e.message), ["prepared"]);
    assert.deepEqual(trials[3].logs()!.events().map((e) => e.message), [
      "prepared",
      "trial 3",
    ]);
    assert.equal(readText(trials[2].namespace, "/tmp/setup.txt"), "prepared");
  });
});

Deno.test("fork: what changes in one fork is seen in no other, nor in the parent", () => {
  const env = prepared(new CowFs(MapFs.fromObject({ "/a.txt": "A" })));
  const [a, b] = [env.fork(), env.fork()];
  writeText(a.namespace, "/workspace/a.txt", "from a");
  writeText(a.namespace, "/tmp/setup.txt", "from a");
  a.setRunning();
  b.logs()!.warn("from b");
  for (const e of [env, b]) {
    assert.equal(readText(e.namespace, "/workspace/a.txt"), "A");
    assert.equal(readText(e.namespace, "/tmp/setup.txt"), "prepared");
    assert.equal(e.task()!.status().status, "pending");
  }
  assert.equal(env.logs()!.events().length, 1);
});

Deno.test("fork: the fork takes the parent's status and its own id and creation time", () => {
  const env = prepared(new CowFs(new MemFs()));
  env.setRunning();
  const fork = env.fork({ id: "trial-x" });
  assert.equal(fork.id, "trial-x");
  assert.deepEqual(fork.status(), env.status());
  assert.ok(fork.createdAt >= env.createdAt);
  assert.equal(fork.task()!.status().status, "running");
  fork.setCompleted(0);
  assert.equal(env.isRunning(), true);
  assert.throws(() => env.fork({ id: "" }), TypeError);
  assert.throws(() => env.fork(null as never), TypeError);
});

Deno.test("fork: services that never change are shared, the rest are forked", () => {
  const env = prepared(new CowFs(new MemFs()));
  const fork = env.fork();
  const at = (e: OanixEnv, p: string) => e.mounted(p)!;
  assert.equal(at(fork, "/etc"), at(env, "/etc"), "a MapFs is shared");
  for (const p of ["/workspace", "/tmp", "/task", "/logs"]) {
    assert.notEqual(at(fork, p), at(env, p), `${p} is forked`);
    assert.equal(at(fork, p).kind, at(env, p).kind);
  }
});

Deno.test("fork: a read-only workspace is shared, a writable one must be shared or replaced by name", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.txt`, "a");
    const ro = WorkspaceFs.readonly(dir);
    const rw = new WorkspaceFs(dir);
    const env = new EnvBuilder().mount("/ro", ro).mount("/rw", rw).build();
    assert.throws(
      () => env.fork(),
      TypeError,
      'fork: /rw (workspace) cannot be forked: give the fork a service of its own in options.mounts["/rw"], or share this one with options.share',
    );
    assert.equal(env.fork({ share: ["/rw"] }).mounted("/rw"), rw);
    const scratch = new MemFs();
    const fork = env.fork({ mounts: { "/rw": scratch } });
    assert.equal(fork.mounted("/rw"), scratch);
    assert.equal(fork.mounted("/ro"), ro);
    assert.equal(readText(fork.namespace, "/ro/a.txt"), "a");
  });
});

Deno.test("fork: options that name no mount, or one twice, are TypeErrors and fork nothing", () => {
  const func = new FuncFs().readOnly("/n", () => "1");
  const env = new EnvBuilder().mount("/f", func).mount("/tmp", new MemFs())
    .build();
  assert.throws(
    () => env.fork({ share: ["/nope"] }),
    TypeError,
    "nothing is mounted at /nope",
  );
  assert.throws(
    () => env.fork({ share: ["/f"], mounts: { "/f": new MemFs() } }),
    TypeError,
    "both shared and replaced",
  );
  assert.throws(
    () => env.fork({ mounts: { "/f": "x" as never } }),
    TypeError,
    "must be a FileService",
  );
  assert.throws(
    () => env.fork({ share: [5 as never] }),
    TypeError,
    "must be strings",
  );
  assert.throws(() => env.fork(), TypeError, "/f (func) cannot be forked");
  const fork = env.fork({ share: ["/f"] });
  assert.equal(readText(fork.namespace, "/f/n"), "1");
});

Deno.test("fork: a namespace mounted inside is forked too", () => {
  const inner = Namespace.builder().mount("/tmp", new MemFs()).mount(
    "/etc",
    MapFs.fromObject({}),
  ).build();
  const outer = Namespace.builder().mount("/inner", inner).build();
  writeText(outer, "/inner/tmp/a", "1");
  const fork = forkNamespace(outer);
  writeText(fork, "/inner/tmp/a", "2");
  assert.equal(readText(outer, "/inner/tmp/a"), "1");
  assert.equal(readText(fork, "/inner/tmp/a"), "2");
  const withFunc = Namespace.builder().mount("/f", new FuncFs()).build();
  assert.throws(
    () => forkNamespace(Namespace.builder().mount("/n", withFunc).build()),
    TypeError,
    "in a nested namespace cannot be forked",
  );
  assert.throws(() => forkNamespace({} as never), TypeError);
});

Deno.test("fork: a parent whose workspace has open files goes on writing them", () => {
  const env = prepared(new CowFs(new MemFs()));
  const h = env.namespace.open("/workspace/out.log", {
    write: true,
    create: true,
  });
  h.write(new TextEncoder().encode("a"));
  const fork = env.fork();
  h.write(new TextEncoder().encode("b"));
  h.close();
  assert.equal(readText(env.namespace, "/workspace/out.log"), "ab");
  assert.equal(readText(fork.namespace, "/workspace/out.log"), "a");
});

Deno.test("OanixEnv: a saved state is checked", () => {
  const ns = Namespace.builder().build();
  const make = (state: unknown) => () => new OanixEnv("e", ns, state as never);
  assert.throws(make(null), TypeError, "state must be an object");
  assert.throws(
    make({ createdAt: "now", status: { state: "created" } }),
    TypeError,
    "createdAt",
  );
  assert.throws(
    make({ createdAt: 1, status: { state: "done" } }),
    TypeError,
    "state.status.state",
  );
  assert.throws(
    make({
      createdAt: 1,
      status: { state: "completed", startedAt: 1, finishedAt: 2 },
    }),
    TypeError,
    "exitCode",
  );
  const env = make({
    createdAt: 1,
    status: { state: "running", startedAt: 2 },
  })();
  assert.deepEqual(env.status(), { state: "running", startedAt: 2 });
  assert.equal(env.createdAt, 1);
  env.setCompleted(0);
  assert.equal(env.statusInfo().durationMs! >= 0, true);
});
