/**
 * Environment snapshots: taken mid-run, restored elsewhere, they give the
 * same diff, task state and logs; every way a restore can be refused.
 */
import assert from "@std/assert";
import {
  CowFs,
  EnvBuilder,
  FuncFs,
  LogsFs,
  MapFs,
  MemFs,
  type OanixEnv,
  readText,
  TaskFs,
  WorkspaceFs,
  writeText,
} from "../../mod.ts";
import {
  restoreEnv,
  restoreNamespace,
  snapshotEnv,
  snapshotNamespace,
} from "../../src/env/snapshot/mod.ts";
import { inspectSnapshot, restoreFs, snapshotFs } from "../../src/fs/snapshot/mod.ts";
import { assertRefused, edited, editJson } from "../fs/snapshot_helpers.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const AGENT = new URL("../fixtures/wasi/workspace.wasm", import.meta.url);

async function project(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/src`);
  await Deno.writeTextFile(`${dir}/README.md`, "# project\n");
  await Deno.writeTextFile(`${dir}/old.txt`, "old\n");
  await Deno.writeTextFile(
    `${dir}/src/main.c`,
    "int main(void) { return 0; }\n",
  );
}

function agentEnv(dir: string): OanixEnv {
  return new EnvBuilder()
    .withId("run-1")
    .mount("/workspace", new CowFs(WorkspaceFs.readonly(dir)))
    .mount("/tmp", new MemFs())
    .mount(
      "/task",
      new TaskFs({ id: "t1", type: "edit", description: "edit", input: null }),
    )
    .mount("/logs", new LogsFs())
    .build();
}

/** What the done criterion compares: the diff, the task and the logs. */
function outcome(env: OanixEnv) {
  const logs = env.logs()!;
  return {
    status: env.status(),
    diff: (env.mounted("/workspace") as CowFs).diff(),
    task: env.task()!.exportState(),
    stdout: logs.stdout(),
    stderr: logs.stderr(),
    events: logs.events(),
    tmp: readText(env.namespace, "/tmp/notes.txt"),
  };
}

Deno.test("a snapshot taken mid-run, restored over a copy of the workspace, gives the same diff, task and logs", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/a`);
    await project(`${dir}/a`);
    const env = agentEnv(`${dir}/a`);
    env.setRunning();
    // Step 1: a real agent edits the workspace.
    const step1 = await env.runWasi(await Deno.readFile(AGENT));
    assert.equal(step1.exitCode, 0, step1.stderrText);
    env.logs()!.writeStdout(step1.stdoutText);
    env.logs()!.info("step 1 done", { exitCode: step1.exitCode });
    writeText(env.namespace, "/tmp/notes.txt", "half way");
    writeText(env.namespace, "/task/result.json", '{"step":1}');
    const archive = snapshotEnv(env);

    // Elsewhere: the same workspace at another path (times kept, as cp -a does).
    const copy = await new Deno.Command("cp", {
      args: ["-a", `${dir}/a`, `${dir}/b`],
    }).output();
    assert.ok(copy.success);
    const restored = restoreEnv(archive, {
      bases: { "/workspace": WorkspaceFs.readonly(`${dir}/b`) },
    });
    assert.equal(restored.id, "run-1");
    assert.deepEqual(outcome(restored), outcome(env));
    assert.deepEqual(
      (restored.mounted("/workspace") as CowFs).diff().map((c) => `${c.change} ${c.path}`),
      [
        "modified /README.md",
        "added /build",
        "deleted /old.txt",
        "added /src/new.c",
      ],
    );

    // Step 2, the same on both: they stay the same.
    for (const e of [env, restored]) {
      writeText(
        e.namespace,
        "/workspace/src/main.c",
        "int main(void) { return 1; }\n",
      );
      writeText(e.namespace, "/task/result.json", '{"step":2}');
      e.logs()!.info("step 2 done");
      e.setCompleted(0);
    }
    const strip = (o: ReturnType<typeof outcome>) => ({
      ...o,
      status: o.status.state,
      task: {
        ...o.task,
        status: o.task.status.status,
        statusAtNs: 0n,
        result: o.task.result?.bytes,
      },
      events: o.events.map((e) => [e.level, e.message, e.data]),
    });
    assert.deepEqual(strip(outcome(restored)), strip(outcome(env)));
    assert.equal(
      await Deno.readTextFile(`${dir}/b/README.md`),
      "# project\n",
      "the base is untouched",
    );
  });
});

