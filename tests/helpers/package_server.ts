/**
 * The package as a user gets it: the files `deno publish` would publish,
 * served over a loopback HTTP server the way JSR serves them.
 */

const root = new URL("../../", import.meta.url);

/** The files `deno publish --dry-run` lists, relative to the package root. */
export async function publishedFiles(): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty"],
    cwd: root.pathname,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`deno publish --dry-run failed:\n${text}`);
  const files = [...text.matchAll(/^\s+(file:\/\/\S+) \(/gm)].map((m) =>
    decodeURIComponent(new URL(m[1]).pathname).slice(root.pathname.length)
  );
  if (files.length === 0) throw new Error(`no files in deno publish's list:\n${text}`);
  return files;
}

/** A loopback server of the published files. */
export interface PackageServer {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** Paths requested so far. */
  requested: string[];
  close(): Promise<void>;
}

/** Serves `files` (package-relative paths) from the package root on 127.0.0.1. */
export function servePackage(files: string[]): PackageServer {
  const served = new Set(files);
  const requested: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname).slice(1);
    requested.push(path);
    if (!served.has(path)) return new Response("not published", { status: 404 });
    const type = path.endsWith(".ts")
      ? "application/typescript"
      : path.endsWith(".json")
      ? "application/json"
      : "text/plain";
    return new Response(await Deno.readFile(new URL(path, root)), {
      headers: { "content-type": type },
    });
  });
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/`,
    requested,
    close: () => server.shutdown(),
  };
}
