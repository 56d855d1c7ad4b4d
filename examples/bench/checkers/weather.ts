// Judges the weather task: the agent's temperature against the task's expected one.
interface Env {
  readJson(p: string): unknown;
  writeText(p: string, t: string): void;
}

export default function check(env: Env): void {
  const spec = env.readJson("/task/spec.json") as { input: { expected: number } };
  let said: unknown = null;
  try {
    said = (env.readJson("/trial/result.json") as { temperature?: unknown }).temperature;
  } catch { /* no result */ }
  const pass = said === spec.input.expected;
  env.writeText(
    "/task/result.json",
    JSON.stringify({
      pass,
      score: pass ? 1 : 0,
      details: `said ${JSON.stringify(said)}, the service said ${spec.input.expected}`,
    }),
  );
}
