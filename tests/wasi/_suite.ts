/**
 * The official WASI preview1 conformance suite (WebAssembly/wasi-testsuite),
 * run through WasiRuntime: finding its programs, giving each a fresh copy
 * of its folder over a chosen file service, and comparing what it did with
 * its JSON expectations.
 *
 * The suite lives beside the repository, in ../shared/wasi-testsuite (CI
 * always has it). Its folders are read-only and modified by the tests, so
 * every run gets its own copy.
 */
import {
  type FileService,
  MemFs,
  Namespace,
  WasiAbortError,
  type WasiRuntime,
  WasiTrapError,
  WorkspaceFs,
  writeFile,
} from "./_mod.ts";

/** Where the suite is: ../shared/wasi-testsuite, next to the repository. */
export const SUITE_DIR: URL = new URL("../../../shared/wasi-testsuite/", import.meta.url);

const LANGUAGES = ["assemblyscript", "c", "rust"];

/** One test program with its expectations (SPECIFICATION.md's legacy form). */
export interface SuiteTest {
  /** `language/name`, e.g. `rust/path_link`. */
  id: string;
  /** The .wasm file. */
  wasm: string;
  /** argv after the program name. */
  args: string[];
  /** The environment, and nothing else. */
  env: Record<string, string>;
  /** The folder (relative to the test's folder) preopened as the guest's "/". */
  root?: string;
  /** The test's folder. */
  dir: string;
  /** The exit code it must end with. */
  exitCode: number;
  /** Its whole stdout, when the test says. */
  stdout?: string;
}

/** Which file service holds the test's folder. */
export type Backend = "MemFs" | "WorkspaceFs";

/** What a run did. */
export interface SuiteOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** How it ended, when not by exiting: a trap, a stop, a host error. */
  ending?: string;
}

/** True when the suite is there to run. */
export function suiteAvailable(): boolean {
  try {
    return Deno.statSync(SUITE_DIR).isDirectory;
  } catch {
    return false;
  }
}

