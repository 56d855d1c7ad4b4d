/**
 * Reading untrusted plain data field by field, with errors that name the
 * field path and, when the source text is known, its line.
 *
 * @module
 */

import { resolve } from "./posix_path.ts";

/**
 * One thing wrong with a manifest: the dotted path of the field, what is
 * wrong, and the field's 1-based line when the source text is known.
 *
 * @example
 * ```ts
 * import type { ManifestProblem } from "@oanix/oanix";
 * const p: ManifestProblem = { field: "program.wasi", problem: "no such file", line: 12 };
 * ```
 */
export interface ManifestProblem {
  /** The dotted path of the field, e.g. `mounts./workspace.mode` ("" for the whole document). */
  field: string;
  /** What is wrong. */
  problem: string;
  /** The 1-based line of the field, when known. */
  line?: number;
}

/**
 * Names a problem the way every message does: `field: problem (line N)`.
 *
 * @example
 * ```ts
 * import { formatProblem } from "./field_reader.ts";
 * console.log(formatProblem({ field: "limits.timeout", problem: "expected a number", line: 3 }));
 * // "limits.timeout: expected a number (line 3)"
 * ```
 */
export function formatProblem(p: ManifestProblem): string {
  const where = p.line === undefined ? "" : ` (line ${p.line})`;
  return `${p.field === "" ? "manifest" : p.field}: ${p.problem}${where}`;
}

/**
 * A manifest (or other plain-data input) is wrong. It holds every problem
 * found (`problems`); `field` and `line` are those of the first.
 *
 * @example
 * ```ts
 * import { ManifestError } from "@oanix/oanix";
 * const e = new ManifestError("mounts./workspace.mode", "expected one of rw, ro, cow", 7);
 * console.log(e.message); // "mounts./workspace.mode: expected one of rw, ro, cow (line 7)"
 * ```
 */
export class ManifestError extends Error {
  /** The dotted path of the (first) field, e.g. `mounts./workspace.mode`. */
  readonly field: string;
  /** The 1-based line of the (first) field in the source, when known. */
  readonly line: number | undefined;
  /** Every problem found, in document order. */
  readonly problems: ManifestProblem[];

  /**
   * Makes an error for `field`.
   *
   * @param field the dotted field path ("" for the whole document)
   * @param problem what is wrong
   * @param line the 1-based line, when known
   */
  constructor(field: string, problem: string, line?: number) {
    super(formatProblem({ field, problem, line }));
    this.name = "ManifestError";
    this.field = field;
    this.line = line;
    this.problems = [line === undefined ? { field, problem } : { field, problem, line }];
  }

  /**
   * One error holding several problems (at least one); its message lists them a line each.
   *
   * @example
   * ```ts
   * import { ManifestError } from "@oanix/oanix";
   * const e = ManifestError.of([{ field: "a", problem: "x" }, { field: "b", problem: "y" }]);
   * console.log(e.problems.length, e.message); // 2 "a: x\nb: y"
   * ```
   */
  static of(problems: ManifestProblem[]): ManifestError {
    if (problems.length === 0) throw new RangeError("ManifestError.of: give at least one problem");
    const first = problems[0];
    const e = new ManifestError(first.field, first.problem, first.line);
    e.problems.splice(0, 1, ...problems);
    e.message = problems.map(formatProblem).join("\n");
    return e;
  }
}

/** Finds the line of a dotted field path; undefined when unknown. */
export type LineFinder = (path: string[]) => number | undefined;

/**
 * A cursor over one object of untrusted data: typed getters that throw a
 * {@linkcode ManifestError} naming the field, and a check that no unknown
 * key is left.
 *
 * @example
 * ```ts
 * import { FieldReader } from "./field_reader.ts";
 * const r = new FieldReader({ id: "t1", n: 3 }, ["task"]);
 * console.log(r.string("id"), r.optionalNumber("n")); // "t1" 3
 * r.done();
 * ```
 */
export class FieldReader {
  /** Where the object sits in the document. */
  readonly path: string[];
  #obj: Record<string, unknown>;
  #seen = new Set<string>();
  #lines: LineFinder;

