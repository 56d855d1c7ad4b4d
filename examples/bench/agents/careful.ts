// The careful agent (a module agent): walks every folder for TODOs, fixes `add`
// by reading the README's promise, and reads the weather from its service.
interface Env {
  namespace: { readdir(p: string): { name: string; kind: string }[] };
  readText(p: string): string;
  readJson(p: string): unknown;
  writeText(p: string, t: string): void;
}

function files(env: Env, dir: string): string[] {
  return env.namespace.readdir(dir).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    return e.kind === "dir" ? files(env, path) : e.kind === "file" ? [path] : [];
  });
}

export default function careful(env: Env): void {
  const spec = env.readJson("/task/spec.json") as { type: string; input: Record<string, string> };
  if (spec.type === "todos") {
    const todos: string[] = [];
    for (const path of files(env, "/workspace")) {
      env.readText(path).split("\n").forEach((line, i) => {
        if (line.includes("TODO")) todos.push(`${path.slice("/workspace/".length)}:${i + 1}`);
      });
    }
    env.writeText("/task/result.json", JSON.stringify({ todos }));
  } else if (spec.type === "fix") {
    const file = `/workspace/${spec.input.file}`;
    env.writeText(file, env.readText(file).replace("return a - b;", "return a + b;"));
    env.writeText("/task/result.json", JSON.stringify({ fixed: spec.input.file }));
  } else if (spec.type === "weather") {
    env.writeText("/cap/http/request", JSON.stringify({ id: "w", url: spec.input.url }));
    const res = env.readJson("/cap/http/responses/w.json") as { status: number; body: string };
    const { temperature } = JSON.parse(res.body) as { temperature: number };
    env.writeText("/task/result.json", JSON.stringify({ temperature }));
  }
}
