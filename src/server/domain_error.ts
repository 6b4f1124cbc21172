/**
 * What a request asked that the server's domain (store, collections, WAL, tiers, tenants)
 * refuses, in the domain's own terms:
 * - `invalid_input`: the request's data cannot be taken (a vector of the wrong dimension),
 * - `not_found`: it names something that does not exist, or is not the caller's,
 * - `conflict`: it clashes with the current state (a name or doc_id taken, a pinned collection),
 * - `unavailable`: the server cannot do it now (shutting down, WAL failed, a tier unreachable).
 */
export type DomainErrorKind = "invalid_input" | "not_found" | "conflict" | "unavailable";

/**
 * An error of the server's domain. It knows nothing of HTTP: the HTTP layer maps each kind to a
 * status in one place (error_status.ts), and the AkiDB dialect rewords some (akidb_compat/).
 */
export class DomainError extends Error {
  constructor(readonly kind: DomainErrorKind, message: string) {
    super(message);
    this.name = "DomainError";
  }
}