Deno.test("an environment snapshot is refused over a workspace that changed since", async () => {
  await withTempDir(async (dir) => {
    await project(dir);
    const env = agentEnv(dir);
    writeText(env.namespace, "/workspace/new.txt", "n");
    writeText(env.namespace, "/tmp/notes.txt", "");
    const archive = snapshotEnv(env);
    await Deno.writeTextFile(`${dir}/old.txt`, "changed\n");
    assertRefused(
      () =>
        restoreEnv(archive, {
          bases: { "/workspace": WorkspaceFs.readonly(dir) },
        }),
      "wrong-base",
      /mount \/workspace was taken over a base of 4 entries/,
    );
    assertRefused(
      () => restoreEnv(archive),
      "missing-service",
      /"\/workspace"\]/,
    );
    const info = inspectSnapshot(archive);
    const base = info.mounts.find((m) => m.path === "/workspace")!.base!;
    assert.equal(base.kind, "workspace");
    assert.equal(
      base.describe.root,
      await Deno.realPath(dir),
      "where the base was, for the one who restores",
    );
  });
});

Deno.test("a namespace snapshot holds every kind of mount, and lists the others as external", () => {
  const base = MapFs.fromObject({ "/in.txt": "in" });
  const counter = new FuncFs().readOnly("/n", () => "1");
  const ns = new EnvBuilder()
    .mount("/workspace", new CowFs(base))
    .mount("/etc", MapFs.fromObject({ "/motd": "hi" }))
    .mount("/tmp", new MemFs())
    .mount("/logs", new LogsFs())
    .mount("/func", counter)
    .build().namespace;
  writeText(ns, "/workspace/out.txt", "out");
  writeText(ns, "/tmp/t", "t");
  const archive = snapshotNamespace(ns);
  const info = inspectSnapshot(archive);
  assert.equal(info.subject, "namespace");
  assert.deepEqual(
    info.mounts.map((m) => [m.path, m.service, m.kind]),
    [
      ["/etc", "map", undefined],
      ["/func", "external", "func"],
      ["/logs", "logs", undefined],
      ["/tmp", "mem", undefined],
      ["/workspace", "cow", undefined],
    ],
  );
  assertRefused(
    () => restoreNamespace(archive, { bases: { "/workspace": base } }),
    "missing-service",
    /mount \/func \(func\) is not in the archive: give a service for it in options\.mounts\["\/func"\]/,
  );
  const again = restoreNamespace(archive, {
    bases: { "/workspace": base },
    mounts: { "/func": counter },
  });
  assert.equal(readText(again, "/workspace/out.txt"), "out");
  assert.equal(readText(again, "/etc/motd"), "hi");
  assert.equal(readText(again, "/tmp/t"), "t");
  assert.equal(
    again.mounts().find((m) => m.path === "/func")!.service,
    counter,
  );
});

Deno.test("restore options that name no such mount are TypeErrors", () => {
  const archive = snapshotNamespace(
    new EnvBuilder().mount("/tmp", new MemFs()).build().namespace,
  );
  assert.throws(
    () => restoreNamespace(archive, { bases: { "/tmp": new MemFs() } }),
    TypeError,
    "no copy-on-write mount at /tmp",
  );
  assert.throws(
    () => restoreNamespace(archive, { mounts: { "/cap": new MemFs() } }),
    TypeError,
    "no mount it does not hold",
  );
  assert.throws(
    () => restoreNamespace(archive, { bases: { "/x": "dir" as never } }),
    TypeError,
    "must be a FileService",
  );
  assert.throws(() => restoreEnv(archive, { id: "" }), TypeError);
  assert.throws(() => snapshotEnv({} as never), TypeError);
  assert.throws(() => snapshotNamespace({} as never), TypeError);
});

Deno.test("restoreEnv: the saved id and status, or a new id; a namespace archive gives a new environment", () => {
  const env = new EnvBuilder().withId("saved").mount("/tmp", new MemFs())
    .build();
  env.setRunning();
  env.setFailed("gave up");
  const archive = snapshotEnv(env);
  const again = restoreEnv(archive);
  assert.equal(again.id, "saved");
  assert.deepEqual(again.status(), env.status());
  assert.equal(again.createdAt, env.createdAt);
  assert.equal(restoreEnv(archive, { id: "other" }).id, "other");
  const fromNs = restoreEnv(snapshotNamespace(env.namespace));
  assert.deepEqual(fromNs.status(), { state: "created" });
  assert.equal(restoreNamespace(archive).mounts().length, 1);
});

