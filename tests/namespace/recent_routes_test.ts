/**
 * The routes a namespace keeps: asked again, a path is not walked again;
 * paths that never come back stop being kept for a while.
 */
import assert from "@std/assert";
import { MemFs } from "../../mod.ts";
import { MountTable } from "../../src/namespace/mount_table.ts";
import { KEPT, PAUSE, RecentRoutes } from "../../src/namespace/recent_routes.ts";

/** Routes through a table with /tmp, counting the walks. */
function counted() {
  const table = new MountTable();
  table.add("/tmp", new MemFs());
  const walks = { count: 0 };
  const routes = new RecentRoutes((path) => {
    walks.count++;
    return table.route(path);
  });
  return { routes, walks };
}

/** How many walks asking for `path` twice takes. */
function walksForTwice(r: ReturnType<typeof counted>, path: string): number {
  const before = r.walks.count;
  const first = r.routes.route(path);
  const second = r.routes.route(path);
  assert.equal(second.full, first.full);
  assert.equal(second.path, first.path);
  return r.walks.count - before;
}

Deno.test("a path asked again is answered from the kept route", () => {
  const r = counted();
  assert.equal(walksForTwice(r, "/tmp/a"), 1);
  assert.equal(r.routes.route("/tmp/a"), r.routes.route("/tmp/a"));
  assert.equal(r.routes.route("/tmp/./a").full, "/tmp/a");
});

Deno.test("paths over the length limit are walked every time, and still right", () => {
  const r = counted();
  const long = "/tmp/" + "x".repeat(252);
  assert.equal(walksForTwice(r, long), 2);
  assert.equal(r.routes.route(long).path, "/" + "x".repeat(252));
});

Deno.test("after a generation of paths that never came back, keeping pauses, then resumes", () => {
  const r = counted();
  for (let i = 0; i <= KEPT; i++) r.routes.route(`/tmp/f${i}`);
  assert.equal(walksForTwice(r, "/tmp/again"), 2, "paused: nothing kept");
  for (let i = 0; i < PAUSE; i++) r.routes.route(`/tmp/g${i}`);
  assert.equal(walksForTwice(r, "/tmp/later"), 1, "keeping again");
});

Deno.test("a generation that mostly hit goes on keeping", () => {
  const r = counted();
  for (let i = 0; i <= KEPT; i++) {
    r.routes.route(`/tmp/f${i}`);
    r.routes.route(`/tmp/f${i}`);
  }
  assert.equal(walksForTwice(r, "/tmp/again"), 1);
});