  /**
   * Makes a reader over `value`.
   *
   * @param value the object to read (anything else is an error)
   * @param path where it sits in the document
   * @param lines finds the line of a field path
   */
  constructor(value: unknown, path: string[], lines: LineFinder = () => undefined) {
    this.path = path;
    this.#lines = lines;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw this.error(path, `expected a mapping, got ${describeType(value)}`);
    }
    this.#obj = value as Record<string, unknown>;
  }

  /** A ManifestError for `path`, with its line. */
  error(path: string[], problem: string): ManifestError {
    return new ManifestError(path.join("."), problem, this.#lines(path));
  }

  /** The keys present. */
  keys(): string[] {
    return Object.keys(this.#obj);
  }

  /** True when `key` is present (and not null). */
  has(key: string): boolean {
    return this.#obj[key] !== undefined && this.#obj[key] !== null;
  }

  /** The raw value of `key`, marking it as read. */
  raw(key: string): unknown {
    this.#seen.add(key);
    return this.#obj[key];
  }

  /** A reader for the mapping at `key`. */
  object(key: string): FieldReader {
    return new FieldReader(this.raw(key), [...this.path, key], this.#lines);
  }

  /** A reader for the mapping at `key`, or undefined when absent. */
  optionalObject(key: string): FieldReader | undefined {
    return this.has(key) ? this.object(key) : (this.raw(key), undefined);
  }

  /** A required non-empty string. */
  string(key: string): string {
    const v = this.raw(key);
    if (typeof v !== "string" || v === "") {
      throw this.error(
        [...this.path, key],
        v === undefined ? "is required" : `expected a non-empty string, got ${describeType(v)}`,
      );
    }
    return v;
  }

  /** An optional string. */
  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : (this.raw(key), undefined);
  }

  /** An optional finite number, at least `min`. */
  optionalNumber(key: string, min = -Infinity): number | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v) || v < min) {
      throw this.error(
        [...this.path, key],
        `expected a number${min > -Infinity ? ` ≥ ${min}` : ""}, got ${describeType(v)}`,
      );
    }
    return v;
  }

  /** An optional whole number, at least `min`. */
  optionalInteger(key: string, min = 0): number | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
      throw this.error(
        [...this.path, key],
        `expected a whole number ≥ ${min}, got ${describeType(v)}`,
      );
    }
    return v;
  }

  /** An optional `true` or `false`. */
  optionalBoolean(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "boolean") {
      throw this.error([...this.path, key], `expected true or false, got ${describeType(v)}`);
    }
    return v;
  }

  /** One of `choices`, or `fallback` when absent. */
  choice<T extends string>(key: string, choices: readonly T[], fallback?: T): T {
    const v = this.raw(key);
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== "string" || !(choices as readonly string[]).includes(v)) {
      throw this.error([...this.path, key], `expected one of ${choices.join(", ")}`);
    }
    return v as T;
  }

  /** An optional list of non-empty strings. */
  stringList(key: string): string[] {
    const v = this.raw(key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      throw this.error([...this.path, key], `expected a list of strings, got ${describeType(v)}`);
    }
    return v.map((item, i) => {
      if (typeof item !== "string" || item === "") {
        throw this.error([...this.path, key, String(i)], "expected a non-empty string");
      }
      return item;
    });
  }

  /** An optional mapping of string → string (numbers and booleans are stringified). */
  stringMap(key: string): Record<string, string> {
    if (!this.has(key)) {
      this.raw(key);
      return {};
    }
    const r = this.object(key);
    const out: Record<string, string> = {};
    for (const k of r.keys()) {
      const v = r.raw(k);
      if (typeof v === "string") out[k] = v;
      else if (typeof v === "number" || typeof v === "boolean") out[k] = String(v);
      else throw r.error([...r.path, k], `expected a string, got ${describeType(v)}`);
    }
    return out;
  }

  /** Throws for the keys that were never read, all of them: unknown keys are errors. */
  done(): void {
    const unknown = Object.keys(this.#obj).filter((k) => !this.#seen.has(k));
    if (unknown.length === 0) return;
    throw ManifestError.of(
      unknown.map((k) => this.error([...this.path, k], "unknown key").problems[0]),
    );
  }
}

/**
 * Names the type of an untrusted value for messages.
 *
 * @example
 * ```ts
 * import { describeType } from "./field_reader.ts";
 * console.log(describeType([1]), describeType(null)); // "a list" "null"
 * ```
 */
export function describeType(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the string ${JSON.stringify(v.slice(0, 40))}`;
  return `${typeof v} ${String(v)}`;
}

/**
 * A check run by {@linkcode problemCollector}: its value, or undefined when
 * it found problems.
 *
 * @example
 * ```ts
 * import type { Collect } from "./field_reader.ts";
 * const count = (collect: Collect) => collect(() => 1) ?? 0;
 * ```
 */
export type Collect = <T>(check: () => T) => T | undefined;

/**
 * Runs checks one by one, keeping the problems of each instead of stopping
 * at the first: `collect(check)` returns the check's value, or undefined
 * after adding its problems to `problems`.
 *
 * @example
 * ```ts
 * import { FieldReader, problemCollector } from "./field_reader.ts";
 * const { collect, problems } = problemCollector();
 * const r = new FieldReader({ a: 1, b: "x" }, []);
 * collect(() => r.string("a"));
 * collect(() => r.optionalNumber("b"));
 * console.log(problems.length); // 2
 * ```
 */
export function problemCollector(): { collect: Collect; problems: ManifestProblem[] } {
  const problems: ManifestProblem[] = [];
  const collect = <T>(check: () => T): T | undefined => {
    try {
      return check();
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  };
  return { collect, problems };
}

/**
 * Reads a manifest or benchmark file: its absolute path and its text.
 *
 * @throws {ManifestError} when the path is not a non-empty string, or the
 * file is missing or unreadable, saying which.
 *
 * @example
 * ```ts ignore
 * const { full, text } = await readConfigFile("env.yaml", "manifest");
 * ```
 */
export async function readConfigFile(
  path: unknown,
  what: string,
): Promise<{ full: string; text: string }> {
  if (typeof path !== "string" || path === "") {
    throw new ManifestError("", `expected the path of a ${what} file`);
  }
  const full = resolve(path);
  try {
    return { full, text: await Deno.readTextFile(full) };
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
    throw new ManifestError("", `cannot read ${full}: ${why}`);
  }
}
