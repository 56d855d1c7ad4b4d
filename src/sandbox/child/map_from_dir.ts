/**
 * Loading a real folder into a read-only MapFs snapshot.
 *
 * @module
 */

import { join } from "../manifest/posix_path.ts";
import { MapFs } from "../../fs/map_fs.ts";

/**
 * A MapFs holding a copy of every file and folder below `dir`. Symlinks are
 * left out, so a snapshot never reaches outside its folder.
 *
 * @example
 * ```ts ignore
 * import { mapFsFromDir } from "./map_from_dir.ts";
 * const assets = mapFsFromDir("./assets");
 * ```
 */
export function mapFsFromDir(dir: string): MapFs {
  const builder = MapFs.builder();
  const stack: Array<[string, string]> = [[dir, ""]];
  while (stack.length > 0) {
    const [real, inner] = stack.pop()!;
    for (const entry of Deno.readDirSync(real)) {
      const innerPath = `${inner}/${entry.name}`;
      const realPath = join(real, entry.name);
      if (entry.isDirectory) {
        builder.dir(innerPath);
        stack.push([realPath, innerPath]);
      } else if (entry.isFile) {
        builder.file(innerPath, Deno.readFileSync(realPath));
      }
    }
  }
  return builder.build();
}
