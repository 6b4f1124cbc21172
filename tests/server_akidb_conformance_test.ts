import assert from "node:assert/strict";
import { CONFORMANCE } from "./fixtures/akidb_conformance.ts";
import { mismatch, prepare, send } from "./akidb_conformance_client.ts";
import { spawnServer } from "./server_child.ts";

/**
 * Black-box conformance: every request of tests/fixtures/akidb_conformance.ts (valid and
 * invalid, each with the AkiDB source line it comes from) against `akibench serve` and against
 * `akibench serve --compat akidb`; status, content type, JSON shape or message must match the
 * row's column for that server.
 */
for (const [column, extra] of [["ref", []], ["compat", ["--compat", "akidb"]]] as const) {
  Deno.test(`AkiDB conformance table: serve ${extra.join(" ")}`.trimEnd(), async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "akibench-conformance-" });
    const { child, url } = await spawnServer(dataDir, [...extra]);
    try {
      const problems: string[] = [];
      const check = async (rows: typeof CONFORMANCE, fixture: Parameters<typeof send>[2]) => {
        for (const row of rows) {
          const expected = column === "compat" ? row.compat ?? row.ref : row.ref;
          const problem = mismatch(await send(url, row, fixture), expected);
          if (problem) problems.push(`${row.name} (${row.method} ${row.path}): ${problem}`);
        }
      };
      const none = { cid: "", cos: "", big: "", doc: "", missing: "" };
      await check(CONFORMANCE.filter((r) => r.phase === "before"), none);
      const fixture = await prepare(url);
      await check(CONFORMANCE.filter((r) => r.phase !== "before"), fixture);
      assert.deepEqual(problems, []);
    } finally {
      child.kill("SIGTERM");
      await child.status;
      await Deno.remove(dataDir, { recursive: true });
    }
  });
}

Deno.test("AkiDB conformance table: every row cites AkiDB's source", () => {
  for (const row of CONFORMANCE) {
    assert.match(row.source, /crates\/akidb-[a-z]+\/[\w/.]+(:\d+)|axum 0\.6/, row.name);
  }
  assert.ok(CONFORMANCE.length >= 50, `${CONFORMANCE.length} rows`);
});
