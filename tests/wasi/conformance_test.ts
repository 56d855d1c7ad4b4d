// The official WASI preview1 conformance suite (WebAssembly/wasi-testsuite,
// 72 programs in C, Rust and AssemblyScript) run through WasiRuntime, each
// program's folder copied fresh into the namespace, over MemFs and over
// WorkspaceFs. Every program must end with its expected exit code and
// stdout, except those listed in EXPECTED_FAILURES, each with its reason.
import assert from "@std/assert";
import { WasiRuntime } from "./_mod.ts";
import {
  type Backend,
  type BackendFeatures,
  listSuiteTests,
  mismatch,
  probeBackend,
  runSuiteTest,
  SUITE_DIR,
  suiteAvailable,
} from "./_suite.ts";

/**
 * The tests that cannot pass, and why: all depend on what the file service
 * under the namespace can do, so each applies only to a backend without
 * that ability.
 */
const EXPECTED_FAILURES: Record<string, { reason: string; when: (f: BackendFeatures) => boolean }> =
  {
    "rust/path_link": {
      reason: "the service has no hard links (FileService.link)",
      when: (f) => !f.hardLinks,
    },
    "rust/symlink_filestat": {
      reason: "the service cannot set a symlink's own times (FileService.lsetTimes)",
      when: (f) => !f.symlinkTimes,
    },
  };

const available = suiteAvailable();
if (!available) {
  console.log(
    `%cnote: the WASI conformance suite is not at ${SUITE_DIR.pathname}: its tests are skipped`,
    "color: yellow",
  );
}

const runtime = new WasiRuntime({ cacheSize: 128 });

for (const backend of ["MemFs", "WorkspaceFs"] as Backend[]) {
  Deno.test({
    name: `wasi-testsuite: every program passes over ${backend}, but the expected failures`,
    ignore: !available,
    fn: async () => {
      const features = probeBackend(backend);
      const tests = listSuiteTests();
      assert.equal(tests.length, 72, "the suite has 72 preview1 programs");
      const unexpected: string[] = [];
      const expected: string[] = [];
      const fixed: string[] = [];
      for (const test of tests) {
        const problem = mismatch(test, await runSuiteTest(runtime, test, backend));
        const known = EXPECTED_FAILURES[test.id];
        const excused = known !== undefined && known.when(features);
        if (problem === undefined) {
          if (excused) fixed.push(test.id);
        } else if (excused) expected.push(`  ${test.id}: ${known.reason}`);
        else unexpected.push(`  ${test.id}: ${problem}`);
      }
      const passed = tests.length - unexpected.length - expected.length;
      console.log(`wasi-testsuite over ${backend}: ${passed} of ${tests.length} pass`);
      if (expected.length > 0) console.log(`expected failures:\n${expected.join("\n")}`);
      if (unexpected.length > 0) console.log(`FAILURES:\n${unexpected.join("\n")}`);
      assert.deepEqual(unexpected, [], `${unexpected.length} programs failed over ${backend}`);
      assert.deepEqual(fixed, [], "these now pass: take them off EXPECTED_FAILURES");
    },
  });
}
