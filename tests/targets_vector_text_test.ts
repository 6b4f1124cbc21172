import assert from "node:assert/strict";
import { encodeAhead, vectorBody, vectorText } from "../src/targets/vector_text.ts";

const decoder = new TextDecoder();
const build = (k: number) => (text: string) => `{"v":${text},"k":${k}}`;

Deno.test("vectorBody: built once per key for a vector formatted ahead, exact text inside", () => {
  const v = Float32Array.from([0.1, -2.5, 1e-7]);
  encodeAhead([v]);
  const first = vectorBody(v, "a 10", build(10));
  assert.equal(decoder.decode(first), `{"v":${vectorText(v)},"k":10}`);
  assert.deepEqual(Float32Array.from(JSON.parse(decoder.decode(first)).v), v);
  assert.equal(vectorBody(v, "a 10", build(10)), first, "the same bytes, not built again");
  const other = vectorBody(v, "a 20", build(20));
  assert.notEqual(other, first);
  assert.equal(decoder.decode(other), `{"v":${vectorText(v)},"k":20}`);
});

Deno.test("vectorBody: a vector not formatted ahead gets fresh bytes each time", () => {
  const v = Float32Array.from([3, 0.25]);
  const a = vectorBody(v, "a 10", build(10));
  const b = vectorBody(v, "a 10", build(10));
  assert.equal(decoder.decode(a), '{"v":[3,0.25],"k":10}');
  assert.notEqual(a, b, "nothing is kept for a vector sent once");
  assert.deepEqual(a, b);
});
