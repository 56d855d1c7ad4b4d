/**
 * Snapshot archives: what standard tools see, and every way a damaged
 * archive is refused (truncated, corrupt, unknown version, wrong or
 * missing base) before anything is restored.
 */
import assert from "@std/assert";
import { CowFs, MapFs, MemFs, readText, writeText } from "../../mod.ts";
import {
  baseIdentity,
  inspectSnapshot,
  restoreFs,
  SnapshotError,
  snapshotFs,
} from "../../src/fs/snapshot/mod.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { view } from "./random_ops.ts";
import {
  assertEachRefused,
  assertRefused,
  edited,
  editJson,
  entriesOf,
  jsonOf,
  setJson,
  tarOf,
} from "./snapshot_helpers.ts";

const MANIFEST = "oanix-snapshot.json";

function sampleMem(): MemFs {
  const fs = new MemFs({ maxBytes: 1 << 20 });
  fs.mkdir("/src");
  writeText(fs, "/src/main.ts", "console.log(1)");
  writeText(fs, "/README.md", "# hi");
  fs.link("/README.md", "/README-too.md");
  fs.symlink("src/main.ts", "/main");
  fs.setTimes("/src", 1_000_000_123n, 2_000_000_456n);
  return fs;
}

function sampleCow(): { base: MapFs; cow: CowFs } {
  const base = MapFs.fromObject({
    "/a.txt": "A",
    "/d/x": "X",
    "/d/y": "Y",
    "/e/z": "Z",
  });
  const cow = new CowFs(base);
  writeText(cow, "/a.txt", "changed");
  cow.remove("/d/x");
  cow.remove("/e/z");
  cow.remove("/e");
  cow.mkdir("/e");
  writeText(cow, "/e/new", "N");
  return { base, cow };
}

