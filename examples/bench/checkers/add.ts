// Judges the fix task: loads the final src/add.js as a function and tries it on a few sums.
interface Env {
  readText(p: string): string;
  writeText(p: string, t: string): void;
}

export default function check(env: Env): void {
  const source = env.readText("/workspace/src/add.js").replace("export function", "function");
  const add = new Function(`${source}; return add;`)() as (a: number, b: number) => number;
  const cases: Array<[number, number]> = [[2, 3], [-1, 1], [10, 0], [0.5, 0.25]];
  const right = cases.filter(([a, b]) => add(a, b) === a + b).length;
  env.writeText(
    "/task/result.json",
    JSON.stringify({
      pass: right === cases.length,
      score: right / cases.length,
      details: `${right} of ${cases.length} sums right`,
    }),
  );
}
