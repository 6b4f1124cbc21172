import type { TierStart } from "../api/tier.ts";
import type { Capabilities, Document, RequestContext, Target } from "./target.ts";

/** One fault setting handed to the target (S3 latency, error rate, throttling). */
export interface FaultSetting {
  s3LatencyMs: number;
  s3ErrorRate: number;
  s3ThrottleRate: number;
}

/** The tiering policy handed to the target, in seconds. */
export interface TieringSetting {
  hotToWarmIdleS: number;
  warmToColdIdleS: number;
  warmToHotAccesses: number;
  accessWindowS: number;
  checkIntervalS?: number;
  uploadIntervalS?: number;
}

export interface TierCounts {
  hot: number;
  warm: number;
  cold: number;
}

/** One audit-log entry as the run reads it back. */
export interface AuditEntry {
  tenant: string | null;
  action: string;
  resource: string;
  result: string;
  /** HTTP status the request ended with, when the log records it. */
  status: number | null;
}

/**
 * What scenarios need beyond the Target contract. Each optional hook exists only where the
 * target supports it; the run checks capabilities before calling tenancy, tiering or fault hooks.
 */
/**
 * Capabilities plus batch_insert (bulk loading) and, for a target that returns fewer matches
 * than asked, the most it returns (recall is then judged at that depth, and the report says so).
 */
export type Features = Capabilities & { batch_insert: boolean; max_matches?: number };

export interface ScenarioHooks {
  /** Prometheus endpoint for the sampler, when the target has one. */
  readonly metricsUrl?: string;
  /** Key the endpoint needs (the operator's, on a tenancy server). */
  readonly metricsKey?: string;
  /** Capabilities plus batch_insert (bulk loading). */
  features(): Promise<Features>;
  /** True when the target still answers its health check. */
  healthy(): Promise<boolean>;
  /** How the target's process ended (a process this run started), or null while it runs. */
  exitReport?(): Promise<string | null>;
  /** Vectors still waiting to enter the index, when the target reports it (else null). */
  pendingIndexVectors?(): Promise<number | null>;
  insertBatch?(collectionId: string, docs: Document[], ctx?: RequestContext): Promise<void>;
  setTieringPolicy?(policy: TieringSetting): Promise<void>;
  tierCounts?(): Promise<TierCounts>;
  /** A collection's tier and seconds since its last access, as the target reports them. */
  collectionTier?(collectionId: string, ctx?: RequestContext): Promise<TierStart>;
  setFaults?(faults: FaultSetting | null): Promise<void>;
  createTenant?(name: string): Promise<string>;
  createApiKey?(tenantId: string, role: string): Promise<string>;
  /**
   * One raw request for the post-run tenancy probes: `key` null sends none, undefined the
   * operator's (admin) key. Any status is an answer.
   */
  probeRequest?(
    method: string,
    path: string,
    key: string | null | undefined,
    body?: unknown,
  ): Promise<{ status: number; text: string }>;
  /** Audit entries (as the admin), optionally only those at or after an ISO time. */
  auditEntries?(since?: string): Promise<AuditEntry[]>;
}

export type ScenarioTarget = Target & ScenarioHooks;
