import assert from "node:assert/strict";
import { renderJUnit } from "../src/report/junit.ts";
import { assertGolden } from "./fixtures/golden_file.ts";
import { fixtureSuite, loadFixture } from "./fixtures/load_fixture.ts";

const count = (xml: string, s: string) => xml.split(s).length - 1;

Deno.test("junit of the fixture suite matches its golden file", async () => {
  await assertGolden("junit.xml", renderJUnit(fixtureSuite().runs));
});

Deno.test("junit has one testsuite per scenario and one testcase per criterion", () => {
  const { runs } = fixtureSuite();
  const xml = renderJUnit(runs);
  assert.equal(count(xml, "<testsuite "), 3);
  assert.equal(count(xml, "<testcase "), 5 + 5 + 1);
  assert.equal(
    count(xml, "<failure "),
    runs[1].success_criteria.results.filter((c) => !c.passed).length,
  );
  assert.ok(
    xml.includes(`<skipped message="target &#39;pgvector&#39; does not report storage tiers"/>`),
  );
  assert.ok(
    xml.includes(`<testsuites name="akibench" tests="11" failures="2" errors="0" skipped="1"`),
  );
});

Deno.test("junit reports an invalid run as an error with its reason", () => {
  const run = loadFixture("run_result.json");
  run.status = "invalid";
  run.status_reason = "generator saturated: event-loop lag p99 120 ms";
  const xml = renderJUnit([run]);
  assert.ok(
    xml.includes(
      `<error type="invalid" message="generator saturated: event-loop lag p99 120 ms"/>`,
    ),
  );
  assert.ok(xml.includes(`errors="1"`));
  assert.equal(count(xml, "<testcase "), 1);
});

Deno.test("junit escapes markup in names and messages", () => {
  const run = loadFixture("run_result_failed.json");
  run.success_criteria.results[0].reason = `"<&>"`;
  const xml = renderJUnit([run]);
  assert.ok(xml.includes(`message="&quot;&lt;&amp;&gt;&quot;"`));
});
