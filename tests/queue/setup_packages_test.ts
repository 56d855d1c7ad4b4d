/**
 * tools/setup_test.ts installs what the tests need from Debian (Chromium,
 * redis-server) in one apt-get, or says how and lets those tests be
 * skipped. The machine is given as a SetupHost: apt-get cannot run in a
 * test, and what matters is what the setup asks of it.
 */
import assert from "@std/assert";
import { ensureTestPackages, type SetupHost, TEST_PACKAGES } from "../../tools/setup_test.ts";

function host(present: string[], canInstall: boolean, aptWorks = true) {
  const files = new Set(present);
  const log = { ran: [] as string[], said: [] as string[] };
  const h: SetupHost = {
    exists: (p) => files.has(p),
    canInstall: () => canInstall,
    run: (cmd, args) => {
      log.ran.push([cmd, ...args].join(" "));
      if (aptWorks && args[0] === "install") {
        for (const p of TEST_PACKAGES) if (args.includes(p.name)) files.add(p.path);
      }
      return Promise.resolve(aptWorks);
    },
    say: (line) => void log.said.push(line),
  };
  return { h, log };
}

const all = TEST_PACKAGES.map((p) => p.path);

Deno.test("every package present: nothing is run", async () => {
  const { h, log } = host(all, true);
  assert.deepEqual(await ensureTestPackages(h), { chromium: "present", "redis-server": "present" });
  assert.deepEqual(log.ran, []);
});

Deno.test("missing packages are installed with one apt-get, as root", async () => {
  const { h, log } = host([], true);
  assert.deepEqual(await ensureTestPackages(h), {
    chromium: "installed",
    "redis-server": "installed",
  });
  assert.deepEqual(log.ran, [
    "apt-get update -qq",
    "apt-get install -y -qq chromium redis-server",
  ]);
});

Deno.test("without root, each missing package is named with the command that installs it", async () => {
  const { h, log } = host([TEST_PACKAGES[0].path], false);
  assert.deepEqual(await ensureTestPackages(h), { chromium: "present", "redis-server": "advised" });
  assert.deepEqual(log.ran, []);
  assert.deepEqual(log.said, [
    "oanix tests: the queue tests need Redis (apt-get install redis-server, as root); skipping",
  ]);
});

Deno.test("a failed apt-get is reported, and the tests that need it are skipped", async () => {
  const { h, log } = host([], true, false);
  assert.deepEqual(await ensureTestPackages(h), { chromium: "failed", "redis-server": "failed" });
  assert.equal(log.said.filter((l) => l.includes("could not install")).length, 2);
});
