// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
/**
 * Parsing manifests from YAML or JSON text, and loading them from files.
 *
 * @module
 */

// @ts-types="npm:@types/js-yaml@4.0.9"
import yaml from "npm:js-yaml@4.1.0";
import { dirname } from "./posix_path.ts";
import { ManifestError, readConfigFile } from "./field_reader.ts";
import { checkExpansion, markPlaceholders } from "./manifest_vars.ts";
import { type Manifest, setManifestFile, validateManifest } from "./manifest.ts";
import { sourceLineFinder } from "./source_lines.ts";

/**
 * Options for {@linkcode parseManifest} and {@linkcode loadManifest}.
 *
 * @example
 * ```ts
 * import type { ParseManifestOptions } from "@oanix/oanix";
 * const opts: ParseManifestOptions = { format: "yaml", vars: { PORT: "8080" } };
 * ```
 */
export interface ParseManifestOptions {
  /** The text's format (default yaml; loadManifest picks json for `.json` files). */
  format?: "yaml" | "json";
  /** Values for `{{NAME}}` placeholders in the text. */
  vars?: Record<string, string>;
}

/**
 * Parses and validates manifest text, filling in `{{NAME}}` placeholders
 * from `options.vars` after parsing (a value is only ever a scalar, never
 * syntax). JSON is YAML, so one parser serves both; `.json` files are
 * parsed as strict JSON for exact messages. A manifest whose YAML aliases
 * expand past 100,000 values is refused.
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
  options: ParseManifestOptions = {},
): Manifest {
  if (typeof text !== "string") {
    throw new ManifestError("", `expected manifest text, got ${typeof text}`);
  }
  const format = options.format ?? "yaml";
  const { text: marked, fill } = markPlaceholders(text, options.vars ?? {});
  let data: unknown;
  if (format === "json") {
    try {
      data = JSON.parse(marked);
    } catch (e) {
      throw new ManifestError("", `malformed JSON: ${(e as Error).message}`);
    }
  } else {
    try {
      data = yaml.load(marked, { schema: yaml.JSON_SCHEMA, json: false });
    } catch (e) {
      const mark = (e as { mark?: { line: number } }).mark;
      const reason = (e as { reason?: string }).reason ?? (e as Error).message;
      throw new ManifestError("", `malformed YAML: ${reason}`, mark ? mark.line + 1 : undefined);
    }
  }
  if (data === undefined || data === null) throw new ManifestError("", "the manifest is empty");
  checkExpansion(data);
  return validateManifest(fill(data), baseDir, sourceLineFinder(text));
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
export async function loadManifest(
  path: string,
  options: Pick<ParseManifestOptions, "vars"> = {},
): Promise<Manifest> {
  const { full, text } = await readConfigFile(path, "manifest");
  const manifest = parseManifest(text, dirname(full), {
    format: full.endsWith(".json") ? "json" : "yaml",
    vars: options.vars,
  });
  return setManifestFile(manifest, full);
}
