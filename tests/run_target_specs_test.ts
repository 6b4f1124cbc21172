import assert from "node:assert/strict";
import { parseTargetSpecs, TargetSpecError } from "../src/run/target_specs.ts";

Deno.test("target specs: one target keeps --url; several name their URLs inline", () => {
  assert.deepEqual(parseTargetSpecs(undefined, undefined), [
    { label: "reference", name: "reference", url: undefined },
  ]);
  assert.deepEqual(parseTargetSpecs("akidb", "http://h:1"), [
    { label: "akidb", name: "akidb", url: "http://h:1" },
  ]);
  assert.deepEqual(
    parseTargetSpecs(
      "reference, akidb=http://h:1,pgvector=postgres://u:p@h:5/db?sslmode=disable",
      undefined,
    ),
    [
      { label: "reference", name: "reference", url: undefined },
      { label: "akidb", name: "akidb", url: "http://h:1" },
      { label: "pgvector", name: "pgvector", url: "postgres://u:p@h:5/db?sslmode=disable" },
    ],
  );
  assert.deepEqual(
    parseTargetSpecs("akidb=http://a:1,akidb=http://b:2", undefined).map((s) => s.label),
    ["akidb", "akidb-2"],
  );
});

Deno.test("target specs: malformed lists and misplaced --url are refused with one message", () => {
  const cases: [string, string | undefined, RegExp][] = [
    ["reference,,akidb", undefined, /empty entry/],
    ["=http://h:1", undefined, /has no target name/],
    ["akidb=", undefined, /has an empty URL/],
    ["reference,akidb", "http://h:1", /give each its own URL as --target NAME=URL/],
    ["akidb=http://h:1", "http://g:2", /already has a URL/],
  ];
  for (const [target, url, message] of cases) {
    assert.throws(() => parseTargetSpecs(target, url), (e: Error) => {
      assert.ok(e instanceof TargetSpecError);
      assert.match(e.message, message);
      return true;
    });
  }
});