/** Every test program of the suite, sorted by id. */
export function listSuiteTests(): SuiteTest[] {
  const tests: SuiteTest[] = [];
  for (const lang of LANGUAGES) {
    const dir = new URL(`${lang}/wasm32-wasip1/`, SUITE_DIR).pathname;
    for (const entry of Deno.readDirSync(dir)) {
      if (!entry.isFile || !entry.name.endsWith(".wasm")) continue;
      const name = entry.name.slice(0, -".wasm".length);
      let spec: Record<string, unknown> = {};
      try {
        spec = JSON.parse(Deno.readTextFileSync(`${dir}${name}.json`));
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      tests.push({
        id: `${lang}/${name}`,
        wasm: `${dir}${entry.name}`,
        args: (spec.args as string[] | undefined) ?? [],
        env: (spec.env as Record<string, string> | undefined) ?? {},
        root: spec.root as string | undefined,
        dir,
        exitCode: (spec.exit_code as number | undefined) ?? 0,
        stdout: spec.stdout as string | undefined,
      });
    }
  }
  return tests.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Copies the host folder `from` into `svc` at `to`. */
function copyIntoService(svc: FileService, from: string, to: string): void {
  for (const e of Deno.readDirSync(from)) {
    const src = `${from}/${e.name}`;
    const dst = to === "/" ? `/${e.name}` : `${to}/${e.name}`;
    if (e.isDirectory) {
      svc.mkdir(dst);
      copyIntoService(svc, src, dst);
    } else writeFile(svc, dst, Deno.readFileSync(src));
  }
}

/** Copies the host folder `from` into the (existing) host folder `to`, writable. */
function copyOnHost(from: string, to: string): void {
  for (const e of Deno.readDirSync(from)) {
    const src = `${from}/${e.name}`;
    const dst = `${to}/${e.name}`;
    if (e.isDirectory) {
      Deno.mkdirSync(dst);
      copyOnHost(src, dst);
    } else {
      Deno.writeFileSync(dst, Deno.readFileSync(src));
    }
  }
}

/** A fresh copy of the test's folder over `backend`, and how to remove it. */
function freshFolder(test: SuiteTest, backend: Backend): { svc: FileService; done: () => void } {
  const source = `${test.dir}${test.root ?? ""}`;
  if (backend === "MemFs") {
    const svc = new MemFs();
    if (test.root !== undefined) copyIntoService(svc, source, "/");
    return { svc, done: () => {} };
  }
  const host = Deno.makeTempDirSync({ prefix: "oanix-wasi-suite-" });
  if (test.root !== undefined) copyOnHost(source, host);
  return { svc: new WorkspaceFs(host), done: () => Deno.removeSync(host, { recursive: true }) };
}

const decoder = new TextDecoder();

/**
 * Runs `test` with its folder over `backend`, mounted at /suite and
 * preopened as the guest's "/" (as wasmtime's `--dir FOLDER::/`); a test
 * without a folder gets no preopen at all.
 */
export async function runSuiteTest(
  runtime: WasiRuntime,
  test: SuiteTest,
  backend: Backend,
): Promise<SuiteOutcome> {
  const { svc, done } = freshFolder(test, backend);
  try {
    const ns = Namespace.builder().mount("/suite", svc).build();
    const name = test.wasm.split("/").pop()!;
    const r = await runtime.run(ns, await Deno.readFile(test.wasm), {
      args: [name, ...test.args],
      env: test.env,
      preopens: test.root === undefined ? [] : [{ path: "/suite", name: "/" }],
      timeoutMs: 20_000,
      logs: false,
    });
    return { exitCode: r.exitCode, stdout: r.stdoutText, stderr: r.stderrText };
  } catch (e) {
    if (e instanceof WasiTrapError || e instanceof WasiAbortError) {
      return {
        exitCode: e.exitCode,
        stdout: decoder.decode(e.stdout),
        stderr: decoder.decode(e.stderr),
        ending: e.message,
      };
    }
    return { exitCode: -1, stdout: "", stderr: "", ending: `host error: ${e}` };
  } finally {
    done();
  }
}

/** Why `outcome` does not meet `test`'s expectations, or undefined when it does. */
export function mismatch(test: SuiteTest, outcome: SuiteOutcome): string | undefined {
  const problems: string[] = [];
  if (outcome.exitCode !== test.exitCode) {
    problems.push(`exit code ${outcome.exitCode}, expected ${test.exitCode}`);
  }
  if (test.stdout !== undefined && outcome.stdout !== test.stdout) {
    problems.push(
      `stdout ${JSON.stringify(head(outcome.stdout))}, expected ${
        JSON.stringify(head(test.stdout))
      }`,
    );
  }
  if (problems.length === 0) return undefined;
  if (outcome.ending !== undefined) problems.push(outcome.ending);
  const said = head(outcome.stderr.trim() || outcome.stdout.trim());
  if (said !== "") problems.push(`it said: ${said}`);
  return problems.join("; ");
}

function head(text: string, max = 240): string {
  const flat = text.replace(/\n+/g, " | ");
  return flat.length > max ? flat.slice(0, max) + "…" : flat;
}

/** What a backend can do that some suite tests need. */
export interface BackendFeatures {
  /** Hard links (`FileService.link`) through the namespace. */
  hardLinks: boolean;
  /** Setting a symlink's own times (`FileService.lsetTimes`). */
  symlinkTimes: boolean;
  /** Times kept to the nanosecond. */
  nanoTimes: boolean;
}

/** Tries each feature on a scratch copy of `backend`, mounted as the tests mount it. */
export function probeBackend(backend: Backend): BackendFeatures {
  const empty: SuiteTest = {
    id: "probe",
    wasm: "",
    args: [],
    env: {},
    dir: "",
    exitCode: 0,
  };
  const { svc, done } = freshFolder(empty, backend);
  const ns = Namespace.builder().mount("/suite", svc).build();
  const works = (f: () => void) => {
    try {
      f();
      return true;
    } catch {
      return false;
    }
  };
  try {
    writeFile(ns, "/suite/a", "x");
    const ns1 = 1_700_000_000_123_456_789n;
    return {
      hardLinks: works(() => ns.link!("/suite/a", "/suite/b")),
      symlinkTimes: works(() => {
        ns.symlink!("a", "/suite/s");
        ns.lsetTimes!("/suite/s", ns1, ns1);
      }),
      nanoTimes: works(() => ns.setTimes!("/suite/a", ns1, ns1)) &&
        ns.stat("/suite/a").mtimeNs === ns1,
    };
  } finally {
    done();
  }
}
