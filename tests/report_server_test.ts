import assert from "node:assert/strict";
import { join } from "node:path";
import { reportsApp } from "../src/report/reports_server.ts";
import { writeReports } from "../src/report/write_reports.ts";
import { fixtureSuite } from "./fixtures/load_fixture.ts";

Deno.test("reports server: index, run pages, raw JSON, compare and no path escapes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-reports-" });
  try {
    const { suite, runs } = fixtureSuite();
    await writeReports(join(dir, "2026-11-27T06-00-00Z"), suite, runs);
    await writeReports(join(dir, "2026-11-28T06-00-00Z"), suite, runs);
    await Deno.writeTextFile(join(dir, "secret.txt"), "no");
    const app = reportsApp(dir);

    const index = await app.request("/");
    assert.equal(index.status, 200);
    const html = await index.text();
    assert.ok(
      html.indexOf("2026-11-28T06-00-00Z") < html.indexOf("2026-11-27T06-00-00Z"),
      "newest first",
    );
    assert.match(html, /<form action="\/compare"/);

    const run = await app.request("/runs/2026-11-28T06-00-00Z/");
    assert.equal(run.status, 302);
    assert.equal(run.headers.get("location"), "/runs/2026-11-28T06-00-00Z/index.html");
    const page = await app.request("/runs/2026-11-28T06-00-00Z/spike.html");
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(await page.text(), /id="run-result"/);
    const raw = await app.request("/runs/2026-11-28T06-00-00Z/spike.json");
    assert.equal((await raw.json()).scenario_id, "spike");

    const cmp = await app.request("/compare?base=2026-11-27T06-00-00Z&new=2026-11-28T06-00-00Z");
    assert.equal(cmp.status, 200);
    assert.match(await cmp.text(), /No regression beyond 10% tolerance/);

    await Deno.mkdir(join(dir, "by-hand"));
    await Deno.copyFile(
      join(dir, "2026-11-28T06-00-00Z", "spike.json"),
      join(dir, "by-hand", "spike.json"),
    );
    const byHand = await app.request("/runs/by-hand/index.html");
    assert.equal(byHand.status, 200);
    assert.match(await byHand.text(), /href="spike.html"/);

    assert.equal((await app.request("/runs/..%2F/secret.txt")).status, 404);
    assert.equal(
      (await app.request("/runs/2026-11-28T06-00-00Z/..%2F..%2Fsecret.txt")).status,
      404,
    );
    assert.equal((await app.request("/compare?base=../x&new=y")).status, 400);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reports command rejects a missing directory and an unknown action", async () => {
  const { main } = await import("../src/cli/main.ts");
  const error = console.error;
  const errors: string[] = [];
  console.error = (s: string) => errors.push(s);
  try {
    assert.equal(await main(["reports", "serve", "/nonexistent/reports"]), 2);
    assert.equal(await main(["reports", "list"]), 2);
  } finally {
    console.error = error;
  }
  assert.match(errors[0], /\/nonexistent\/reports: no such directory/);
});
