import assert from "@std/assert";
import { TaskFs } from "../../mod.ts";
import { assertJsonValue, frozenJson } from "../../src/services/json_value.ts";
import { validateTaskMeta, validateTaskSpec } from "../../src/services/task_spec.ts";

const GOOD = { id: "t1", type: "demo", description: "say hi", input: null };

/** Each bad spec, and the words its error must contain (the field, named). */
const BAD_SPECS: Array<[string, unknown, string]> = [
  ["not an object", "spec", "spec must be an object, got a string"],
  ["null", null, "spec must be an object, got null"],
  ["an array", [GOOD], "spec must be an object, got an array"],
  ["missing id", { ...GOOD, id: undefined }, "spec.id is missing"],
  ["numeric id", { ...GOOD, id: 7 }, "spec.id must be a string, got a number"],
  ["empty id", { ...GOOD, id: " " }, "spec.id must not be empty"],
  ["missing type", { id: "t1", description: "", input: null }, "spec.type is missing"],
  ["boolean type", { ...GOOD, type: true }, "spec.type must be a string, got a boolean"],
  ["empty type", { ...GOOD, type: "" }, "spec.type must not be empty"],
  ["missing description", { id: "t1", type: "x", input: null }, "spec.description is missing"],
  [
    "object description",
    { ...GOOD, description: {} },
    "spec.description must be a string, got an object",
  ],
  ["missing input", { id: "t1", type: "x", description: "" }, "spec.input is missing"],
  ["function input", { ...GOOD, input: () => 1 }, "spec.input must be JSON, got a function"],
  ["NaN inside input", { ...GOOD, input: { n: NaN } }, "spec.input.n must be JSON, got NaN"],
  [
    "Date inside input",
    { ...GOOD, input: [new Date(0)] },
    "spec.input[0] must be JSON, got a Date",
  ],
  ["bigint input", { ...GOOD, input: 1n }, "spec.input must be JSON, got a bigint"],
  [
    "undefined inside input",
    { ...GOOD, input: { a: undefined } },
    "spec.input.a must be JSON, got undefined",
  ],
  [
    "the seed's task_type",
    { id: "t1", task_type: "x", description: "", input: null },
    'unknown field "task_type" (did you mean "type"?)',
  ],
  ["an unknown field", { ...GOOD, priority: 1 }, 'spec has an unknown field "priority"'],
];

for (const [name, spec, words] of BAD_SPECS) {
  Deno.test(`a task spec with ${name} is refused, naming the field`, () => {
    assert.throws(() => validateTaskSpec(spec), TypeError, words);
    assert.throws(() => new TaskFs(spec as never), TypeError, `TaskFs: ${words}`);
  });
}

Deno.test("a cyclic task input is refused", () => {
  const input: Record<string, unknown> = {};
  input.self = input;
  assert.throws(
    () => validateTaskSpec({ ...GOOD, input }),
    TypeError,
    "spec.input.self must be JSON, got a cycle",
  );
});

Deno.test("a good task spec comes back frozen and equal", () => {
  const spec = validateTaskSpec({ ...GOOD, input: { deep: [1, { x: "y" }] } });
  assert.deepEqual(spec, { ...GOOD, input: { deep: [1, { x: "y" }] } });
  assert.ok(Object.isFrozen(spec));
  assert.ok(Object.isFrozen((spec.input as { deep: unknown[] }).deep));
});

const BAD_META: Array<[string, unknown, string]> = [
  ["not an object", 5, "meta must be an object, got a number"],
  ["string tags", { tags: "a" }, "meta.tags must be an array of strings, got a string"],
  ["a numeric tag", { tags: ["a", 2] }, "meta.tags[1] must be a non-empty string, got a number"],
  ["an empty tag", { tags: [""] }, "meta.tags[0] must be a non-empty string"],
  [
    "a zero timeout",
    { timeout_secs: 0 },
    "meta.timeout_secs must be a positive number or null, got 0",
  ],
  [
    "a negative timeout",
    { timeout_secs: -1 },
    "meta.timeout_secs must be a positive number or null, got -1",
  ],
  [
    "a string timeout",
    { timeout_secs: "10" },
    "meta.timeout_secs must be a positive number or null, got a string",
  ],
  ["an infinite timeout", { timeout_secs: Infinity }, "got Infinity"],
  [
    "a string created_at",
    { created_at: "today" },
    "meta.created_at must be milliseconds since the epoch, got a string",
  ],
  [
    "a negative created_at",
    { created_at: -5 },
    "meta.created_at must be milliseconds since the epoch",
  ],
  ["an array extra", { extra: [] }, "meta.extra must be an object, got an array"],
  ["non-JSON extra", { extra: { m: new Map() } }, "meta.extra.m must be JSON, got a Map"],
  ["an unknown field", { owner: "me" }, 'meta has an unknown field "owner" (put it under "extra")'],
];

for (const [name, meta, words] of BAD_META) {
  Deno.test(`task meta with ${name} is refused, naming the field`, () => {
    assert.throws(() => validateTaskMeta(meta), TypeError, words);
    assert.throws(() => new TaskFs(GOOD, meta as never), TypeError, `TaskFs: ${words}`);
  });
}

Deno.test("task meta defaults: now, no tags, no timeout, no extra", () => {
  assert.deepEqual(validateTaskMeta(undefined, 1234), {
    created_at: 1234,
    tags: [],
    timeout_secs: null,
    extra: {},
  });
  assert.equal(validateTaskMeta({ timeout_secs: null }, 1).timeout_secs, null);
  assert.deepEqual(validateTaskMeta({ extra: { owner: "me" } }, 1).extra, { owner: "me" });
});

Deno.test("assertJsonValue accepts plain JSON and frozenJson copies it", () => {
  const value = { a: [1, "two", true, null, { b: 2.5 }], c: {} };
  assertJsonValue(value, "v");
  assertJsonValue(Object.create(null), "v");
  const copy = frozenJson(value, "v");
  assert.deepEqual(copy, value);
  assert.notEqual(copy, value);
  assert.ok(Object.isFrozen(copy.a));
  assert.throws(() => assertJsonValue(Symbol("s"), "v"), TypeError, "v must be JSON, got a symbol");
  assert.throws(() => assertJsonValue(new (class Point {})(), "v"), TypeError, "got a Point");
});
