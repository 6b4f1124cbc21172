import type { Command } from "./command.ts";
import { intFlagInRange, parseFlags } from "./parse_flags.ts";
import { UsageError } from "../usage/usage_error.ts";
import { DEFAULT_TIMEOUTS, type ServerTimeouts, startServer } from "../server/start.ts";
import { addedLatencyExtension } from "../server/added_latency.ts";
import { StorageDamage } from "../server/storage_damage.ts";
import { combineExtensions, type ServerExtensions } from "../server/server_env.ts";
import { startTenancy } from "../server/tenancy/tenancy_extension.ts";
import { isApiKey } from "../server/tenancy/api_key.ts";

const HELP = `akibench serve: run the AkiDB 2.0-compatible reference server

Usage: akibench serve [--port 8080] [--host 127.0.0.1] [--data-dir DIR]
                      [--hnsw-m 16] [--ef-construction 128] [--ef-search 128]
                      [--checkpoint-wal-mb 64] [--recover]
                      [--header-timeout-ms 10000] [--body-timeout-ms 60000]
                      [--idle-timeout-ms 30000]
                      [--tenancy [--admin-key KEY] [--audit-max-entries 100000]
                       [--audit-max-anonymous 10000]] [--tiering] [--faults]
                      [--s3-endpoint URL --s3-bucket NAME] [--resilience-time-scale 1]
                      [--added-latency-ms 0]
                      [--compat akidb]

Options:
  --port N             TCP port (default 8080; 0 picks a free port)
  --host HOST          address to bind (default 127.0.0.1)
  --data-dir DIR       WAL and snapshots (default: a fresh temporary directory)
  --hnsw-m N           HNSW graph degree for new collections
  --ef-construction N  HNSW build beam width
  --ef-search N        HNSW search beam width
  --checkpoint-wal-mb N  snapshot and truncate the WAL once it exceeds N MiB (default 64)
  --recover            start even if the data dir is damaged: from the previous snapshot
                       generation (kept with its WAL) if the newest snapshot is damaged; keep
                       the WAL up to damage in it; move what is discarded into
                       DIR/recovered-TIME/ and print how many records were replayed and dropped
  --header-timeout-ms N  close a new connection whose request headers are not complete
                       within N ms (default ${DEFAULT_TIMEOUTS.headerMs})
  --body-timeout-ms N  answer 408 and close the connection when a request body has not
                       fully arrived N ms after its headers (default ${DEFAULT_TIMEOUTS.bodyMs})
  --idle-timeout-ms N  close a keep-alive connection after N ms without a request in
                       progress; the next request's headers must be complete by then
                       (default ${DEFAULT_TIMEOUTS.idleMs})
  --tenancy            API keys, roles and the audit log (collections belong to tenants)
  --admin-key KEY      bootstrap admin key, ak_ + 64 hex (default $AKIDB_ADMIN_KEY; else a
                       new key, printed to stderr): the operator's, above every tenant
  --audit-max-entries N  audit entries kept per tenant; older ones are dropped and counted
                       (default 100000)
  --audit-max-anonymous N  audit entries kept of requests without a valid key, apart from the
                       tenants' (default 10000)
  --tiering            hot/warm/cold tiering: whole collections in RAM, a local file, S3
  --faults             POST/DELETE /admin/faults inject S3 latency/errors (implies --tiering)
  --s3-endpoint URL    S3-compatible endpoint for tiering (default: s3rver embedded on
                       127.0.0.1); credentials from $AWS_ACCESS_KEY_ID/$AWS_SECRET_ACCESS_KEY
  --s3-bucket NAME     bucket for --s3-endpoint (default akidb-tiers)
  --resilience-time-scale X  multiply retry backoff (1 s..64 s), breaker window, cooldown
                       and the dead-letter replay interval (10 s)
  --added-latency-ms N  delay every /api/v1/collections/ request by N ms (a deliberately
                       slower server, to check that 'akibench compare' catches it)
  --compat akidb       answer as a real AkiDB 2.0 does where it is stricter: text/plain
                       errors with its statuses (422 type errors, 500 validation errors),
                       dot collections refused (500), at most 128 matches, /ready 503 until a
                       collection exists, 2 MiB bodies (docs/akidb-differences.md)

Prints one line: akibench reference server listening on http://HOST:PORT (pid N).
SIGINT/SIGTERM flush the write-ahead log, write a snapshot and exit 0.
A damaged data dir (checksum mismatch, missing WAL segment or snapshot file) stops the start
with one line naming the file and byte offset, exit code 1, nothing on disk changed; an
unfinished final WAL write (a crash mid-write, never acknowledged) is cut.`;

