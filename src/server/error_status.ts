import type { DomainErrorKind } from "./domain_error.ts";
import { DomainError } from "./domain_error.ts";
import { HttpError } from "./http_error.ts";

/** The one place a domain error's kind becomes an HTTP status. */
const STATUS: Record<DomainErrorKind, 400 | 404 | 409 | 503> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
};

/**
 * `error` as the HTTP layer answers it: an HttpError as it is, a domain error with its kind's
 * status (message capped as every HttpError's), anything else undefined (an internal error).
 */
export function httpErrorOf(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof DomainError) return new HttpError(STATUS[error.kind], error.message);
  return undefined;
}
