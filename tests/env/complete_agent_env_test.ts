/**
 * The seed's "Complete Agent Environment", end to end: a task, logs, a
 * copy-on-write workspace over a read-only real directory, and /tmp. The
 * agent (a custom job run by the Scheduler) works through the namespace's
 * files only; the host then checks the result, the events and the diff.
 */
import assert from "@std/assert";
import {
  CowFs,
  EnvBuilder,
  type FileService,
  FsError,
  JobKind,
  JobSpec,
  LogsFs,
  MemFs,
  readJson,
  readText,
  Scheduler,
  TaskFs,
  WorkspaceFs,
  writeText,
} from "../../mod.ts";

const AUTH_RS = `pub fn check(password: &str) -> bool {\n    password == "hunter2"\n}\n`;

function makeProject(): string {
  const dir = Deno.makeTempDirSync({ prefix: "oanix_project_" });
  Deno.mkdirSync(`${dir}/src`);
  Deno.writeTextFileSync(`${dir}/src/auth.rs`, AUTH_RS);
  Deno.writeTextFileSync(`${dir}/src/main.rs`, "fn main() {}\n");
  Deno.writeTextFileSync(`${dir}/TODO.txt`, "review auth\n");
  return dir;
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of Deno.readDirSync(d)) {
      if (e.isDirectory) walk(`${d}/${e.name}`, `${rel}/${e.name}`);
      else out[`${rel}/${e.name}`] = Deno.readTextFileSync(`${d}/${e.name}`);
    }
  };
  walk(dir, "");
  return out;
}

const enc = new TextEncoder();

/** Appends to a file through the file interface. */
function append(ns: FileService, path: string, text: string): void {
  const h = ns.open(path, { append: true });
  h.write(enc.encode(text));
  h.close();
}

/** The agent: it sees only `ns`, and uses only file operations. */
function agent(ns: FileService): number {
  const spec = readJson(ns, "/task/spec.json") as { id: string; input: { files: string[] } };
  const status = readJson(ns, "/task/status") as { status: string };
  if (status.status !== "running") return 2;
  append(
    ns,
    "/logs/events.jsonl",
    `{"level":"info","message":"review started","data":{"task":"${spec.id}"}}\n`,
  );

  const findings: string[] = [];
  for (const file of spec.input.files) {
    const source = readText(ns, `/workspace/${file}`);
    append(ns, "/logs/stdout.log", `read ${file}: ${source.split("\n").length - 1} lines\n`);
    if (source.includes('"hunter2"')) findings.push(`${file}: hard-coded password`);
  }
  writeText(ns, "/tmp/notes.md", findings.join("\n"));
  append(ns, "/logs/events.jsonl", `{"level":"warn","message":"Found issue: ${findings[0]}"}\n`);
  append(ns, "/logs/events.jsonl", "this line is not JSON\n");

  // Fix the code, write a report, drop the TODO: all in the overlay.
  writeText(
    ns,
    "/workspace/src/auth.rs",
    readText(ns, "/workspace/src/auth.rs").replace('"hunter2"', "env_secret()"),
  );
  writeText(ns, "/workspace/REVIEW.md", `# Review\n\n${readText(ns, "/tmp/notes.md")}\n`);
  ns.remove("/workspace/TODO.txt");

  // Trying to leave the workspace gets nowhere.
  try {
    readText(ns, "/workspace/../../../etc/passwd");
    return 3;
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
  }

  writeText(ns, "/task/result.json", JSON.stringify({ issues: findings, fixed: true }));
  append(ns, "/logs/events.jsonl", '{"level":"info","message":"review done"}\n');
  return 0;
}

Deno.test("Complete Agent Environment: task, logs, CowFs over a read-only workspace, /tmp", async () => {
  const dir = makeProject();
  try {
    const before = snapshot(dir);
    const task = new TaskFs(
      {
        id: "review-001",
        type: "code-review",
        description: "Review the authentication module",
        input: { files: ["src/auth.rs"] },
      },
      { tags: ["auth"], timeout_secs: 60 },
    );
    const logs = new LogsFs();
    const workspace = new CowFs(WorkspaceFs.readonly(dir));
    const env = new EnvBuilder()
      .mount("/task", task)
      .mount("/logs", logs)
      .mount("/workspace", workspace)
      .mount("/tmp", new MemFs())
      .build();

    const scheduler = new Scheduler({ maxConcurrent: 1 });
    scheduler.registerEnv(env);
    scheduler.handle("review-agent", (_job, e) => agent(e.namespace));
    const jobId = scheduler.submit(
      new JobSpec(env.id, JobKind.custom("review-agent")).withTimeout(60),
    );

    env.setRunning();
    await scheduler.run();
    const job = scheduler.result(jobId)!;
    assert.equal(job.state, "completed", job.error);
    env.setCompleted(job.exitCode!);

    // The result, through the host API and through the namespace.
    assert.deepEqual(task.status().status, "completed");
    assert.deepEqual(task.result(), { issues: ["src/auth.rs: hard-coded password"], fixed: true });
    const resolved = env.namespace.resolve("/task/result.json")!;
    assert.deepEqual(readJson(resolved.service, resolved.path), task.result());
    assert.equal(env.status().state, "completed");

    // The logs: stdout, and the events, the malformed line kept as an error event.
    assert.equal(logs.stdout(), "read src/auth.rs: 3 lines\n");
    const events = logs.events();
    assert.deepEqual(events.map((e) => e.level), ["info", "warn", "error", "info"]);
    assert.equal(events[0].message, "review started");
    assert.equal(events[1].message, "Found issue: src/auth.rs: hard-coded password");
    assert.match(events[2].message, /^malformed line in events\.jsonl: not JSON/);
    assert.equal(events[3].message, "review done");
    assert.deepEqual(events[0].data, { task: "review-001" });
    assert.deepEqual(events[2].data, { raw: "this line is not JSON" });

    // The workspace: the agent's changes are in the overlay, the real directory is untouched.
    const changes = workspace.diff().map(({ path, change, kind }) => ({ path, change, kind }));
    assert.deepEqual(changes.sort((a, b) => (a.path < b.path ? -1 : 1)), [
      { path: "/REVIEW.md", change: "added", kind: "file" },
      { path: "/TODO.txt", change: "deleted", kind: "file" },
      { path: "/src/auth.rs", change: "modified", kind: "file" },
    ]);
    assert.match(readText(workspace, "/src/auth.rs"), /env_secret\(\)/);
    assert.deepEqual(snapshot(dir), before);

    // The description is plain data naming every mount.
    const d = env.describe();
    assert.deepEqual(d.mounts.map((m) => [m.path, m.kind]), [
      ["/logs", "logs"],
      ["/task", "task"],
      ["/tmp", "mem"],
      ["/workspace", "cow"],
    ]);
    assert.equal(JSON.stringify(d).includes('"state":"completed"'), true);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