/** Longest timeout a flag may set (a timer beyond ~24.8 days would fire at once). */
const DAY_MS = 86_400_000;

export const serveCommand: Command = {
  name: "serve",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values } = parseFlags(args, {
      port: { type: "string" },
      host: { type: "string" },
      "data-dir": { type: "string" },
      "hnsw-m": { type: "string" },
      "ef-construction": { type: "string" },
      "ef-search": { type: "string" },
      "checkpoint-wal-mb": { type: "string" },
      "header-timeout-ms": { type: "string" },
      "body-timeout-ms": { type: "string" },
      "idle-timeout-ms": { type: "string" },
      tenancy: { type: "boolean" },
      "admin-key": { type: "string" },
      "audit-max-entries": { type: "string" },
      "audit-max-anonymous": { type: "string" },
      tiering: { type: "boolean" },
      faults: { type: "boolean" },
      "s3-endpoint": { type: "string" },
      "s3-bucket": { type: "string" },
      "resilience-time-scale": { type: "string" },
      "added-latency-ms": { type: "string" },
      recover: { type: "boolean" },
      compat: { type: "string" },
    }, false);
    if (values.compat !== undefined && values.compat !== "akidb") {
      throw new UsageError(`--compat: unknown value '${values.compat}' (the one known is akidb)`);
    }
    if (values.compat && (values.tenancy || values.tiering || values.faults)) {
      throw new UsageError(
        "--compat akidb serves AkiDB's routes only: drop --tenancy/--tiering/--faults",
      );
    }
    const index = Object.fromEntries(
      Object.entries({
        m: intFlagInRange("hnsw-m", values["hnsw-m"], 2, 256),
        efConstruction: intFlagInRange("ef-construction", values["ef-construction"], 1, 4096),
        efSearch: intFlagInRange("ef-search", values["ef-search"], 1, 4096),
      }).filter(([, v]) => v !== undefined),
    );
    const checkpointMb = intFlagInRange(
      "checkpoint-wal-mb",
      values["checkpoint-wal-mb"],
      1,
      1 << 20,
    );
    const timeouts: Partial<ServerTimeouts> = Object.fromEntries(
      Object.entries({
        headerMs: intFlagInRange("header-timeout-ms", values["header-timeout-ms"], 1, DAY_MS),
        bodyMs: intFlagInRange("body-timeout-ms", values["body-timeout-ms"], 1, DAY_MS),
        idleMs: intFlagInRange("idle-timeout-ms", values["idle-timeout-ms"], 1, DAY_MS),
      }).filter(([, v]) => v !== undefined),
    );
    const dataDir = values["data-dir"] ?? await Deno.makeTempDir({ prefix: "akibench-server-" });
    const addedLatencyMs = intFlagInRange(
      "added-latency-ms",
      values["added-latency-ms"],
      0,
      60_000,
    );
    const extensions = await startExtensions(values, dataDir).catch(async (error) => {
      if (values["data-dir"] === undefined) await Deno.remove(dataDir, { recursive: true });
      throw error;
    }).catch(damaged);
    if (typeof extensions === "number") return extensions;
    const server = await startServer({
      port: intFlagInRange("port", values.port, 0, 65535) ?? 8080,
      host: values.host ?? "127.0.0.1",
      dataDir,
      compat: values.compat as "akidb" | undefined,
      index,
      timeouts,
      extensions: combineExtensions(
        ...(addedLatencyMs ? [addedLatencyExtension(addedLatencyMs)] : []),
        ...extensions.map((e) => e.extensions),
      ),
      storage: {
        ...(checkpointMb === undefined ? {} : { checkpointWalBytes: checkpointMb * 1024 * 1024 }),
        recover: values.recover === true,
      },
    }).catch(async (error) => {
      for (const extension of extensions) await extension.close();
      return damaged(error);
    });
    if (typeof server === "number") return server;
    const { promise: stopped, resolve } = Promise.withResolvers<string>();
    const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
    const handler = () => resolve("signal");
    for (const signal of signals) Deno.addSignalListener(signal, handler);
    await stopped;
    for (const signal of signals) Deno.removeSignalListener(signal, handler);
    await server.close();
    for (const extension of extensions) await extension.close();
    return 0;
  },
};

