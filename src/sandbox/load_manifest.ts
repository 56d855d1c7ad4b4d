/**
 * Parsing manifests from YAML or JSON text, and loading them from files.
 *
 * @module
 */

// @ts-types="npm:@types/js-yaml@4.0.9"
import yaml from "js-yaml";
import { dirname, resolve } from "node:path";
import { ManifestError } from "./field_reader.ts";
import { type Manifest, validateManifest } from "./manifest.ts";
import { sourceLineFinder } from "./source_lines.ts";

/**
 * Parses and validates manifest text. JSON is YAML, so one parser serves
 * both; `.json` files are parsed as strict JSON for exact messages.
 *
 * @throws {ManifestError} for malformed text (with its line) or bad fields.
 *
 * @example
 * ```ts
 * import { parseManifest } from "@oanix/oanix";
 * const m = parseManifest("mounts:\n  /tmp: mem\nlimits:\n  timeout: 5\n", "/srv");
 * console.log(m.limits.timeoutSecs); // 5
 * ```
 */
export function parseManifest(
  text: string,
  baseDir: string,
  format: "yaml" | "json" = "yaml",
): Manifest {
  if (typeof text !== "string") {
    throw new ManifestError("", `expected manifest text, got ${typeof text}`);
  }
  let data: unknown;
  if (format === "json") {
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new ManifestError("", `malformed JSON: ${(e as Error).message}`);
    }
  } else {
    try {
      data = yaml.load(text, { schema: yaml.JSON_SCHEMA, json: false });
    } catch (e) {
      const mark = (e as { mark?: { line: number } }).mark;
      const reason = (e as { reason?: string }).reason ?? (e as Error).message;
      throw new ManifestError("", `malformed YAML: ${reason}`, mark ? mark.line + 1 : undefined);
    }
  }
  if (data === undefined || data === null) throw new ManifestError("", "the manifest is empty");
  return validateManifest(data, baseDir, sourceLineFinder(text));
}

/**
 * Reads and validates a manifest file (YAML, or JSON for `.json`).
 * Relative paths inside it resolve against its folder.
 *
 * @throws {ManifestError} when the file is missing, unreadable or invalid.
 *
 * @example
 * ```ts ignore
 * import { loadManifest } from "@oanix/oanix";
 * const m = await loadManifest("examples/demo/env.yaml");
 * console.log(Object.keys(m.mounts));
 * ```
 */
export async function loadManifest(path: string): Promise<Manifest> {
  if (typeof path !== "string" || path === "") {
    throw new ManifestError("", "expected the path of a manifest file");
  }
  const full = resolve(path);
  let text: string;
  try {
    text = await Deno.readTextFile(full);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
    throw new ManifestError("", `cannot read ${full}: ${why}`);
  }
  return parseManifest(text, dirname(full), full.endsWith(".json") ? "json" : "yaml");
}
