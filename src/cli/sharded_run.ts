import { openRunStore } from "../io/open_run_store.ts";
import { RunStoreError } from "../io/run_store.ts";
import type { Shard } from "../load/engine.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import { finishRun } from "../shard/finish_run.ts";
import { checkShardSet } from "../shard/merge_shards.ts";
import { readRunParts } from "../shard/read_parts.ts";
import { MANIFEST_FILE, readManifest, RunPartError } from "../shard/run_manifest.ts";
import { setupRun } from "../shard/setup_run.ts";
import { finishFileName, shardFileName } from "../shard/shard_file.ts";
import { runShardLoad } from "../shard/shard_load.ts";
import { UsageError } from "../usage/usage_error.ts";

/** Which part of a sharded run this process does (`run --setup-only | --shard I/N | --finish-only`). */
export type ShardedPart =
  | { kind: "setup" }
  | { kind: "shard"; shard: Shard; startAtEpochMs?: number }
  | { kind: "finish" };

export interface ShardedRunOptions {
  part: ShardedPart;
  /** The run's store (--out): a folder or s3://bucket/prefix. */
  out: string;
  force: boolean;
  keep: boolean;
  datasetDir?: string;
  resourceMetricsUrl?: string;
  signal: AbortSignal;
  onProgress?: (message: string) => void;
  openTarget: () => Promise<ScenarioTarget>;
}

/**
 * Does one part of a sharded run of `scenario` and writes its file into the run's store: the
 * setup writes manifest.json, a shard <id>.shard-I-of-N.json, the finish <id>.finish.json
 * (after reading every shard's result). An existing file is refused unless `force`. Returns
 * the exit code: 0, 3 (invalid shard: generator saturated), 130 (interrupted).
 */
export async function runShardedPart(scenario: Scenario, o: ShardedRunOptions): Promise<number> {
  try {
    return await runPart(scenario, o);
  } catch (err) {
    if (err instanceof RunStoreError) throw new UsageError(err.message);
    if (err instanceof RunPartError) {
      if (err.exitCode === 2) throw new UsageError(err.message);
      console.error(`akibench run: ${err.message}`);
      return err.exitCode;
    }
    throw err;
  }
}

async function runPart(scenario: Scenario, o: ShardedRunOptions): Promise<number> {
  const store = openRunStore(o.out);
  const name = o.part.kind === "setup"
    ? MANIFEST_FILE
    : o.part.kind === "shard"
    ? shardFileName(scenario.id, o.part.shard)
    : finishFileName(scenario.id);
  if (!o.force && await store.read(name) !== null) {
    throw new UsageError(`--out ${o.out}: ${name} exists (add --force to overwrite)`);
  }
  const manifest = o.part.kind === "setup" ? null : await readManifest(store);
  const target = await o.openTarget();
  try {
    const common = { datasetDir: o.datasetDir, onProgress: o.onProgress };
    if (o.part.kind === "setup") {
      await store.write(name, JSON.stringify(await setupRun(scenario, target, common), null, 2));
      console.log(`Run set up: ${o.out}/${name}`);
      return 0;
    }
    if (o.part.kind === "shard") {
      const file = await runShardLoad(scenario, target, manifest!, {
        ...common,
        shard: o.part.shard,
        startAtEpochMs: o.part.startAtEpochMs,
        signal: o.signal,
        resourceMetricsUrl: o.resourceMetricsUrl,
      });
      await store.write(name, JSON.stringify(file));
      const { index, count } = o.part.shard;
      const reason = file.run.status_reason ? ` (${file.run.status_reason})` : "";
      console.log(
        `Shard ${index}/${count}: ${file.run.total_requests} requests, ${file.run.status}${reason}`,
      );
      console.log(`Shard result: ${o.out}/${name}`);
      return file.run.status === "interrupted" ? 130 : file.run.status === "invalid" ? 3 : 0;
    }
    const parts = await readRunParts([o.out], openRunStore, scenario.id);
    checkShardSet(parts.shards);
    const finish = await finishRun(
      scenario,
      target,
      manifest!,
      parts.shards.map((s) => s.file),
      { ...common, keep: o.keep },
    );
    await store.write(name, JSON.stringify(finish, null, 2));
    console.log(`Run finished: ${o.out}/${name} (merge with: akibench merge ${o.out} --out DIR)`);
    return 0;
  } finally {
    await target.close?.();
  }
}
