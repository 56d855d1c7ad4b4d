/** What the WASI tests use, imported from the layers directly (not the root mod.ts). */
export * from "../../src/fs/mod.ts";
export * from "../../src/namespace/mod.ts";
export * from "../../src/wasi/mod.ts";
