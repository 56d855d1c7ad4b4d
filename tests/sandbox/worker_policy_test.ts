/**
 * A worker's policy: what a job from a queue may ask for. Anything more is
 * named, field by field; nothing is trimmed silently.
 */
import assert from "@std/assert";
import { ManifestError } from "../../src/sandbox/manifest/field_reader.ts";
import { validateManifest } from "../../src/sandbox/manifest/manifest.ts";
import {
  DEFAULT_WORKER_POLICY,
  loadWorkerPolicy,
  parseWorkerPolicy,
  policyProblems,
  type WorkerPolicy,
} from "../../src/sandbox/worker/worker_policy.ts";

const manifest = (data: Record<string, unknown>) =>
  validateManifest({ mounts: { "/tmp": "mem" }, ...data }, "/srv");

const fields = (policy: WorkerPolicy, data: Record<string, unknown>) =>
  policyProblems(manifest(data), policy).map((p) => p.field);

Deno.test("the default policy takes a plain job, and no network, secret or rw workspace", () => {
  assert.deepEqual(fields(DEFAULT_WORKER_POLICY, {}), []);
  const problems = policyProblems(
    manifest({
      mounts: {
        "/w": { type: "workspace", path: "/srv/p", mode: "rw" },
        "/cap/http": {
          type: "http",
          allow: ["api.example.com"],
          secrets: { KEY: { env: "AWS_SECRET_ACCESS_KEY", hosts: ["api.example.com"] } },
        },
        "/cap/nostr": { type: "nostr", relays: ["wss://relay.example.com"], key_file: "/k" },
      },
    }),
    DEFAULT_WORKER_POLICY,
  );
  assert.deepEqual(problems.map((p) => [p.field, p.problem]), [
    ["mounts./w.mode", "a worker mounts workspaces ro or cow, never rw (inputs are shared)"],
    ["mounts./cap/http.allow", "api.example.com is not in hosts"],
    [
      "mounts./cap/http.secrets.KEY",
      "this worker does not lend its variable AWS_SECRET_ACCESS_KEY (secret_env)",
    ],
    ["mounts./cap/nostr.relays", "relay.example.com is not in hosts"],
    ["mounts./cap/nostr.key_file", "a secret in a file is not taken from a queue"],
  ]);
});

Deno.test("hosts: a bare host allows every port, host:port only that one", () => {
  const policy = { ...DEFAULT_WORKER_POLICY, hosts: ["api.example.com", "10.0.0.5:8080"] };
  const http = (allow: string[]) => ({ mounts: { "/cap/http": { type: "http", allow } } });
  assert.deepEqual(fields(policy, http(["api.example.com:443", "API.example.com"])), []);
  assert.deepEqual(fields(policy, http(["10.0.0.5:8080"])), []);
  assert.deepEqual(fields(policy, http(["10.0.0.5:9090", "10.0.0.5"])), [
    "mounts./cap/http.allow",
    "mounts./cap/http.allow",
  ]);
  assert.deepEqual(fields(policy, http(["evil.example.com"])), ["mounts./cap/http.allow"]);
});

Deno.test("a replayed job reaches no network, so its hosts are not held to the list", () => {
  const data = {
    mounts: { "/cap/http": { type: "http", allow: ["127.0.0.1:47123"] } },
    replay: "/srv/cap.jsonl",
  };
  assert.deepEqual(fields(DEFAULT_WORKER_POLICY, data), []);
});

Deno.test("secrets from the worker's variables only when secret_env lends them", () => {
  const policy = { ...DEFAULT_WORKER_POLICY, hosts: ["api.example.com"], secretEnv: ["API_KEY"] };
  const data = (env: string) => ({
    mounts: {
      "/cap/http": {
        type: "http",
        allow: ["api.example.com"],
        secrets: { K: { env, hosts: ["api.example.com"] } },
      },
    },
  });
  assert.deepEqual(fields(policy, data("API_KEY")), []);
  assert.deepEqual(fields(policy, data("HOME")), ["mounts./cap/http.secrets.K"]);
});

Deno.test("limits beyond the policy are refused with both figures; mounts by type; record", () => {
  const policy = parseWorkerPolicy(
    "mounts: [mem, task]\nrecord: false\nlimits: { timeout: 60, memory: 512, threads: 8, max_output: 1000, disk: 10 }\n",
  );
  const problems = policyProblems(
    manifest({
      mounts: { "/tmp": "mem", "/logs": "logs" },
      record: true,
      limits: { timeout: 61, memory: 1024, threads: 9, max_output: 1001, disk: 11 },
    }),
    policy,
  );
  assert.deepEqual(problems.map((p) => `${p.field}: ${p.problem}`), [
    "mounts./logs: this worker does not take logs mounts",
    "record: this worker does not record",
    "limits.timeout: 61 s is more than this worker allows (60 s)",
    "limits.memory: 1024 MiB is more than this worker allows (512 MiB)",
    "limits.threads: 9 is more than this worker allows (8)",
    "limits.max_output: 1001 bytes is more than this worker allows (1000 bytes)",
    "limits.disk: 11 MiB is more than this worker allows (10 MiB)",
  ]);
});

Deno.test("a policy file: absent keys keep the defaults; mistakes named with field and line", async () => {
  const p = parseWorkerPolicy("hosts: [api.example.com:443]\n");
  assert.deepEqual(p.hosts, ["api.example.com:443"]);
  assert.deepEqual(p.limits, DEFAULT_WORKER_POLICY.limits);
  assert.deepEqual(p.mounts, DEFAULT_WORKER_POLICY.mounts);
  const bad = (text: string, field: string) => {
    try {
      parseWorkerPolicy(text);
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      assert.equal(e.field, field, e.message);
      assert.equal(typeof e.line, "number", e.message);
      return;
    }
    assert.fail(`${JSON.stringify(text)} was taken`);
  };
  bad("mounts: [mem, docker]\n", "mounts.1");
  bad("hosts:\n  - 'a b'\n", "hosts.0");
  bad("limits:\n  timeout: -1\n", "limits.timeout");
  bad("colour: red\n", "colour");
  bad("record: yes please\n", "record");
  assert.throws(() => parseWorkerPolicy("a: [\n"), ManifestError, "malformed YAML");
  await assert.rejects(
    () => loadWorkerPolicy("/nonexistent/policy.yaml"),
    ManifestError,
    "no such file",
  );
});
