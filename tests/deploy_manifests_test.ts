import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { parseMergeFlags } from "../src/cli/merge_command.ts";
import { parseFlags } from "../src/cli/parse_flags.ts";
import { REPORTS_FLAGS } from "../src/cli/reports_command.ts";
import { parseRunFlags } from "../src/cli/run_command.ts";

const DEPLOY = new URL("../deploy/", import.meta.url);

/** Every YAML document of a file, as plain data (a syntax error fails the test). */
async function documents(url: URL): Promise<Record<string, unknown>[]> {
  const docs = parseAllDocuments(await Deno.readTextFile(url));
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) assert.deepEqual(d.errors, [], `${url.pathname}: ${d.errors}`);
  return list.map((d) => d.toJS()).filter((d) => d !== null);
}

/**
 * Checks one akibench command line against the CLI's own flag definitions (the functions the
 * commands parse with: unknown flags, bad values and missing arguments throw) and returns the
 * sharded part it asks for, if any.
 */
function checkArgs(where: string, args: string[]) {
  const [command, ...rest] = args;
  try {
    if (command === "run") {
      const { flags, positionals } = parseRunFlags(rest, true);
      assert.equal(positionals.length, 1, `${where}: one scenario`);
      assert.ok(flags.out, `${where}: a sharded run's parts need --out`);
      assert.match(flags.url ?? "", /^https?:\/\//, `${where}: --url`);
      return flags.sharded;
    }
    if (command === "merge") return void parseMergeFlags(rest);
    if (command === "reports") {
      const { positionals } = parseFlags(rest, REPORTS_FLAGS, true);
      assert.equal(positionals[0], "serve");
      return undefined;
    }
  } catch (err) {
    assert.fail(`${where}: ${args.join(" ")}: ${(err as Error).message}`);
  }
  assert.fail(`${where}: unknown akibench command "${command}"`);
}

interface Container {
  name: string;
  image: string;
  args: string[];
  env?: { name: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
}

Deno.test("deploy/kubernetes: setup, Indexed shards, finish + merge and reports use only akibench's own flags, and every $(VAR) is defined", async () => {
  const kube = new URL("kubernetes/", DEPLOY);
  const config = await documents(new URL("config.yaml", kube));
  const run = config.find((d) => d.kind === "ConfigMap") as { data: Record<string, string> };
  const secret = config.find((d) => d.kind === "Secret") as {
    metadata: { name: string };
    stringData: Record<string, string>;
  };
  // What each source provides; akibench-start is made by hand (README) with START_AT only.
  const sources: Record<string, Record<string, string>> = {
    "akibench-run": run.data,
    "akibench-start": { START_AT: "2026-12-05T21:00:00Z" },
    [secret.metadata.name]: secret.stringData,
  };
  const seen = new Map<string, string>();
  for (const file of ["setup-job.yaml", "shards-job.yaml", "merge-job.yaml", "reports-pod.yaml"]) {
    for (const doc of await documents(new URL(file, kube))) {
      const spec = (doc.kind === "Job"
        ? (doc.spec as { template: { spec: unknown } }).template.spec
        : doc.spec) as { containers?: Container[]; initContainers?: Container[] };
      const job = doc.spec as {
        completionMode?: string;
        completions?: number;
        parallelism?: number;
      };
      for (const c of [...spec.initContainers ?? [], ...spec.containers ?? []]) {
        if (!c.image?.startsWith("akibench:")) {
          continue;
        }
        const where = `${file} ${c.name}`;
        const values: Record<string, string> = {};
        for (const from of c.envFrom ?? []) {
          const name = from.configMapRef?.name ?? from.secretRef?.name ?? "";
          assert.ok(sources[name], `${where}: unknown env source ${name}`);
          Object.assign(values, sources[name]);
        }
        for (const e of c.env ?? []) {
          values[e.name] = e.name;
        }
        const indexes = job?.completionMode === "Indexed"
          ? Array.from({ length: job.completions! }, (_, i) =>
            i)
          : [0];
        for (const index of indexes) {
          const args = c.args.map((a) =>
            a.replace(/\$\(([A-Z_]+)\)/g, (_, v: string) => {
              assert.ok(v in values, `${where}: $(${v}) is not defined`);
              return v === "JOB_COMPLETION_INDEX" ? String(index) : values[v];
            })
          );
          const part = checkArgs(where, args);
          if (part) seen.set(part.kind, where);
          if (part?.kind === "shard") {
            assert.equal(job.completionMode, "Indexed", where);
            assert.deepEqual(part.shard, { index, count: job.completions }, where);
            assert.equal(job.parallelism, job.completions, `${where}: all shards at once`);
            assert.ok(part.startAtEpochMs, `${where}: a shared --start-at`);
          }
        }
      }
    }
  }
  assert.deepEqual([...seen.keys()].sort(), ["finish", "setup", "shard"]);
});

Deno.test("deploy/github-actions: the shard matrix covers --shard I/N exactly and every akibench step parses", async () => {
  const [wf] = await documents(new URL("github-actions/sharded-run.yml", DEPLOY)) as {
    jobs: Record<string, {
      strategy?: { matrix: { shard: number[] } };
      steps: { run?: string; uses?: string }[];
    }>;
  }[];
  const parts: string[] = [];
  for (const [name, job] of Object.entries(wf.jobs)) {
    const matrix = job.strategy?.matrix.shard ?? [null];
    for (const step of job.steps) {
      const line = /deno task akibench (.*)$/.exec(step.run ?? "")?.[1];
      if (!line) continue;
      for (const shard of matrix) {
        const args = line
          .replaceAll("${{ matrix.shard }}", String(shard))
          .replaceAll("${{ needs.setup.outputs.start_at }}", "2026-12-05T21:00:00Z")
          .replaceAll("$SCENARIO", "baseline")
          .replaceAll("$TARGET_URL", "http://akidb:8080")
          .split(/\s+/);
        assert.doesNotMatch(args.join(" "), /\$/, `${name}: an unreplaced variable`);
        const part = checkArgs(`${name} job`, args);
        parts.push(part?.kind ?? args[0]);
        if (part?.kind === "shard") {
          assert.equal(part.shard.index, shard);
          assert.deepEqual(matrix, Array.from({ length: part.shard.count }, (_, i) => i));
        }
      }
    }
  }
  assert.deepEqual(parts, ["setup", "shard", "shard", "shard", "finish", "merge"]);
  const merge = wf.jobs.merge.steps.find((s) => s.uses?.startsWith("actions/download-artifact"));
  assert.ok(merge, "the merge job downloads the shard artifacts");
});
