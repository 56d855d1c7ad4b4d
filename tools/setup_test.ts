/**
 * What `deno task test` needs that Deno cannot install itself: Debian's
 * Chromium, for the browser test, and Debian's redis-server, for the queue
 * tests. Run before the tests (a dependency of the `test` task). When a
 * package is missing and this user can install it (root, with apt-get), it
 * installs it; otherwise it says in one line how, and those tests are
 * skipped (unless OANIX_REQUIRE_BROWSER=1 or OANIX_REQUIRE_REDIS=1, as in
 * CI, where they then fail).
 *
 *   deno run --allow-read --allow-run --allow-env tools/setup_test.ts
 *
 * @module
 */

/** Where the browser test looks for Chromium. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** A Debian package the tests need: its name, the file it installs, and who needs it. */
export interface TestPackage {
  /** The Debian package. */
  name: string;
  /** A file it installs (present means installed). */
  path: string;
  /** Who needs it, for messages ("the browser test needs Chromium"). */
  needed: string;
}

/** The Debian packages the tests need. */
export const TEST_PACKAGES: readonly TestPackage[] = [
  { name: "chromium", path: CHROMIUM_PATH, needed: "the browser test needs Chromium" },
  { name: "redis-server", path: "/usr/bin/redis-server", needed: "the queue tests need Redis" },
];

/** What the setup found and did. */
export type SetupOutcome = "present" | "installed" | "advised" | "failed";

/** What the setup may look at and do; the defaults are the real machine. */
export interface SetupHost {
  /** Whether a file exists. */
  exists(path: string): boolean;
  /** Whether this user can install Debian packages (root with apt-get). */
  canInstall(): boolean;
  /** Runs a command; true when it succeeded. */
  run(cmd: string, args: string[]): Promise<boolean>;
  /** Prints a line. */
  say(line: string): void;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The real machine. */
export const realHost: SetupHost = {
  exists,
  canInstall: () => Deno.uid() === 0 && exists("/usr/bin/apt-get"),
  run: async (cmd, args) => {
    const out = await new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "inherit",
      env: { DEBIAN_FRONTEND: "noninteractive" },
    }).output();
    return out.success;
  },
  say: (line) => console.error(line),
};

/** Makes sure every package is there, or says how to get it; the outcome per package. */
export async function ensureTestPackages(
  host: SetupHost = realHost,
  packages: readonly TestPackage[] = TEST_PACKAGES,
): Promise<Record<string, SetupOutcome>> {
  const outcome: Record<string, SetupOutcome> = {};
  const missing = packages.filter((p) => {
    if (host.exists(p.path)) outcome[p.name] = "present";
    return outcome[p.name] === undefined;
  });
  if (missing.length === 0) return outcome;
  const names = missing.map((p) => p.name).join(" ");
  const how = `apt-get install ${names}`;
  if (!host.canInstall()) {
    for (const p of missing) {
      host.say(`oanix tests: ${p.needed} (apt-get install ${p.name}, as root); skipping`);
      outcome[p.name] = "advised";
    }
    return outcome;
  }
  host.say(`oanix tests: installing ${names} from Debian's packages for the tests...`);
  const ok = await host.run("apt-get", ["update", "-qq"]) &&
    await host.run("apt-get", ["install", "-y", "-qq", ...missing.map((p) => p.name)]);
  for (const p of missing) {
    outcome[p.name] = ok && host.exists(p.path) ? "installed" : "failed";
    if (outcome[p.name] === "failed") {
      host.say(`oanix tests: could not install ${p.name} (${how}); ${p.needed}, skipping`);
    }
  }
  return outcome;
}

if (import.meta.main) await ensureTestPackages();
