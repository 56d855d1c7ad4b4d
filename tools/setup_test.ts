/**
 * What `deno task test` needs that Deno cannot install itself: Debian's
 * Chromium, for the browser test. Run before the tests (a dependency of the
 * `test` task). When Chromium is missing and this user can install it (root,
 * with apt-get), it installs it; otherwise it says in one line how, and the
 * browser test is skipped (unless OANIX_REQUIRE_BROWSER=1, as in CI, where
 * it then fails).
 *
 *   deno run --allow-read --allow-run --allow-env tools/setup_test.ts
 *
 * @module
 */

/** Where the browser test looks for Chromium. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

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

/** Makes sure Chromium is there, or says how to get it. */
export async function ensureChromium(host: SetupHost = realHost): Promise<SetupOutcome> {
  if (host.exists(CHROMIUM_PATH)) return "present";
  const how = "apt-get install chromium";
  if (!host.canInstall()) {
    host.say(`oanix tests: the browser test needs Chromium (${how}, as root); skipping it`);
    return "advised";
  }
  host.say("oanix tests: installing Chromium from Debian's packages for the browser test...");
  const ok = await host.run("apt-get", ["update", "-qq"]) &&
    await host.run("apt-get", ["install", "-y", "-qq", "chromium"]);
  if (ok && host.exists(CHROMIUM_PATH)) return "installed";
  host.say(`oanix tests: could not install Chromium (${how}); the browser test will be skipped`);
  return "failed";
}

if (import.meta.main) await ensureChromium();
