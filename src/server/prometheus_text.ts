import type { Resilience } from "./server_env.ts";
import type { Store } from "./store.ts";
import { VERSION } from "../version.ts";
import { processMetricLines } from "./process_metrics.ts";

/** One metric family: HELP and TYPE lines, then a sample per label set. */
export function metric(
  name: string,
  type: string,
  help: string,
  samples: [string, number][],
): string[] {
  return [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} ${type}`,
    ...samples.map(([labels, v]) => `${name}${labels} ${v}`),
  ];
}

/** The akidb_* metric families of the contract plus index, vector and memory gauges. */
export function storeMetricLines(
  store: Store,
  uptimeSeconds: number,
  resilience: Resilience | undefined,
): string[] {
  const c = store.counters;
  const collections = [...store.collections.values()];
  const label = (id: string) => `{collection_id="${id}"}`;
  const memory = Deno.memoryUsage();
  return [
    ...metric("akidb_storage_inserts_total", "counter", "Acknowledged inserts.", [["", c.inserts]]),
    ...metric("akidb_storage_queries_total", "counter", "Queries served.", [["", c.queries]]),
    ...metric("akidb_storage_deletes_total", "counter", "Acknowledged deletes.", [["", c.deletes]]),
    ...(["uploads", "downloads", "retries", "permanent_failures"] as const).flatMap((n) =>
      metric(`akidb_s3_${n}_total`, "counter", `S3 ${n.replace("_", " ")}.`, [
        ["", resilience?.s3Counters?.()[n] ?? 0],
      ])
    ),
    ...metric("akidb_dlq_size", "gauge", "Dead-letter queue entries.", [
      ["", resilience?.dlqSize() ?? 0],
    ]),
    ...metric("akidb_circuit_breaker_state", "gauge", "0 closed, 1 open, 2 half-open.", [
      ["", resilience?.breakerState() ?? 0],
    ]),
    ...metric("akidb_circuit_breaker_error_rate", "gauge", "Error rate in the window.", [
      ["", resilience?.breakerErrorRate() ?? 0],
    ]),
    ...metric("akidb_cache_hits_total", "counter", "Collection cache hits.", [["", 0]]),
    ...metric("akidb_cache_misses_total", "counter", "Collection cache misses.", [["", 0]]),
    ...metric("akidb_wal_size_bytes", "gauge", "Bytes in the current WAL segment.", [
      ["", store.walBytes],
    ]),
    ...metric("akidb_wal_syncs_total", "counter", "Group-commit fdatasync batches.", [
      ["", store.walSyncs],
    ]),
    ...metric("akidb_compactions_total", "counter", "Snapshots that truncated the WAL.", [
      ["", c.compactions],
    ]),
    ...metric(
      "akidb_memory_releases_total",
      "counter",
      "Times freed memory was returned to the OS after bulk work, once the server was quiet.",
      [["", c.memoryReleases]],
    ),
    ...metric("akidb_uptime_seconds", "gauge", "Seconds since start.", [["", uptimeSeconds]]),
    ...metric("akidb_build_info", "gauge", "Build information.", [
      [`{version="${VERSION}",server="akibench-reference"}`, 1],
    ]),
    ...metric("akidb_collections", "gauge", "Collections.", [["", collections.length]]),
    // AkiDB's ServiceMetrics names (akidb-service collection_service.rs).
    ...metric("akidb_total_collections", "gauge", "Total number of collections", [
      ["", collections.length],
    ]),
    ...metric("akidb_total_vectors", "gauge", "Total number of vectors across all collections", [
      ["", collections.reduce((s, x) => s + x.documentCount, 0)],
    ]),
    ...metric(
      "akidb_collection_vectors",
      "gauge",
      "Live vectors per collection.",
      collections.map((x) => [label(x.meta.id), x.documentCount]),
    ),
    ...metric(
      "akidb_index_graph_vectors",
      "gauge",
      "Vectors in the HNSW graph per collection.",
      collections.map((x) => [label(x.meta.id), x.index.graphSize]),
    ),
    ...metric("akidb_index_pending_vectors", "gauge", "Vectors awaiting merge into HNSW.", [
      ["", store.pendingVectors()],
    ]),
    ...metric("akidb_index_vector_bytes", "gauge", "Raw float32 vector bytes held.", [
      ["", collections.reduce((s, x) => s + x.vectors.bytes, 0)],
    ]),
    ...metric("process_heap_used_bytes", "gauge", "V8 heap used.", [["", memory.heapUsed]]),
    ...processMetricLines(memory.rss),
  ];
}
