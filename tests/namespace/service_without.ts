/**
 * A test-local FileService: a real service with some optional methods left
 * out, standing for a service that never had them (not a test file itself).
 *
 * @module
 */

import type { FileService } from "../../mod.ts";

/** Every method of the file contract. */
const METHODS = [
  "open",
  "readdir",
  "stat",
  "mkdir",
  "remove",
  "rename",
  "setTimes",
  "lsetTimes",
  "symlink",
  "link",
  "readlink",
  "lstat",
  "describe",
] as const;

/** The optional methods, the ones a service may lack. */
type Optional = Exclude<
  (typeof METHODS)[number],
  "open" | "readdir" | "stat" | "mkdir" | "remove" | "rename"
>;

/** `svc` passed through, without the methods named in `left`. */
export function withoutMethods(svc: FileService, ...left: Optional[]): FileService {
  const out: Record<string, unknown> = { kind: svc.kind };
  for (const name of METHODS) {
    const method = svc[name] as ((...args: unknown[]) => unknown) | undefined;
    if (method !== undefined && !(left as string[]).includes(name)) {
      out[name] = (...args: unknown[]) => method.apply(svc, args);
    }
  }
  return out as unknown as FileService;
}
