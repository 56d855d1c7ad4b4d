/**
 * EnvBuilder: mounts, an optional id, then an {@linkcode OanixEnv}.
 *
 * @module
 */

import type { FileService } from "../fs/types.ts";
import { NamespaceBuilder } from "../namespace/namespace.ts";
import { describeValue } from "../services/json_value.ts";
import { OanixEnv } from "./oanix_env.ts";

/**
 * Builds an {@linkcode OanixEnv}. The id defaults to a random UUID.
 * Mounting a path twice throws `FsError(EEXIST)`; a builder builds once.
 *
 * @example
 * ```ts
 * import { EnvBuilder, LogsFs, MemFs, TaskFs } from "@oanix/oanix";
 * const env = new EnvBuilder()
 *   .withId("review-env")
 *   .mount("/task", new TaskFs({ id: "t1", type: "demo", description: "", input: null }))
 *   .mount("/logs", new LogsFs())
 *   .mount("/tmp", new MemFs())
 *   .build();
 * console.log(env.id, env.status()); // "review-env" { state: "created" }
 * ```
 */
export class EnvBuilder {
  #ns = new NamespaceBuilder();
  #id: string | undefined;
  #built = false;

  #check(): void {
    if (this.#built) throw new Error("EnvBuilder: already built");
  }

  /** Mounts `service` at `path` (the instance is shared, not copied). */
  mount(path: string, service: FileService): this {
    this.#check();
    this.#ns.mount(path, service);
    return this;
  }

  /**
   * Sets the environment's id.
   *
   * @throws {TypeError} for an empty or non-string id.
   */
  withId(id: string): this {
    this.#check();
    if (typeof id !== "string" || id.trim() === "") {
      throw new TypeError(
        `EnvBuilder.withId: id must be a non-empty string, got ${describeValue(id)}`,
      );
    }
    this.#id = id;
    return this;
  }

  /** The environment, with status `created`. */
  build(): OanixEnv {
    this.#check();
    this.#built = true;
    return new OanixEnv(this.#id ?? crypto.randomUUID(), this.#ns.build());
  }
}
