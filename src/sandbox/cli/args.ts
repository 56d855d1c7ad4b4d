/**
 * Parsing the CLI's arguments.
 *
 * @module
 */

/** The subcommands. */
export const COMMANDS = ["run", "explain", "check", "bench", "mcp", "worker"] as const;

/** One of {@linkcode COMMANDS}. */
export type Command = typeof COMMANDS[number];

/** The parsed command line. */
export interface ParsedArgs {
  /** The subcommand, when one was given. */
  command?: Command;
  /** The manifest file. */
  file?: string;
  /** `--out`. */
  out?: string;
  /** `--json`. */
  json: boolean;
  /** `--apply`. */
  apply: boolean;
  /** `--quiet`. */
  quiet: boolean;
  /** `--help` or `-h`. */
  help: boolean;
  /** `--version` or `-V`. */
  version: boolean;
  /** `--var NAME=VALUE`, by name. */
  vars: Record<string, string>;
  /** `--record` (run). */
  record: boolean;
  /** `--replay FILE` (run). */
  replay?: string;
  /** `--snapshot` (run). */
  snapshot: boolean;
  /** `--restore FILE` (run). */
  restore?: string;
  /** `--filter` (bench). */
  filter?: string;
  /** `--repeats N` (bench). */
  repeats?: number;
  /** `--concurrency N` (bench, worker). */
  concurrency?: number;
  /** `--timeout SECS` (mcp). */
  timeout?: number;
  /** `--queue URL` (bench, worker). */
  queue?: string;
  /** `--store DIR` (bench, worker). */
  store?: string;
  /** `--policy FILE` (worker). */
  policy?: string;
}

/** A mistake on the command line: exit 2 with a one-line reason. */
export class UsageError extends Error {
  /** The subcommand it concerns, when known (its help is suggested). */
  readonly command: Command | undefined;

  /**
   * Makes the error.
   *
   * @param message what is wrong
   * @param command the subcommand it concerns
   */
  constructor(message: string, command?: Command) {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}

const OPTIONS_OF: Record<Command, string[]> = {
  run: [
    "--var",
    "--out",
    "--json",
    "--apply",
    "--quiet",
    "--record",
    "--replay",
    "--snapshot",
    "--restore",
  ],
  explain: ["--var", "--json", "--record", "--replay", "--snapshot", "--restore"],
  check: ["--var", "--json"],
  mcp: ["--var", "--out", "--apply", "--timeout", "--quiet"],
  bench: [
    "--out",
    "--json",
    "--quiet",
    "--filter",
    "--repeats",
    "--concurrency",
    "--queue",
    "--store",
  ],
  worker: ["--queue", "--concurrency", "--store", "--policy", "--quiet"],
};

function wholeNumber(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) {
    throw new UsageError(`${name} needs a whole number from 1, got ${value}`);
  }
  return n;
}

/**
 * Parses `args`.
 *
 * @throws {UsageError} for an unknown command or option, a missing value,
 * or an option the command does not take.
 */
export function parseArgs(args: string[]): ParsedArgs {
  const parsed: ParsedArgs = {
    json: false,
    apply: false,
    quiet: false,
    help: false,
    version: false,
    record: false,
    snapshot: false,
    vars: {},
  };
  const seen: string[] = [];
  const rest: string[] = [];
  const valueOf = (name: string, i: number, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    const v = args[i + 1];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    if (name === "-h" || name === "--help") parsed.help = true;
    else if (name === "-V" || name === "--version") parsed.version = true;
    else if (name === "--json") parsed.json = true;
    else if (name === "--apply") parsed.apply = true;
    else if (name === "--quiet" || name === "-q") parsed.quiet = true;
    else if (name === "--out") {
      parsed.out = valueOf(name, i, inline);
      if (inline === undefined) i++;
    } else if (name === "--record") parsed.record = true;
    else if (name === "--snapshot") parsed.snapshot = true;
    else if (name === "--restore") {
      parsed.restore = valueOf(name, i, inline);
      if (inline === undefined) i++;
    } else if (name === "--replay") {
      parsed.replay = valueOf(name, i, inline);
      if (inline === undefined) i++;
    } else if (name === "--filter") {
      parsed.filter = valueOf(name, i, inline);
      if (inline === undefined) i++;
    } else if (name === "--queue" || name === "--store" || name === "--policy") {
      parsed[name.slice(2) as "queue" | "store" | "policy"] = valueOf(name, i, inline);
      if (inline === undefined) i++;
    } else if (name === "--repeats" || name === "--concurrency") {
      const n = wholeNumber(name, valueOf(name, i, inline));
      if (inline === undefined) i++;
      if (name === "--repeats") parsed.repeats = n;
      else parsed.concurrency = n;
    } else if (name === "--timeout") {
      const v = valueOf(name, i, inline);
      if (inline === undefined) i++;
      const secs = Number(v);
      if (!/^\d+(\.\d+)?$/.test(v) || !(secs > 0)) {
        throw new UsageError(`--timeout needs a number of seconds above 0, got ${v}`);
      }
      parsed.timeout = secs;
    } else if (name === "--var") {
      const spec = valueOf(name, i, inline);
      if (inline === undefined) i++;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(spec);
      if (!m) throw new UsageError(`--var needs NAME=VALUE, got ${JSON.stringify(spec)}`);
      parsed.vars[m[1]] = m[2];
    } else if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option ${name}`);
    else {
      rest.push(a);
      continue;
    }
    if (name.startsWith("--")) seen.push(name);
  }
  const [command, file, extra] = rest;
  if (command !== undefined) {
    if (!(COMMANDS as readonly string[]).includes(command)) {
      throw new UsageError(`unknown command ${command}`);
    }
    parsed.command = command as Command;
  }
  const cmd = parsed.command;
  if (cmd !== undefined) {
    const bad = seen.find((o) =>
      !OPTIONS_OF[cmd].includes(o) && o !== "--help" && o !== "--version"
    );
    if (bad !== undefined) throw new UsageError(`oanix ${cmd} does not take ${bad}`, cmd);
  }
  if (extra !== undefined) throw new UsageError(`unexpected argument ${extra}`, cmd);
  parsed.file = file;
  return parsed;
}
