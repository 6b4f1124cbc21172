import { join } from "node:path";
import {
  AKIDB_BREAKER_CONFIG,
  type BreakerConfig,
  CircuitBreaker,
} from "../faults/circuit_breaker.ts";
import { AKIDB_DLQ_CAPACITY, DeadLetterQueue } from "../faults/dead_letter_queue.ts";
import { FaultInjector } from "../faults/fault_injector.ts";
import { faultInjectingHandler } from "../faults/fault_http_handler.ts";
import { faultRoutes } from "../faults/fault_routes.ts";
import { resilienceOf } from "../faults/resilience_adapter.ts";
import { deadLetterRoutes } from "../faults/resilience_routes.ts";
import { DLQ_REPLAY_INTERVAL_MS, DlqReplayer } from "../faults/dlq_replayer.ts";
import { ResilientObjectStore } from "../faults/resilient_object_store.ts";
import { scaledRetryPolicy } from "../faults/retry_policy.ts";
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3 } from "../s3/embedded_s3.ts";
import { S3ObjectStore, type S3Settings } from "../s3/object_store.ts";
import type { ServerExtensions } from "../server_env.ts";
import { BatchUploader } from "./batch_uploader.ts";
import { tierHostOf } from "./tierable_collection.ts";
import { TierManager } from "./tier_manager.ts";
import { DEFAULT_TIER_POLICY, type TierPolicy } from "./tier_policy.ts";
import { tierRoutes } from "./tier_routes.ts";

export interface TieringOptions {
  /** Local (warm) collection images and the tier state file go to dataDir/tiers. */
  dataDir: string;
  policy?: Partial<TierPolicy>;
  /** An S3-compatible endpoint; default: s3rver embedded on 127.0.0.1 storing in dataDir/s3. */
  s3?: S3Settings;
  /** Serve POST/GET/DELETE /admin/faults and inject them into the S3 path. */
  faults?: boolean;
  /**
   * Multiplies AkiDB's resilience timings: retry backoff (1 s doubling to 64 s), breaker window
   * (60 s), cooldown (30 s) and the dead-letter replay interval (10 s). Tests use 0.001.
   */
  resilienceTimeScale?: number;
  breaker?: Partial<BreakerConfig>;
  dlqCapacity?: number;
  /** Automatic dead-letter replay interval (default 10 s × the time scale); 0 turns it off. */
  dlqReplayIntervalMs?: number;
}

/**
 * Tiering and the S3 batch uploader (with retries, breaker, DLQ and optional faults) as server
 * extensions.
 */
export interface Tiering {
  extensions: ServerExtensions;
  tiers: TierManager;
  s3: ResilientObjectStore;
  faults: FaultInjector | null;
  /** The S3 endpoint in use. */
  s3Endpoint: string;
  /** Stops timers, waits for uploads in flight, closes the S3 client (and embedded s3rver). */
  close(): Promise<void>;
}

export const DEFAULT_S3_BUCKET = "akidb-tiers";

export async function startTiering(options: TieringOptions): Promise<Tiering> {
  const embedded = options.s3 === undefined
    ? await startEmbeddedS3(await ensureDir(join(options.dataDir, "s3")))
    : null;
  const settings = options.s3 ??
    { endpoint: embedded!.endpoint, bucket: DEFAULT_S3_BUCKET, ...EMBEDDED_S3_CREDENTIALS };
  const faults = options.faults ? new FaultInjector() : null;
  const raw = await S3ObjectStore.open(
    settings,
    faults ? (inner) => faultInjectingHandler(inner, faults) : undefined,
  );
  const scale = options.resilienceTimeScale ?? 1;
  const s3 = new ResilientObjectStore(
    raw,
    scaledRetryPolicy(scale),
    new CircuitBreaker({
      ...AKIDB_BREAKER_CONFIG,
      windowMs: AKIDB_BREAKER_CONFIG.windowMs * scale,
      cooldownMs: AKIDB_BREAKER_CONFIG.cooldownMs * scale,
      ...options.breaker,
    }),
    new DeadLetterQueue(options.dlqCapacity ?? AKIDB_DLQ_CAPACITY),
  );
  // Tier files and the tier state file persist: a restart keeps warm and cold collections there.
  const tiersDir = join(options.dataDir, "tiers");
  const tiers = new TierManager(s3, tiersDir, { ...DEFAULT_TIER_POLICY, ...options.policy });
  let uploader: BatchUploader | null = null;
  const replayMs = options.dlqReplayIntervalMs ?? DLQ_REPLAY_INTERVAL_MS * scale;
  const replayer = replayMs > 0 ? new DlqReplayer(s3, replayMs) : null;
  replayer?.start();
  const extensions: ServerExtensions = {
    capabilities: { tiering: true, faults: faults !== null },
    beforeCollectionAccess: (collection, access) => tiers.access(collection.meta.id, access),
    fetchImage: (objectKey) => s3.download(objectKey),
    resilience: resilienceOf(s3),
    prometheus: () => tiers.prometheusText() + s3.counterText(),
    routes: (app, store) => {
      tiers.attach(tierHostOf(store));
      uploader = new BatchUploader(
        s3,
        () => store.collections,
        () => tiers.policy.uploadIntervalMs,
      );
      uploader.start();
      tierRoutes(app, store, tiers);
      app.route("/", deadLetterRoutes(s3));
      if (faults !== null) app.route("/", faultRoutes(faults));
    },
  };
  return {
    extensions,
    tiers,
    s3,
    faults,
    s3Endpoint: settings.endpoint,
    close: async () => {
      await uploader?.stop();
      await replayer?.stop();
      await tiers.stop();
      raw.close();
      await embedded?.close();
    },
  };
}

async function ensureDir(path: string): Promise<string> {
  await Deno.mkdir(path, { recursive: true });
  return path;
}
