import { buildApp } from "./app.ts";
import { type ConnectionTimeouts, serveGuarded } from "./guarded_serve.ts";
import type { IndexParams } from "./collection_meta.ts";
import { RequestMetrics } from "./metrics.ts";
import type { ServerExtensions } from "./server_env.ts";
import { Store, type StoreOptions } from "./store.ts";
import { DEFAULT_INDEX_PARAMS } from "./collection_meta.ts";
import { startLine } from "./start_line.ts";

/** Options of `startServer`. */
export interface StartServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Defaults to a fresh temporary directory. */
  dataDir?: string;
  /** No startup line on stdout. */
  quiet?: boolean;
  /** HNSW parameters for new collections (defaults: DEFAULT_INDEX_PARAMS). */
  index?: Partial<IndexParams>;
  /** Storage tunables (checkpoint size, merge threads/budget). */
  storage?: Partial<Omit<StoreOptions, "indexParams">>;
  /** Largest accepted request body, bytes (default 64 MiB). */
  maxBodyBytes?: number;
  /** Connection and body timeouts, ms (defaults: DEFAULT_TIMEOUTS). */
  timeouts?: Partial<ServerTimeouts>;
  /**
   * `akidb`: AkiDB 2.0's own answers (akidb_compat/: text/plain errors, its statuses, no dot
   * collections, ≤ 128 matches, /ready 503 without collections, 2 MiB bodies, and none of the
   * reference's own routes: capabilities, insert_batch).
   */
  compat?: "akidb";
  /** Tenancy, audit, tiering and fault plug-ins. */
  extensions?: ServerExtensions;
}

/** A running reference server. */
export interface RunningServer {
  url: string;
  port: number;
  /** Data directory in use. */
  dataDir: string;
  store: Store;
  /** Stops accepting requests, flushes the WAL, snapshots and closes. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** The reference server's timeouts: a connection's (see ConnectionTimeouts) and a body's. */
export interface ServerTimeouts extends ConnectionTimeouts {
  /** A request's whole body must arrive within this after its headers (ms), else 408. */
  bodyMs: number;
}

/**
 * Generous for clients on a LAN or loopback, the server's use: a load generator's idle pooled
 * connection lives 30 s; a 64 MiB body needs ~1 MiB/s.
 */
export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  headerMs: 10_000,
  bodyMs: 60_000,
  idleMs: 30_000,
};

/**
 * Starts the AkiDB-compatible reference server in this process. Unless `quiet`, prints exactly
 * one line: `akibench reference server listening on http://HOST:PORT (pid N)`.
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const startedAt = performance.now();
  const host = options.host ?? "127.0.0.1";
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "akibench-server-" });
  const store = await Store.open(dataDir, {
    ...options.storage,
    fetchImage: options.extensions?.fetchImage,
    indexParams: { ...DEFAULT_INDEX_PARAMS, ...options.index },
  });
  let ready = true;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const app = buildApp({
    store,
    extensions: options.extensions ?? {},
    requestMetrics: new RequestMetrics(),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    compat: options.compat,
    bodyTimeoutMs: timeouts.bodyMs,
    startedAt,
    isReady: () => ready,
  });
  const server = serveGuarded({ hostname: host, port: options.port ?? 0, timeouts }, app.fetch);
  const addr = server.addr;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${addr.port}`;
  if (!options.quiet) {
    console.log(startLine(url, Deno.pid));
  }
  let closing: Promise<void> | null = null;
  return {
    url,
    port: addr.port,
    dataDir,
    store,
    close() {
      closing ??= (async () => {
        ready = false;
        await server.shutdown();
        await store.close();
      })();
      return closing;
    },
  };
}
