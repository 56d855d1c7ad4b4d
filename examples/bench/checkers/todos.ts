// Judges the TODO task: the agent's list against every TODO line of the final workspace.
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

export default function check(env: Env): void {
  const expected = new Set<string>();
  for (const path of files(env, "/workspace")) {
    env.readText(path).split("\n").forEach((line, i) => {
      if (line.includes("TODO")) expected.add(`${path.slice("/workspace/".length)}:${i + 1}`);
    });
  }
  let found: string[] = [];
  try {
    found = (env.readJson("/trial/result.json") as { todos?: string[] }).todos ?? [];
  } catch { /* no result */ }
  const right = found.filter((t) => expected.has(t)).length;
  const wrong = found.length - right;
  const score = Math.max(0, (right - wrong) / expected.size);
  env.writeText(
    "/task/result.json",
    JSON.stringify({
      pass: right === expected.size && wrong === 0,
      score: Number(score.toFixed(3)),
      details: `${right} of ${expected.size} TODOs found, ${wrong} wrong`,
    }),
  );
}
