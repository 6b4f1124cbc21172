import type { RequestMetrics } from "./metrics.ts";
import type { ServerExtensions } from "./server_env.ts";
import type { Store } from "./store.ts";

/** What route groups need from the server. */
export interface RouteDeps {
  store: Store;
  extensions: ServerExtensions;
  requestMetrics: RequestMetrics;
  maxBodyBytes: number;
  /** How long a request's body may take to arrive after its headers (ms). */
  bodyTimeoutMs: number;
  /** performance.now() at start. */
  startedAt: number;
  /** `akidb`: answer as AkiDB 2.0 does (serve --compat akidb; akidb_compat/). */
  compat?: "akidb";
  /** False until recovery finished and while shutting down. */
  isReady(): boolean;
}
