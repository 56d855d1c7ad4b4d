/**
 * `{{NAME}}` placeholders in manifests, filled in after parsing: a value
 * is only ever a scalar (a string, or a number, boolean or null when the
 * placeholder is the whole value), never YAML or JSON syntax, so a `--var`
 * cannot add fields, widen a mount or close a quote.
 *
 * @module
 */

import { ManifestError } from "./field_reader.ts";

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Text with its placeholders replaced by markers the parsers keep as they
 * are, and a function that puts the values in place of the markers in the
 * parsed data.
 *
 * @example
 * ```ts
 * import { markPlaceholders } from "./manifest_vars.ts";
 * const { text, fill } = markPlaceholders("port: {{PORT}}\n", { PORT: "8080" });
 * console.log(fill({ port: text.slice(6, -1) })); // { port: 8080 }
 * ```
 */
export function markPlaceholders(
  text: string,
  vars: Record<string, string>,
): { text: string; fill: (data: unknown) => unknown } {
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value !== "string" || /[\r\n]/.test(value)) {
      throw new ManifestError(`vars.${name}`, "expected a one-line string");
    }
  }
  // Letters, digits and dashes only: a plain YAML scalar and a JSON string alike.
  const nonce = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  const marker = (name: string) => `oanixvar${nonce}x${name}x`;
  const marked = text.replace(PLACEHOLDER, (_, name: string, offset: number) => {
    if (vars[name] === undefined) {
      const line = text.slice(0, offset).split("\n").length;
      throw new ManifestError(
        "",
        `{{${name}}} has no value (give it with --var ${name}=...)`,
        line,
      );
    }
    return marker(name);
  });
  const markers = new RegExp(`oanixvar${nonce}x([A-Za-z_][A-Za-z0-9_]*)x`, "g");
  const whole = new RegExp(`^oanixvar${nonce}x([A-Za-z_][A-Za-z0-9_]*)x$`);
  const fillString = (s: string): unknown => {
    const only = whole.exec(s);
    if (only) return scalarOf(vars[only[1]]);
    return s.replace(markers, (_, name: string) => vars[name]);
  };
  const fill = (data: unknown): unknown => {
    if (typeof data === "string") return fillString(data);
    if (Array.isArray(data)) return data.map(fill);
    if (data !== null && typeof data === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(data)) out[String(fillString(k))] = fill(v);
      return out;
    }
    return data;
  };
  return { text: marked, fill };
}

/** A value standing alone as a field: a number, boolean or null when it reads as one, else itself. */
function scalarOf(value: string): unknown {
  if (value === "true") return true;
  if (value === "false") return false;
  if (value === "null") return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(value)) return Number(value);
  return value;
}

/** The most values (mappings, lists, scalars) a manifest may hold once its aliases are expanded. */
export const MAX_MANIFEST_VALUES = 100_000;

/**
 * Refuses data that expands past {@linkcode MAX_MANIFEST_VALUES} values:
 * YAML aliases share one node between many places, so a few hundred bytes
 * can stand for billions of values once written out as JSON.
 *
 * @throws {ManifestError} past the budget.
 *
 * @example
 * ```ts
 * import { checkExpansion } from "./manifest_vars.ts";
 * checkExpansion({ a: [1, 2, 3] }); // fine
 * ```
 */
export function checkExpansion(data: unknown, budget = MAX_MANIFEST_VALUES): void {
  let left = budget;
  const visit = (v: unknown): void => {
    if (--left < 0) {
      throw new ManifestError(
        "",
        `the manifest expands to more than ${budget} values (YAML aliases repeat what they ` +
          "name): write it out, or make it smaller",
      );
    }
    if (Array.isArray(v)) { for (const item of v) visit(item); }
    else if (v !== null && typeof v === "object") {
      for (const item of Object.values(v)) {
        visit(item);
      }
    }
  };
  visit(data);
}
