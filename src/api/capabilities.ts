/**
 * The optional features of an AkiDB-compatible server, as GET /api/v1/capabilities reports them:
 * the one definition the reference server answers with and the targets read (the server must
 * not import the client side, nor the client the server). A scenario needing a missing feature
 * is skipped, never passed.
 */
export interface Capabilities {
  tiering: boolean;
  tenancy: boolean;
  audit: boolean;
  faults: boolean;
}

/** The body of GET /api/v1/capabilities: the features, and whether insert_batch is served. */
export type CapabilitiesResponse = Capabilities & { batch_insert: boolean };
