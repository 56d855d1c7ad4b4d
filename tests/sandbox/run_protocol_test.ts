import assert from "@std/assert";
import {
  type ChildMessage,
  decodeMessage,
  encodeMessage,
} from "../../src/sandbox/runner/run_protocol.ts";

Deno.test("well-formed messages decode; malformed ones are not messages", () => {
  const final: ChildMessage = {
    type: "final",
    status: {},
    exitCode: 0,
    result: null,
    changes: [],
  };
  assert.deepEqual(
    decodeMessage("n", encodeMessage("n", final).trimEnd()),
    final,
  );
  for (
    const bad of [
      { type: "final" },
      { type: "final", status: {}, result: null, changes: {} },
      { type: "final", status: {}, result: null, changes: [null] },
      {
        type: "final",
        status: {},
        result: null,
        changes: [{ mount: "/w", path: 1 }],
      },
      { type: "final", status: {}, result: 42, changes: [] },
      { type: "final", status: "completed", result: null, changes: [] },
      { type: "output", stream: "stdout", text: 42 },
      { type: "output", stream: "elsewhere", text: "x" },
      { type: "event", event: "x" },
      { type: "status", status: null },
      { type: "other" },
      ["type", "final"],
    ]
  ) {
    assert.equal(
      decodeMessage("n", `@@oanix:n ${JSON.stringify(bad)}`),
      undefined,
      JSON.stringify(bad),
    );
  }
});