Deno.test("archive: a tar file that tar lists and extracts, the manifest first", async () => {
  const tar = snapshotFs(sampleMem());
  await withTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/snap.tar`, tar);
    const list = await new Deno.Command("tar", {
      args: ["tf", `${dir}/snap.tar`],
    }).output();
    assert.ok(list.success, new TextDecoder().decode(list.stderr));
    const names = new TextDecoder().decode(list.stdout).trim().split("\n");
    assert.equal(names[0], MANIFEST);
    assert.ok(names.includes("mounts/0.json"));
    // Two contents: the hard link's second name and the symlink need none.
    assert.equal(
      names.filter((n) => n.startsWith("blobs/")).length,
      2,
      "one blob per content",
    );
    const x = await new Deno.Command("tar", {
      args: ["xOf", `${dir}/snap.tar`, MANIFEST],
    }).output();
    const manifest = JSON.parse(new TextDecoder().decode(x.stdout));
    assert.equal(manifest.format, "oanix-snapshot");
    assert.equal(manifest.version, 1);
    assert.equal(manifest.mounts[0].service, "mem");
  });
});

Deno.test("archive: inspectSnapshot tells what an archive holds, without its bases", () => {
  const { cow } = sampleCow();
  const info = inspectSnapshot(snapshotFs(cow, { identity: "stat" }));
  assert.equal(info.subject, "service");
  assert.equal(info.mounts[0].service, "cow");
  assert.equal(info.mounts[0].base?.kind, "map");
  assert.equal(info.mounts[0].base?.identity.mode, "stat");
  assert.ok(!Number.isNaN(Date.parse(info.created)));
});

Deno.test("archive: every cut short of the end-of-archive marker is refused as truncated", () => {
  const tar = snapshotFs(sampleMem());
  const entries = entriesOf(tar);
  const end = entries.reduce(
    (at, e) => at + 512 + Math.ceil(e.data.length / 512) * 512,
    0,
  );
  for (let cut = 0; cut < end + 1024; cut += 512) {
    assertRefused(() => restoreFs(tar.slice(0, cut)), "truncated");
  }
  for (const cut of [1, 511, 513, end + 100]) {
    assertRefused(() => restoreFs(tar.slice(0, cut)), "truncated");
  }
  // Past the marker there is only padding: nothing is lost.
  assert.deepEqual(
    view(restoreFs(tar.slice(0, end + 1024))),
    view(sampleMem()),
  );
});

Deno.test("archive: any byte changed is refused or harmless, never restored wrong", () => {
  const fs = sampleMem();
  const tar = snapshotFs(fs);
  const expected = view(fs);
  const end = entriesOf(tar).reduce(
    (at, e) => at + 512 + Math.ceil(e.data.length / 512) * 512,
    0,
  );
  let refused = 0;
  for (let i = 0; i < end + 1024; i++) {
    const bad = tar.slice();
    bad[i] ^= 0x20;
    let restored: ReturnType<typeof restoreFs> | undefined;
    try {
      restored = restoreFs(bad);
    } catch (e) {
      if (!(e instanceof SnapshotError)) throw new Error(`byte ${i}: ${e}`);
      refused++;
      continue;
    }
    // Header fields nothing depends on (mode, owner, time, header checksum) and padding.
    assert.deepEqual(
      view(restored),
      expected,
      `byte ${i} changed what was restored`,
    );
  }
  assert.ok(
    refused > end / 3,
    `only ${refused} of ${end + 1024} changes were refused`,
  );
});

Deno.test("archive: a changed content entry is refused as corrupt, naming it", () => {
  const tar = snapshotFs(sampleMem());
  const bad = edited(tar, (entries) => {
    const blob = entries.find((e) => e.name.startsWith("blobs/"))!;
    blob.data = new TextEncoder().encode("tampered!");
  }, false);
  assertRefused(() => restoreFs(bad), "corrupt", /blobs\/[0-9a-f]{64}/);
});

Deno.test("archive: a blob whose name is not its checksum is refused, even when listed", () => {
  const tar = snapshotFs(sampleMem());
  const bad = edited(tar, (entries) => {
    const blob = entries.find((e) => e.name.startsWith("blobs/"))!;
    blob.data = new TextEncoder().encode("other content");
  });
  assertRefused(() => restoreFs(bad), "corrupt", /not named by its SHA-256/);
});

Deno.test("archive: versions other than 1 are refused as unsupported", () => {
  const tar = snapshotFs(sampleMem());
  for (const version of [2, 0, "1", null]) {
    const bad = edited(
      tar,
      (e) => editJson(e, MANIFEST, (m) => m.version = version),
      false,
    );
    assertRefused(
      () => restoreFs(bad),
      "unsupported-version",
      /this OANIX reads version 1/,
    );
  }
});

Deno.test("archive: what is not an OANIX snapshot is refused as corrupt", () => {
  const tar = snapshotFs(sampleMem());
  const cases: Array<[string, Uint8Array]> = [
    ["not a tar", new Uint8Array(4096).fill(7).fill(0, 3072)],
    [
      "another format",
      edited(tar, (e) => editJson(e, MANIFEST, (m) => m.format = "zip"), false),
    ],
    [
      "manifest not JSON",
      edited(tar, (e) => e[0].data = new TextEncoder().encode("{"), false),
    ],
    ["manifest not first", edited(tar, (e) => e.push(e.shift()!), false)],
    ["no manifest", edited(tar, (e) => e.shift(), false)],
    [
      "an entry not listed",
      edited(
        tar,
        (e) => e.push({ name: "extra", data: new Uint8Array(1) }),
        false,
      ),
    ],
    ["an entry twice", edited(tar, (e) => e.push(e[1]), false)],
    [
      "an unknown manifest field",
      edited(tar, (e) => editJson(e, MANIFEST, (m) => m.extra = 1), false),
    ],
    ["an unused entry", edited(tar, (e) => setJson(e, "mounts/9.json", {}))],
    [
      "mount data not JSON",
      edited(tar, (e) => e[e.length - 1].data = new Uint8Array([123])),
    ],
    [
      "bad subject",
      edited(tar, (e) => editJson(e, MANIFEST, (m) => m.subject = "disk")),
    ],
    [
      "bad created",
      edited(tar, (e) => editJson(e, MANIFEST, (m) => m.created = "soon")),
    ],
  ];
  assertEachRefused(
    cases.map(([what, bad]) => [what, () => restoreFs(bad)] as const),
    "corrupt",
  );
});

Deno.test("archive: a listed entry that is missing is refused as truncated", () => {
  const tar = snapshotFs(sampleMem());
  const bad = edited(tar, (e) => e.splice(1, 1), false);
  assertRefused(
    () => restoreFs(bad),
    "truncated",
    /listed in the manifest, is missing/,
  );
});

Deno.test("archive: malformed tree data is refused as corrupt, naming the entry", () => {
  const tar = snapshotFs(sampleMem());
  const tree = (edit: (entries: Array<Record<string, unknown>>) => void) =>
    edited(
      tar,
      (e) => editJson(e, "mounts/0.json", (d) => edit(d.entries as never)),
    );
  const cases: Array<[string, Uint8Array, RegExp]> = [
    [
      "a path not normal",
      tree((t) => t[1].path = "/src/../src"),
      /not a normalised path/,
    ],
    [
      "a child first",
      tree((t) => {
        t.splice(
          1,
          0,
          ...t.splice(t.findIndex((x) => x.path === "/src/main.ts"), 1),
        );
      }),
      /before its directory/,
    ],
    ["no root", tree((t) => t.shift()), /root must come first/],
    ["a bad kind", tree((t) => t[1].kind = "fifo"), /kind/],
    [
      "a wrong size",
      tree((t) => {
        const f = t.find((x) => x.blob !== undefined)!;
        f.size = (f.size as number) + 1;
      }),
      /says \d+ bytes/,
    ],
    [
      "a missing blob",
      tree((t) => {
        t.find((x) => x.blob !== undefined)!.blob = "blobs/" + "0".repeat(64);
      }),
      /does not hold/,
    ],
    ["bad times", tree((t) => t[0].mtimeNs = -5), /mtimeNs/],
    [
      "a link to nothing",
      tree((t) => t.find((x) => x.linkOf !== undefined)!.linkOf = "/nope"),
      /links to/,
    ],
    [
      "an unknown field",
      tree((t) => t[0].owner = "me"),
      /unknown field "owner"/,
    ],
    [
      "over its limit",
      edited(
        tar,
        (e) => editJson(e, "mounts/0.json", (d) => d.limits = { maxBytes: 3 }),
      ),
      /more than its limit/,
    ],
  ];
  assertEachRefused(
    cases.map(([what, bad, m]) => [what, () => restoreFs(bad), m] as const),
    "corrupt",
  );
});

Deno.test("archive: a copy-on-write layer is refused over another base, and without one", () => {
  const { base, cow } = sampleCow();
  const tar = snapshotFs(cow);
  assertRefused(
    () => restoreFs(tar),
    "missing-service",
    /options\.bases\["\/"\]/,
  );
  const other = MapFs.fromObject({
    "/a.txt": "A",
    "/d/x": "X",
    "/d/y": "Y",
    "/e/z": "z",
  });
  assertRefused(
    () => restoreFs(tar, { base: other }),
    "wrong-base",
    /6 entries and 4 bytes/,
  );
  const bigger = MapFs.fromObject({
    "/a.txt": "A",
    "/d/x": "X",
    "/d/y": "Y",
    "/e/z": "Z",
    "/f": "",
  });
  assertRefused(
    () => restoreFs(tar, { base: bigger }),
    "wrong-base",
    /given has 7 entries/,
  );
  assert.deepEqual((restoreFs(tar, { base }) as CowFs).diff(), cow.diff());
});

Deno.test("archive: the stat identity tells bases apart by size and time, without reading them", () => {
  const base = new MemFs();
  writeText(base, "/f", "12345");
  const cow = new CowFs(base);
  writeText(cow, "/g", "new");
  const tar = snapshotFs(cow, { identity: "stat" });
  const same = restoreFs(tar, { base }) as CowFs;
  assert.equal(readText(same, "/g"), "new");
  base.setTimes("/f", undefined, 123n);
  assertRefused(() => restoreFs(tar, { base }), "wrong-base", /by stat/);
});

Deno.test("archive: layer records that do not fit the base are refused as corrupt", () => {
  const { base, cow } = sampleCow();
  const tar = snapshotFs(cow);
  const layer = (edit: (nodes: Array<Record<string, unknown>>) => void) =>
    edited(
      tar,
      (e) => editJson(e, "mounts/0.json", (d) => edit(d.nodes as never)),
    );
  const at = (nodes: Array<Record<string, unknown>>, path: string) =>
    nodes.find((n) => n.path === path)!;
  const cases: Array<[string, Uint8Array, RegExp]> = [
    [
      "a merge over nothing",
      layer((n) => at(n, "/e").merge = true),
      /merges a directory the base does not have/,
    ],
    [
      "a new directory over the base's",
      layer((n) => at(n, "/").whiteouts = []),
      /without hiding it/,
    ],
    [
      "whiteouts where nothing merges",
      layer((n) => at(n, "/e").whiteouts = ["q"]),
      /only a directory that merges/,
    ],
    [
      "a bad whiteout",
      layer((n) => at(n, "/").whiteouts = ["a/b"]),
      /bad whiteout name/,
    ],
    [
      "a directory without merge",
      layer((n) => delete at(n, "/e").merge),
      /"merge" belongs to directories/,
    ],
    [
      "a root that does not merge",
      layer((n) => {
        at(n, "/").merge = false;
        delete at(n, "/").whiteouts;
      }),
      /root must merge/,
    ],
  ];
  assertEachRefused(
    cases.map(([what, bad, m]) => [what, () => restoreFs(bad, { base }), m] as const),
    "corrupt",
  );
});

Deno.test("archive: a refused restore leaves the base as it was", () => {
  const base = new MemFs();
  writeText(base, "/keep.txt", "k");
  const before = baseIdentity(base);
  const cow = new CowFs(base);
  cow.remove("/keep.txt");
  writeText(cow, "/new.txt", "n");
  const bad = edited(
    snapshotFs(cow),
    (e) => editJson(e, "mounts/0.json", (d) => d.limits = { maxFiles: 0 }),
  );
  assertRefused(() => restoreFs(bad, { base }), "corrupt", /limit/);
  assert.deepEqual(baseIdentity(base), before);
});

Deno.test("archive: bad arguments are TypeErrors", () => {
  assert.throws(() => restoreFs("tar" as never), TypeError);
  assert.throws(
    () => restoreFs(snapshotFs(new MemFs()), null as never),
    TypeError,
  );
  assert.throws(() => snapshotFs({ kind: "x" } as never), TypeError, "not");
  assert.throws(
    () => snapshotFs(new MemFs(), { identity: "fast" as never }),
    TypeError,
  );
  assert.throws(
    () => restoreFs(snapshotFs(new MemFs()), { base: new MemFs() }),
    TypeError,
    "no copy-on-write mount",
  );
  assert.throws(() => baseIdentity(new MemFs(), "quick" as never), TypeError);
});

Deno.test("archive: an archive holding a namespace is not taken for one service", () => {
  const tar = snapshotFs(new MemFs());
  const bad = edited(
    tar,
    (e) => editJson(e, MANIFEST, (m) => m.subject = "namespace"),
  );
  assertRefused(
    () => restoreFs(bad),
    "unsupported-service",
    /restoreNamespace or restoreEnv/,
  );
  const ns = edited(
    tar,
    (e) =>
      editJson(
        e,
        MANIFEST,
        (m) => (m.mounts as Array<{ path: string }>)[0].path = "/tmp",
      ),
  );
  assertRefused(() => restoreFs(ns), "corrupt", /one mount, at \//);
});

Deno.test("archive: the tar helper round-trips an archive unchanged in meaning", () => {
  const tar = snapshotFs(sampleMem());
  assert.deepEqual(view(restoreFs(tarOf(entriesOf(tar)))), view(sampleMem()));
  assert.equal(jsonOf(entriesOf(tar), MANIFEST).subject, "service");
});
