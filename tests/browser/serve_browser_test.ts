/** The static file server of the browser example. */

import assert from "@std/assert";
import { serveBrowser } from "../../tools/serve_browser.ts";

async function withServer(
  fn: (url: string, root: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir();
  const outside = await Deno.makeTempDir();
  await Deno.writeTextFile(`${root}/index.html`, "<h1>hi</h1>");
  await Deno.mkdir(`${root}/sub`);
  await Deno.writeTextFile(`${root}/sub/index.html`, "sub");
  await Deno.writeFile(`${root}/a.wasm`, new Uint8Array([0, 97, 115, 109]));
  await Deno.writeTextFile(`${outside}/secret.txt`, "secret");
  await Deno.symlink(`${outside}/secret.txt`, `${root}/leak.txt`);
  const { server, url } = serveBrowser({ root, port: 0, quiet: true });
  try {
    await fn(url, root);
  } finally {
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
}

async function get(
  url: string,
  init?: RequestInit,
): Promise<[number, string, Headers]> {
  const res = await fetch(url, init);
  return [res.status, await res.text(), res.headers];
}

Deno.test("serveBrowser: port 0, index.html, types, HEAD", async () => {
  await withServer(async (url) => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.notEqual(new URL(url).port, "0");
    const [status, body, headers] = await get(url);
    assert.equal(status, 200);
    assert.equal(body, "<h1>hi</h1>");
    assert.equal(headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(headers.get("cache-control"), "no-cache");
    assert.equal((await get(`${url}sub/`))[1], "sub");
    const [, , wasm] = await get(`${url}a.wasm`);
    assert.equal(wasm.get("content-type"), "application/wasm");
    const [hs, hbody, hh] = await get(`${url}index.html`, { method: "HEAD" });
    assert.equal(hs, 200);
    assert.equal(hbody, "");
    assert.equal(hh.get("content-length"), "11");
  });
});

Deno.test("serveBrowser: refuses what is missing, outside, or not GET", async () => {
  await withServer(async (url) => {
    assert.equal((await get(`${url}nope.js`))[0], 404);
    // Escapes that try to climb out: refused (400) or kept inside the root (404).
    for (
      const path of [
        "%2e%2e/%2e%2e/etc/passwd",
        "sub%2f..%2f..%2fetc%2fpasswd",
        "a%5c..%5cb",
      ]
    ) {
      const [status, body] = await get(`${url}${path}`);
      assert.ok(status === 400 || status === 404, `${path}: ${status}`);
      assert.doesNotMatch(body, /root:/);
    }
    assert.equal(
      (await get(`${url}leak.txt`))[0],
      404,
      "a symlink out of the root",
    );
    const [status, , headers] = await get(url, { method: "POST", body: "x" });
    assert.equal(status, 405);
    assert.equal(headers.get("allow"), "GET, HEAD");
  });
});

Deno.test("serveBrowser: a bad port is refused with a clear error", () => {
  assert.throws(
    () => serveBrowser({ port: 70000, quiet: true }),
    /port must be an integer/,
  );
});
