import type { Capabilities } from "../api/capabilities.ts";
import type { Metric } from "../dataset/metric.ts";

// The one Capabilities type, re-exported as part of the Target contract.
export type { Capabilities };

/** The capabilities of a database with none of AkiDB's extensions (the peer targets). */
export const NO_EXTENSIONS: Readonly<Capabilities> = {
  tiering: false,
  tenancy: false,
  audit: false,
  faults: false,
};

export interface CollectionSpec {
  name: string;
  dimension: number;
  metric: Metric;
}

export interface CollectionInfo {
  id: string;
  name: string;
  dimension: number;
  metric: Metric;
  documentCount: number;
}

export interface Document {
  /** Client-generated UUID v7. */
  id: string;
  externalId?: string | null;
  vector: Float32Array;
}

/** One search match: for cosine/dot `score` is the similarity (best first), for l2 the distance. */
export interface SearchHit {
  id: string;
  externalId: string | null;
  score: number;
}

/** Why an operation failed, as the engine counts it. */
export type ErrorClass = "http_4xx" | "http_5xx" | "timeout" | "connection" | "invalid_response";

/** Thrown by adapters for every failed operation so the engine can classify it. */
export class TargetError extends Error {
  constructor(
    readonly errorClass: ErrorClass,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "TargetError";
  }
}

/** Per-request context: an abort signal (per-operation timeout) and the tenant's credentials. */
export interface RequestContext {
  signal?: AbortSignal;
  apiKey?: string;
}

/**
 * What the engine knows of a database. Adapters translate these calls into the database's own
 * protocol and throw TargetError on failure.
 */
export interface Target {
  readonly name: string;
  /** Base URL of the server, when it has one. */
  readonly url?: string;
  /** Process id of the server when it runs on this machine (for the RSS/CPU sampler). */
  readonly pid?: number;
  version(): Promise<string>;
  capabilities(): Promise<Capabilities>;
  createCollection(spec: CollectionSpec, ctx?: RequestContext): Promise<string>;
  deleteCollection(id: string, ctx?: RequestContext): Promise<void>;
  listCollections(ctx?: RequestContext): Promise<CollectionInfo[]>;
  getCollection(id: string, ctx?: RequestContext): Promise<CollectionInfo | null>;
  insert(collectionId: string, doc: Document, ctx?: RequestContext): Promise<void>;
  search(
    collectionId: string,
    vector: Float32Array,
    k: number,
    ctx?: RequestContext,
  ): Promise<SearchHit[]>;
  get(collectionId: string, docId: string, ctx?: RequestContext): Promise<Document | null>;
  delete(collectionId: string, docId: string, ctx?: RequestContext): Promise<void>;
  /** Releases connections; for an embedded target, stops the server. */
  close(): Promise<void>;
}
