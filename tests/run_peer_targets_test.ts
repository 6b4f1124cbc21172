import assert from "node:assert/strict";
import { freePort } from "../src/targets/embedded_process.ts";
import type { RunResult } from "../src/result/run_result.ts";

const MAIN = new URL("../src/cli/main.ts", import.meta.url).pathname;

async function akibench(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const text = new TextDecoder();
  return { code: r.code, out: text.decode(r.stdout), err: text.decode(r.stderr) };
}

/**
 * The smoke baseline through an embedded peer: the run measures (requests, recall, integrity)
 * and is judged; on a busy machine the load generator may flag itself saturated, never the
 * peer's adapter failing.
 */
async function smokeBaseline(target: string, version: RegExp, extra: string[] = []) {
  const out = await Deno.makeTempDir({ prefix: "akibench-peer-run-" });
  try {
    const r = await akibench(
      "run",
      "baseline",
      ...extra,
      "--smoke",
      "--target",
      target,
      "--out",
      out,
    );
    assert.ok([0, 1, 3].includes(r.code), r.err);
    const run = JSON.parse(await Deno.readTextFile(`${out}/baseline.json`)) as RunResult;
    assert.equal(run.target.name, target);
    assert.match(run.target.version, version);
    if (run.status === "invalid") assert.match(run.status_reason ?? "", /generator saturated/);
    assert.ok(run.successful_requests > 0);
    assert.equal(run.integrity?.corruption, 0);
    assert.ok((run.recall?.samples ?? 0) > 0 && run.recall!.overall! >= 0.9);
    assert.ok(run.cpu_percent !== null, "the server's pid gives its CPU");
    return { out, code: r.code };
  } catch (err) {
    await Deno.remove(out, { recursive: true });
    throw err;
  }
}

Deno.test("run --target chroma: the smoke baseline against an embedded Chroma", async () => {
  const { out } = await smokeBaseline("chroma", /^1\.\d+\.\d+ \(embedded: npm chromadb 3\.5\.0/);
  await Deno.remove(out, { recursive: true });
});

Deno.test("run --target pgvector: the smoke baseline against PGlite, tiering skipped", async () => {
  const { out } = await smokeBaseline(
    "pgvector",
    /^PostgreSQL \d+\.\d+ \(PGlite 0\.5\.14\), pgvector 0\.8\.7$/,
    ["tiered"],
  );
  const tiered = JSON.parse(await Deno.readTextFile(`${out}/tiered.json`)) as RunResult;
  assert.equal(tiered.status, "skipped");
  assert.match(tiered.status_reason ?? "", /^target lacks tiering/);
  await Deno.remove(out, { recursive: true });
});

Deno.test("run --chroma-tenant without --target chroma --url is a usage error", async () => {
  const r = await akibench(
    "run",
    "baseline",
    "--smoke",
    "--target",
    "chroma",
    "--chroma-tenant",
    "t",
  );
  assert.equal(r.code, 2);
  assert.match(
    r.err.trim(),
    /^[^\n]*--chroma-tenant\/--chroma-database: only with --target chroma --url/,
  );
});

Deno.test("run --target pgvector: a bad or unreachable URL is one line, exit 2 or 3", async () => {
  const bad = await akibench(
    "run",
    "baseline",
    "--smoke",
    "--target",
    "pgvector",
    "--url",
    "http://x",
  );
  assert.equal(bad.code, 2);
  assert.match(
    bad.err.trim(),
    /^[^\n]*--url: expected postgres:\/\/USER:PASS@HOST:PORT\/DB[^\n]*$/,
  );
  const out = await Deno.makeTempDir({ prefix: "akibench-peer-run-" });
  try {
    const url = `postgres://bench:pw@127.0.0.1:${freePort()}/db`;
    const r = await akibench(
      "run",
      "baseline",
      "--smoke",
      "--target",
      "pgvector",
      "--url",
      url,
      "--out",
      out,
    );
    assert.equal(r.code, 3);
    assert.match(
      r.out,
      /baseline: invalid \(baseline: cannot open target pgvector: postgres:\/\/bench:\*\*\*@127\.0\.0\.1:\d+\/db: connect: ECONNREFUSED/,
    );
    assert.doesNotMatch(r.out + r.err, /\n\s+at /, "no stack trace");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