Deno.test("an environment archive with a bad env record is refused as corrupt", () => {
  const archive = snapshotEnv(
    new EnvBuilder().withId("e").mount("/tmp", new MemFs()).build(),
  );
  const cases: Array<[string, (env: Record<string, unknown>) => void, RegExp]> = [
    ["a bad state", (e) => e.status = { state: "paused" }, /state must be/],
    [
      "a running status without a start",
      (e) => e.status = { state: "running" },
      /startedAt/,
    ],
    ["an empty id", (e) => e.id = " ", /"id" is empty/],
    ["an unknown field", (e) => e.owner = "me", /unknown field "owner"/],
  ];
  for (const [what, edit, message] of cases) {
    const bad = edited(archive, (entries) => {
      editJson(
        entries,
        "oanix-snapshot.json",
        (m) => edit(m.env as Record<string, unknown>),
      );
    });
    try {
      assertRefused(() => restoreEnv(bad), "corrupt", message);
    } catch (e) {
      throw new Error(`${what}: ${(e as Error).message}`);
    }
  }
});

Deno.test("one-service and whole archives are not mistaken for each other", () => {
  const one = snapshotFs(new MemFs());
  assertRefused(() => restoreEnv(one), "unsupported-service", /restoreService/);
  assertRefused(() => restoreNamespace(one), "unsupported-service");
  const whole = snapshotNamespace(
    new EnvBuilder().mount("/tmp", new MemFs()).build().namespace,
  );
  assertRefused(
    () => restoreFs(whole),
    "unsupported-service",
    /restoreNamespace/,
  );
});

Deno.test("an unknown kind of service in an archive is refused as unsupported", () => {
  const archive = snapshotNamespace(
    new EnvBuilder().mount("/tmp", new MemFs()).build().namespace,
  );
  const bad = edited(archive, (entries) => {
    editJson(entries, "oanix-snapshot.json", (m) => {
      (m.mounts as Array<Record<string, unknown>>)[0].service = "redis";
    });
  });
  assertRefused(
    () => restoreNamespace(bad),
    "unsupported-service",
    /no codec for "redis"/,
  );
});

Deno.test("a cache of base identities spares reading the base again, and is what gets recorded", () => {
  const base = MapFs.fromObject({ "/big.bin": new Uint8Array(1000) });
  const cache = new Map();
  const env = new EnvBuilder().mount("/w", new CowFs(base)).build();
  snapshotEnv(env, { identities: cache });
  assert.equal(cache.get(base)?.mode, "content");
  // Whatever the cache says is taken as the base's identity (the caller vouches for it).
  cache.set(base, { ...cache.get(base), digest: "sha256:" + "0".repeat(64) });
  const archive = snapshotEnv(env, { identities: cache });
  assertRefused(
    () => restoreEnv(archive, { bases: { "/w": base } }),
    "wrong-base",
  );
  assert.equal(
    restoreEnv(archive, { bases: { "/w": base }, identities: cache }).namespace
      .mounts().length,
    1,
  );
  assert.throws(
    () => snapshotEnv(env, { identities: {} as never }),
    TypeError,
    "must be a Map",
  );
});

Deno.test("corrupt TaskFs or LogsFs data in an archive is refused as corrupt", () => {
  const env = new EnvBuilder()
    .mount(
      "/task",
      new TaskFs({ id: "t", type: "x", description: "", input: null }),
    )
    .mount("/logs", new LogsFs())
    .build();
  env.logs()!.info("one");
  const archive = snapshotEnv(env);
  const cases: Array<
    [string, number, (d: Record<string, unknown>) => void, RegExp]
  > = [
    [
      "a bad spec",
      1,
      (d) => (d.spec as Record<string, unknown>).id = 5,
      /spec\.id/,
    ],
    ["a bad status", 1, (d) => d.status = { status: "paused" }, /status/],
    [
      "events miscounted",
      0,
      (d) => (d.events as Record<string, unknown>).count = 2,
      /says 2 events/,
    ],
    ["a bad cap", 0, (d) => d.maxBytesPerStream = 0, /maxBytesPerStream/],
  ];
  for (const [what, mount, edit, message] of cases) {
    const bad = edited(
      archive,
      (entries) => editJson(entries, `mounts/${mount}.json`, edit),
    );
    try {
      assertRefused(() => restoreEnv(bad), "corrupt", message);
    } catch (e) {
      throw new Error(`${what}: ${(e as Error).message}`);
    }
  }
});
