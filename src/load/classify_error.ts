/**
 * An error that says how the engine counts it ("http_5xx", "timeout", ...). The targets' TargetError
 * is one; the engine knows it only through this shape, so load/ does not depend on targets/.
 */
export interface ClassifiedError extends Error {
  readonly errorClass: string;
}

/** A ClassifiedError keeps its class; fetch's network failures are TypeErrors; aborts are timeouts. */
export function classifyError(error: unknown): string {
  if (isClassified(error)) return error.errorClass;
  if (
    error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")
  ) {
    return "timeout";
  }
  if (error instanceof TypeError) return "connection";
  return "invalid_response";
}

function isClassified(error: unknown): error is ClassifiedError {
  return error instanceof Error &&
    typeof (error as Partial<ClassifiedError>).errorClass === "string";
}
