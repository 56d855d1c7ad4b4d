/**
 * The bundle cache: a bundle is reused while every local file it was built
 * from keeps its size and modification time, and rebuilt when one changes.
 */
import * as assert from "@std/assert";
import { bundleCached, BundleError } from "../../src/sandbox/runner/bundle_cache.ts";

async function project() {
  const dir = await Deno.makeTempDir({ prefix: "oanix-bundle-cache-" });
  await Deno.writeTextFile(
    `${dir}/main.ts`,
    'import { word } from "./word.ts";\nexport { word };\n',
  );
  await Deno.writeTextFile(`${dir}/word.ts`, 'export const word = "one";\n');
  const spec = {
    entry: new URL(`file://${dir}/main.ts`),
    cacheDir: `${dir}/cache`,
    denoPath: Deno.execPath(),
    cwd: dir,
    config: null,
    sourceMap: "linked" as const,
  };
  return { dir, spec };
}

/** The `word` the bundle at `path` exports. */
async function wordOf(path: string): Promise<string> {
  return (await import(`file://${path}`)).word;
}

Deno.test("a bundle is reused while its sources are unchanged", async () => {
  const { dir, spec } = await project();
  try {
    const first = await bundleCached(spec);
    assert.equal(first.reused, false);
    assert.ok(first.sources.includes(`${dir}/word.ts`), "the imported file is a source");
    const again = await bundleCached(spec);
    assert.equal(again.reused, true);
    assert.equal(again.path, first.path);
    assert.equal(await wordOf(again.path), "one");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bundle is rebuilt when an imported file changes size or time", async () => {
  const { dir, spec } = await project();
  try {
    const first = await bundleCached(spec);
    await Deno.writeTextFile(`${dir}/word.ts`, 'export const word = "three";\n');
    const grown = await bundleCached(spec);
    assert.equal(grown.reused, false);
    assert.notEqual(grown.path, first.path);
    assert.equal(await wordOf(grown.path), "three");
    // The same size, a different time: still rebuilt.
    await Deno.writeTextFile(`${dir}/word.ts`, 'export const word = "seven";\n');
    await Deno.utime(`${dir}/word.ts`, new Date(), new Date(Date.now() + 5000));
    const touched = await bundleCached(spec);
    assert.equal(touched.reused, false);
    assert.equal(await wordOf(touched.path), "seven");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bundle whose imported file is gone is rebuilt, and the failure says why", async () => {
  const { dir, spec } = await project();
  try {
    await bundleCached(spec);
    await Deno.remove(`${dir}/word.ts`);
    await assert.rejects(
      () => bundleCached(spec),
      (e: unknown) => e instanceof BundleError && /word\.ts/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
