/**
 * OANIX: an agent operating environment after Plan 9, for Deno.
 *
 * A host builds a namespace of mounted file services; an agent sees only
 * that namespace.
 *
 * @example
 * ```ts
 * import { MapFs, MemFs, Namespace, readText, writeText } from "@oanix/oanix";
 * const ns = Namespace.builder()
 *   .mount("/workspace", MapFs.builder().file("/hello.txt", "hi").build())
 *   .mount("/tmp", new MemFs())
 *   .build();
 * writeText(ns, "/tmp/out.txt", readText(ns, "/workspace/hello.txt"));
 * ```
 *
 * @module
 */

export * from "./src/fs/mod.ts";
export * from "./src/namespace/mod.ts";
export * from "./src/sandbox/mod.ts";
export * from "./src/services/mod.ts";
export * from "./src/wasi/mod.ts";
export * from "./src/env/mod.ts";
export * from "./src/capabilities/mod.ts";
export * from "./src/executor/mod.ts";
