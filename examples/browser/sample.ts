/**
 * The sample namespace the explorer opens on: a task, a copy-on-write
 * workspace over bundled sample files, logs, scratch space and an HTTP
 * capability served by the page's own `fetch`.
 *
 * @module
 */

import {
  AllowList,
  browserExecutors,
  CowFs,
  type ExecutorManager,
  HttpFs,
  LogsFs,
  MapFs,
  MemFs,
  Namespace,
  TaskFs,
} from "../../browser.ts";

/**
 * The files of the sample workspace (the read-only base under the CowFs).
 * `hello.txt` is the file the hello-wasi program reads.
 */
export const SAMPLE_FILES: Readonly<Record<string, string>> = Object.freeze({
  "/hello.txt": "Hello from the OANIX workspace!\nThis file lives in a MapFs, under a CowFs.\n",
  "/README.md": [
    "# Sample project",
    "",
    "Everything here is a file service mounted in a namespace that lives in",
    "this page. Edit a file and save it: the change lands in the CowFs",
    "overlay, and the Changes panel lists it. Reset drops every change.",
    "",
  ].join("\n"),
  "/src/main.ts": [
    'import { add } from "./lib/math.ts";',
    "",
    "console.log(add(2, 3));",
    "",
  ].join("\n"),
  "/src/lib/math.ts": "export function add(a: number, b: number): number {\n  return a + b;\n}\n",
  "/data/config.json": JSON.stringify({ name: "sample", retries: 3, verbose: false }, null, 2) +
    "\n",
});

/** The services of the sample namespace, kept by the host (DESIGN.md D5). */
export interface Sample {
  /** The namespace the page shows and the WASI program runs in. */
  ns: Namespace;
  /** `/task`. */
  task: TaskFs;
  /** `/workspace`: the overlay whose diff the Changes panel shows. */
  workspace: CowFs;
  /** `/logs`. */
  logs: LogsFs;
  /** `/tmp`. */
  tmp: MemFs;
  /** `/cap/http`. */
  http: HttpFs;
  /** Runs `/cap/http` requests with the page's fetch. */
  executors: ExecutorManager;
}

/**
 * Builds the sample namespace. `/cap/http` may reach only `origin` (the
 * page's own server).
 */
export function buildSample(origin: string): Sample {
  const task = new TaskFs(
    {
      id: "explore-001",
      type: "namespace-tour",
      description: "Run hello-wasi: it reads /workspace/hello.txt and writes under /tmp.",
      input: { program: "hello.wasm", reads: ["/workspace/hello.txt"], writes: ["/tmp"] },
    },
    { tags: ["browser", "demo"], timeout_secs: 60 },
  );
  const workspace = new CowFs(MapFs.fromObject({ ...SAMPLE_FILES }));
  const logs = new LogsFs();
  const tmp = new MemFs();
  const http = new HttpFs({ allowList: AllowList.of([new URL(origin).host]) });
  const executors = browserExecutors().attachHttp(http);
  executors.start();
  const ns = Namespace.builder()
    .mount("/task", task)
    .mount("/workspace", workspace)
    .mount("/logs", logs)
    .mount("/tmp", tmp)
    .mount("/cap/http", http)
    .build();
  return { ns, task, workspace, logs, tmp, http, executors };
}
