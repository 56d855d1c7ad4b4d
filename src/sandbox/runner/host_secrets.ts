/**
 * What the host reads for the child and hands it over stdin, never through
 * the child's own grant: the Nostr key, HTTP secrets (each from a host
 * environment variable or file, never the manifest), and a stdin file.
 *
 * @module
 */

import type { HostSecrets } from "../../executor/http/credentials.ts";
import type { Manifest } from "../manifest/manifest.ts";
import type { Bootstrap } from "./run_protocol.ts";

/**
 * Where a host value comes from: the host's environment variable, or a
 * host file (its text, trimmed).
 *
 * @example
 * ```ts
 * import type { HostValueSource } from "./host_secrets.ts";
 * const s: HostValueSource = { env: "OPENAI_API_KEY" };
 * ```
 */
export interface HostValueSource {
  /** An environment variable of the host. */
  env?: string;
  /** A file of the host. */
  file?: string;
}

/**
 * Reads a host value; a string, or why it cannot be read.
 *
 * @example
 * ```ts ignore
 * const got = await readHostValue({ env: "HOME" });
 * if ("value" in got) console.log(got.value.length);
 * ```
 */
export async function readHostValue(
  source: HostValueSource,
): Promise<{ value: string } | { problem: string }> {
  if (source.env !== undefined) {
    const value = Deno.env.get(source.env);
    return value === undefined
      ? { problem: `the variable ${source.env} is not set` }
      : { value: value.trim() };
  }
  if (source.file !== undefined) {
    try {
      return { value: (await Deno.readTextFile(source.file)).trim() };
    } catch (e) {
      return {
        problem: e instanceof Deno.errors.NotFound ? `no such file: ${source.file}` : String(e),
      };
    }
  }
  return { problem: "no source given" };
}

/** A Nostr secret key as the manifest's host source gives it: 64 hex characters. */
export const NOSTR_KEY = /^[0-9a-f]{64}$/i;

async function valueOf(source: HostValueSource, field: string): Promise<string> {
  const got = await readHostValue(source);
  if ("problem" in got) throw new Error(`${field}: ${got.problem}`);
  return got.value;
}

/**
 * Reads what the host must hand the child: the Nostr key, the HTTP
 * secrets, and the stdin file. (`preflight` has checked them; a failure
 * here names the field.)
 *
 * @example
 * ```ts ignore
 * const { secrets } = await prepareSecrets(manifest);
 * ```
 */
export async function prepareSecrets(
  manifest: Manifest,
): Promise<Pick<Bootstrap, "secrets" | "stdinBase64">> {
  const secrets: Bootstrap["secrets"] = {};
  for (const [point, spec] of Object.entries(manifest.mounts)) {
    if (spec.type === "nostr" && (spec.keyEnv !== undefined || spec.keyFile !== undefined)) {
      const field = `mounts.${point}.${spec.keyEnv !== undefined ? "key_env" : "key_file"}`;
      const key = await valueOf({ env: spec.keyEnv, file: spec.keyFile }, field);
      if (!NOSTR_KEY.test(key)) {
        throw new Error(`${field}: the Nostr key must be 64 hex characters`);
      }
      secrets.nostrKeyHex = key.toLowerCase();
    }
    if (spec.type === "http" && spec.secrets !== undefined) {
      const http: HostSecrets = {};
      for (const [name, s] of Object.entries(spec.secrets)) {
        http[name] = { value: await valueOf(s, `mounts.${point}.secrets.${name}`), hosts: s.hosts };
      }
      secrets.http = http;
    }
  }
  const out: Pick<Bootstrap, "secrets" | "stdinBase64"> = { secrets };
  if (manifest.program?.stdinFile) {
    out.stdinBase64 = (await Deno.readFile(manifest.program.stdinFile)).toBase64();
  }
  return out;
}