/** Exit code 1 and one line for a damaged data dir; any other error is rethrown. */
function damaged(error: unknown): number {
  if (!(error instanceof StorageDamage)) throw error;
  console.error(
    `akibench serve: ${error.message}; nothing on disk was changed ('akibench fsck' lists ` +
      "all damage; 'serve --recover' starts from the last good state)",
  );
  return 1;
}

interface ExtensionFlags {
  tenancy?: boolean;
  "admin-key"?: string;
  "audit-max-entries"?: string;
  "audit-max-anonymous"?: string;
  tiering?: boolean;
  faults?: boolean;
  "s3-endpoint"?: string;
  "s3-bucket"?: string;
  "resilience-time-scale"?: string;
}

/** Tenancy and tiering (with faults) as the flags ask, each with its close(). */
async function startExtensions(
  flags: ExtensionFlags,
  dataDir: string,
): Promise<{ extensions: ServerExtensions; close(): void | Promise<void> }[]> {
  const started = [];
  const adminKey = flags["admin-key"];
  if (adminKey !== undefined && !isApiKey(adminKey)) {
    throw new UsageError("--admin-key must be ak_ followed by 64 lowercase hex characters");
  }
  if (flags.tenancy) {
    const perTenant = intFlagInRange("audit-max-entries", flags["audit-max-entries"], 1, 1e9);
    const anonymous = intFlagInRange("audit-max-anonymous", flags["audit-max-anonymous"], 1, 1e9);
    const tenancy = startTenancy({
      dataDir,
      adminKey,
      auditLimits: Object.fromEntries(
        Object.entries({ perTenant, anonymous }).filter(([, v]) => v !== undefined),
      ),
    });
    if (adminKey === undefined && Deno.env.get("AKIDB_ADMIN_KEY") === undefined) {
      console.error(`akibench serve: bootstrap admin key ${tenancy.adminKey}`);
    }
    started.push(tenancy);
  }
  const scale = flags["resilience-time-scale"];
  const timeScale = scale === undefined ? 1 : Number(scale);
  if (!(timeScale > 0)) {
    throw new UsageError(`--resilience-time-scale must be a positive number, got '${scale}'`);
  }
  if (flags.tiering || flags.faults) {
    const endpoint = flags["s3-endpoint"];
    try {
      // Loaded only when asked for: the S3 client alone holds ~35 MB a plain server never uses.
      const { startTiering } = await import("../server/tiering/tiering_extension.ts");
      started.push(
        await startTiering({
          dataDir,
          faults: flags.faults === true,
          resilienceTimeScale: timeScale,
          s3: endpoint === undefined ? undefined : {
            endpoint,
            bucket: flags["s3-bucket"] ?? "akidb-tiers",
            accessKeyId: Deno.env.get("AWS_ACCESS_KEY_ID") ?? "",
            secretAccessKey: Deno.env.get("AWS_SECRET_ACCESS_KEY") ?? "",
          },
        }),
      );
    } catch (error) {
      if (endpoint === undefined) throw error;
      throw new UsageError(`--s3-endpoint ${endpoint}: ${(error as Error).message}`);
    }
  }
  return started;
}
