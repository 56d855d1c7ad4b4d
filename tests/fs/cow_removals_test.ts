/**
 * Many removals in one base directory: past a few, a CowFs answers them
 * from the directory's names, loaded once, instead of asking the base for
 * each entry. The view must stay exactly what removing one by one gives.
 */
import assert from "@std/assert";
import {
  CowFs,
  type DirEntry,
  type FileService,
  MapFs,
  readText,
  type Stat,
  writeText,
} from "../../mod.ts";
import { assertCode } from "./cow_helpers.ts";

/** More files than a directory answers for one by one before it loads its names. */
const MANY = 40;
const names = Array.from({ length: MANY }, (_, i) => `f${String(i).padStart(2, "0")}.txt`);

/** A base directory `/d` with MANY files, a subdirectory and a symlink, and a file elsewhere. */
function bigBase(): MapFs {
  const b = MapFs.builder();
  for (const n of names) b.file(`/d/${n}`, n);
  return b.file("/d/sub/inner.txt", "inner").symlink("/other.txt", "/d/link").file(
    "/other.txt",
    "other",
  ).build();
}

/** Counts the base's lstat and readdir calls. */
class CountingFs implements FileService {
  readonly kind = "counting";
  lstats = 0;
  readdirs = 0;
  readonly #inner: FileService;
  constructor(inner: FileService) {
    this.#inner = inner;
  }
  open: FileService["open"] = (p, f) => this.#inner.open(p, f);
  stat = (p: string): Stat => this.#inner.stat(p);
  lstat = (p: string): Stat => {
    this.lstats++;
    return this.#inner.lstat!(p);
  };
  readlink = (p: string): string => this.#inner.readlink!(p);
  readdir = (p: string): DirEntry[] => {
    this.readdirs++;
    return this.#inner.readdir(p);
  };
  mkdir = (p: string): void => this.#inner.mkdir(p);
  remove = (p: string): void => this.#inner.remove(p);
  rename = (a: string, b: string): void => this.#inner.rename(a, b);
}

Deno.test("removing every file of a big base directory leaves it empty, and the base untouched", () => {
  const base = bigBase();
  const cow = new CowFs(base);
  writeText(cow, "/elsewhere.txt", "x");
  for (const n of names) cow.remove(`/d/${n}`);
  assert.deepEqual(cow.readdir("/d").map((e) => e.name), ["link", "sub"]);
  for (const n of names) {
    assertCode(() => cow.stat(`/d/${n}`), "ENOENT");
    assertCode(() => cow.remove(`/d/${n}`), "ENOENT", `a second removal of ${n}`);
  }
  assert.equal(base.readdir("/d").length, MANY + 2);
  assert.equal(readText(base, "/d/f00.txt"), "f00.txt");
  const deleted = cow.diff().filter((c) => c.change === "deleted").map((c) => c.path);
  assert.deepEqual(deleted, names.map((n) => `/d/${n}`));
});

Deno.test("past the first removals, a directory's names answer them: the base is listed once", () => {
  const base = new CountingFs(bigBase());
  const cow = new CowFs(base);
  writeText(cow, "/elsewhere.txt", "x");
  cow.remove(`/d/${names[0]}`);
  const before = base.lstats;
  for (const n of names.slice(1)) cow.remove(`/d/${n}`);
  assert.equal(base.readdirs, 1 + 1, "the root's names (for /elsewhere.txt) and /d's");
  assert.ok(
    base.lstats - before < 10,
    `${base.lstats - before} lstats for ${MANY - 1} removals: the names were not used`,
  );
});

Deno.test("with the names loaded, directories and symlinks are still asked of the base", () => {
  const cow = new CowFs(bigBase());
  for (const n of names) cow.remove(`/d/${n}`);
  assertCode(() => cow.remove("/d/sub"), "ENOTEMPTY");
  cow.remove("/d/link"); // the link, not its target
  assertCode(() => cow.lstat("/d/link"), "ENOENT");
  assert.equal(readText(cow, "/other.txt"), "other");
  cow.remove("/d/sub/inner.txt");
  cow.remove("/d/sub");
  cow.remove("/d");
  assertCode(() => cow.stat("/d"), "ENOENT");
  assertCode(() => cow.remove("/d/f01.txt"), "ENOENT");
});

Deno.test("a name removed, written again and removed again ends up gone", () => {
  const cow = new CowFs(bigBase());
  for (const n of names) cow.remove(`/d/${n}`);
  writeText(cow, "/d/f05.txt", "new");
  assert.equal(readText(cow, "/d/f05.txt"), "new");
  assert.deepEqual(
    cow.diff().find((c) => c.path === "/d/f05.txt")?.change,
    "modified",
  );
  cow.remove("/d/f05.txt");
  assertCode(() => cow.stat("/d/f05.txt"), "ENOENT");
  assert.deepEqual(cow.diff().find((c) => c.path === "/d/f05.txt")?.change, "deleted");
});

Deno.test("every removal stamps its directory, whichever way the entry was found", () => {
  const cow = new CowFs(bigBase());
  const start = cow.stat("/d").mtimeNs!;
  for (const n of names) {
    cow.setTimes("/d", undefined, 5n);
    cow.remove(`/d/${n}`);
    const after = cow.stat("/d").mtimeNs!;
    assert.ok(after >= start && after !== 5n, `removing ${n} did not stamp /d`);
  }
});

Deno.test("a base whose directory cannot be listed still has its files removed one by one", () => {
  const inner = bigBase();
  const unlistable: FileService = {
    kind: "unlistable",
    open: (p, f) => inner.open(p, f),
    stat: (p) => inner.stat(p),
    lstat: (p) => inner.lstat(p),
    readlink: (p) => inner.readlink(p),
    readdir: (p) => {
      if (p === "/d") throw new Error("cannot list /d");
      return inner.readdir(p);
    },
    mkdir: (p) => inner.mkdir(p),
    remove: (p) => inner.remove(p),
    rename: (a, b) => inner.rename(a, b),
  };
  const cow = new CowFs(unlistable);
  for (const n of names) cow.remove(`/d/${n}`);
  for (const n of names) assertCode(() => cow.stat(`/d/${n}`), "ENOENT");
  assertCode(() => cow.remove("/d/nope.txt"), "ENOENT");
});
