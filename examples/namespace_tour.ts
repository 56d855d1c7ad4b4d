/**
 * A tour of the namespace and the primitive services: MemFs, MapFs, FuncFs
 * and a CowFs over a MapFs snapshot. It does a small real job (count the
 * TODOs in a snapshot and fix one), then prints the tree and the diff.
 *
 * Run: deno task tour
 */
import {
  CowFs,
  type FileService,
  FuncFs,
  MapFs,
  MemFs,
  Namespace,
  readText,
  writeText,
} from "../mod.ts";

const snapshot = MapFs.builder()
  .file("/src/main.ts", "// TODO: greet by name\nconsole.log('hello');\n")
  .file("/src/util.ts", "export const add = (a: number, b: number) => a + b;\n")
  .file("/README.md", "# sample\nTODO: write docs\n")
  .build();
const workspace = new CowFs(snapshot);
const started = Date.now();
const ns = Namespace.builder()
  .mount("/workspace", workspace)
  .mount("/tmp", new MemFs())
  .mount("/sys", new FuncFs().readOnly("/uptime_ms", () => String(Date.now() - started)))
  .build();

// The job, through the namespace only: find the TODOs, fix one, report.
const todos: string[] = [];
function scan(svc: FileService, dir: string): void {
  for (const e of svc.readdir(dir)) {
    const path = dir === "/" ? `/${e.name}` : `${dir}/${e.name}`;
    if (e.kind === "dir") scan(svc, path);
    else {
      readText(svc, path).split("\n").forEach((line, i) => {
        if (line.includes("TODO")) todos.push(`${path}:${i + 1}: ${line.trim()}`);
      });
    }
  }
}
scan(ns, "/workspace");
const main = readText(ns, "/workspace/src/main.ts");
writeText(ns, "/workspace/src/main.ts", main.replace("// TODO: greet by name\n", ""));
writeText(ns, "/workspace/TODO_REPORT.md", todos.map((t) => `- ${t}`).join("\n") + "\n");
ns.remove("/workspace/src/util.ts");
writeText(ns, "/tmp/notes.txt", `found ${todos.length} TODOs`);

function tree(svc: FileService, dir: string, indent: string): void {
  for (const e of svc.readdir(dir)) {
    const path = dir === "/" ? `/${e.name}` : `${dir}/${e.name}`;
    const size = e.kind === "file" ? ` (${svc.stat(path).size} B)` : "/";
    console.log(`${indent}${e.name}${size}`);
    if (e.kind === "dir") tree(svc, path, indent + "  ");
  }
}
console.log("namespace tree:");
tree(ns, "/", "  ");
console.log("\nTODOs found:");
for (const t of todos) console.log(`  ${t}`);
console.log(`\n/sys/uptime_ms: ${readText(ns, "/sys/uptime_ms")} ms`);
console.log("\nCowFs diff (the snapshot itself is untouched):");
for (const c of workspace.diff()) {
  console.log(`  ${c.change.padEnd(8)} ${c.kind.padEnd(4)} ${c.path}`);
}
console.log(
  `\nsnapshot still has util.ts: ${snapshot.readdir("/src").some((e) => e.name === "util.ts")}`,
);
