import assert from "node:assert/strict";
import { generateApiKey } from "../src/server/tenancy/api_key.ts";
import { spawnServer } from "./server_child.ts";
import { call } from "./server_http_client.ts";
import { runTenancyProbes } from "./tenancy_probe_run.ts";

/** main just before the tenancy issue's fixes: the permissive server the probes must fail. */
const PERMISSIVE_COMMIT = "0f32050";
const ROOT = new URL("..", import.meta.url).pathname;

const git = (...args: string[]) =>
  new Deno.Command("git", { args: ["-C", ROOT, ...args], stdout: "piped", stderr: "null" })
    .output().then((o) => o.success).catch(() => false);
const hasPermissiveCommit = await git("cat-file", "-e", `${PERMISSIVE_COMMIT}^{commit}`);

/** Starts `serve --tenancy --faults` of this tree, or of `from`, and runs the probes on it. */
async function probe(from?: string) {
  const dataDir = await Deno.makeTempDir({ prefix: "akibench-probes-" });
  const key = generateApiKey();
  const flags = ["--tenancy", "--admin-key", key, "--faults", "--resilience-time-scale", "0.001"];
  const { child, url } = await spawnServer(dataDir, flags, from);
  try {
    return await runTenancyProbes(url, key, { audit: true, tiering: true, faults: true });
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dataDir, { recursive: true });
  }
}

Deno.test("tenancy probes: the server passes every probe", async () => {
  const { checks, findings } = await probe();
  assert.deepEqual(findings, []);
  assert.deepEqual(checks, { cross_tenant_leaks: 0, denied_writes_accepted: 0, audit_coverage: 1 });
});

/** main's tree at PERMISSIVE_COMMIT (src, deno.json, deno.lock; this tree's node_modules). */
async function withPermissiveTree(fn: (dir: string) => Promise<void>): Promise<void> {
  const old = await Deno.makeTempDir({ prefix: "akibench-permissive-" });
  try {
    const archive = `${old}/src.tar`;
    assert.ok(
      await git("archive", "-o", archive, PERMISSIVE_COMMIT, "src", "deno.json", "deno.lock"),
    );
    const untar = await new Deno.Command("tar", { args: ["-xf", archive, "-C", old] }).output();
    assert.ok(untar.success);
    await Deno.symlink(`${ROOT}node_modules`, `${old}/node_modules`);
    await fn(old);
  } finally {
    await Deno.remove(old, { recursive: true });
  }
}

Deno.test({
  name:
    "tenancy probes: the permissive server of main before the fixes fails them on each of the five points",
  ignore: !hasPermissiveCommit,
  fn: () =>
    withPermissiveTree(async (old) => {
      const { checks, findings } = await probe(old);
      const saw = (text: RegExp) => assert.ok(findings.some((f) => text.test(f)), `${text}`);
      saw(/^anonymous metrics: GET \/metrics answered 200/); // 1
      saw(/^anonymous health details: GET \/admin\/health answered 200/); // 1
      saw(/^B's admin makes a key in A: .* answered 201/); // 2
      saw(/^B's admin reads A's audit log/); // 2
      saw(/^tenant B's developer sets the tiering policy: .* answered 200/); // 3
      saw(/^keys cannot be revoked/); // 4
      saw(/^keys cannot expire/); // 4
      saw(/^not audited as denied 404: /); // 5
      saw(/^the audit log stores anonymous requests' long paths whole/); // 5
      assert.ok(checks.cross_tenant_leaks > 0);
      assert.ok(checks.audit_coverage! < 1);
    }),
});

Deno.test({
  name:
    "tenancy: a data dir of main's server keeps its tenants, keys and audit log; its bootstrap admin becomes the operator",
  ignore: !hasPermissiveCommit,
  fn: () =>
    withPermissiveTree(async (old) => {
      const dataDir = await Deno.makeTempDir({ prefix: "akibench-upgrade-" });
      const key = generateApiKey();
      const as = (url: string, k: string | null, method: string, path: string, body?: unknown) =>
        call(url, method, path, body, k === null ? {} : { authorization: `Bearer ${k}` });
      try {
        const before = await spawnServer(dataDir, ["--tenancy", "--admin-key", key], old);
        const t = await as(before.url, key, "POST", "/admin/tenants", { name: "t" });
        const dev = await as(before.url, key, "POST", `/admin/tenants/${t.body.tenant_id}/keys`, {
          role: "developer",
        });
        await as(before.url, null, "GET", "/api/v1/collections");
        before.child.kill("SIGTERM");
        await before.child.status;

        const after = await spawnServer(dataDir, ["--tenancy", "--admin-key", key]);
        try {
          assert.equal((await as(after.url, key, "GET", "/metrics")).status, 200, "operator");
          const devKey = dev.body.api_key;
          assert.equal((await as(after.url, devKey, "GET", "/api/v1/collections")).status, 200);
          const audit = await as(after.url, key, "GET", "/api/v1/audit?limit=1000");
          const actions = audit.body.entries.map((e: { action: string }) => e.action);
          assert.ok(actions.includes("tenant.manage"), "main's entries are still there");
          const keys = `/admin/tenants/${t.body.tenant_id}/keys`;
          const listed = (await as(after.url, key, "GET", keys)).body.keys;
          assert.equal(listed.length, 1);
          assert.equal(
            (await as(after.url, key, "DELETE", `${keys}/${listed[0].key_id}`)).status,
            200,
          );
          assert.equal((await as(after.url, devKey, "GET", "/api/v1/collections")).status, 401);
        } finally {
          after.child.kill("SIGTERM");
          await after.child.status;
        }
      } finally {
        await Deno.remove(dataDir, { recursive: true });
      }
    }),
});
