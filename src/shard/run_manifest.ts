import { z } from "zod";
import type { RunStore } from "../io/run_store.ts";
import type { Deployment } from "../run/setup.ts";
import type { RunIdentity } from "./run_identity.ts";

/** The manifest's name in the run's store. */
export const MANIFEST_FILE = "manifest.json";

const manifestSchema = z.object({
  kind: z.literal("akibench-run-manifest"),
  scenario_id: z.string(),
  profile: z.string(),
  scenario_hash: z.string(),
  seed: z.number(),
  dataset_hash: z.string(),
  target: z.object({ name: z.string(), version: z.string(), url: z.string().nullable() }),
  created_at: z.string(),
  collection_ids: z.array(z.string()),
  /** Per collection, the API key of its tenant (null without tenants). */
  collection_keys: z.array(z.string().nullable()),
  /** [tenant name, API key] (key null without tenants). */
  api_keys: z.array(z.tuple([z.string(), z.string().nullable()])),
  /** [tenant name, server tenant id]. */
  tenant_ids: z.array(z.tuple([z.string(), z.string()])),
});

/**
 * What `run --setup-only` created, for the shards and the finish to use: the run's identity
 * and the target's collection ids and tenant keys. It holds the tenants' API keys: keep the
 * run's store as private as the target's admin key.
 */
export type RunManifest = z.infer<typeof manifestSchema>;

export function manifestOf(
  identity: RunIdentity,
  target: RunManifest["target"],
  d: Deployment,
): RunManifest {
  return {
    kind: "akibench-run-manifest",
    ...identity,
    target,
    created_at: new Date().toISOString(),
    collection_ids: d.collectionIds,
    collection_keys: d.collectionKeys.map((k) => k ?? null),
    api_keys: [...d.apiKeys].map(([t, k]) => [t, k ?? null]),
    tenant_ids: [...d.tenantIds],
  };
}

/** The deployment a manifest records. */
export function deploymentOf(m: RunManifest): Deployment {
  return {
    collectionIds: m.collection_ids,
    collectionKeys: m.collection_keys.map((k) => k ?? undefined),
    apiKeys: new Map(m.api_keys.map(([t, k]) => [t, k ?? undefined])),
    tenantIds: new Map(m.tenant_ids),
  };
}

/** Reads the run's manifest; a missing or malformed one throws one line naming it. */
export async function readManifest(store: RunStore): Promise<RunManifest> {
  const where = `${store.location}/${MANIFEST_FILE}`;
  const text = await store.read(MANIFEST_FILE);
  if (text === null) {
    throw new RunPartError(`${where}: no run manifest (run the scenario with --setup-only first)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RunPartError(`${where}: not JSON (${(err as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RunPartError(`${where}: ${issue.path.join(".") || "(top)"}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * A part of a sharded run (setup, shard, finish, merge) that cannot go on: bad or mismatched
 * inputs (exit 2), or an unreachable target (exit 3). Its message is one line.
 */
export class RunPartError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}
