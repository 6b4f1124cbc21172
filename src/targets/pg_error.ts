import { type ErrorClass, TargetError } from "./target.ts";

/** postgres.js's own codes for a connection that failed or went away. */
const CONNECTION_CODES = new Set([
  "CONNECTION_DESTROYED",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
]);

/**
 * The engine's class for a Postgres failure, as for an HTTP target: a broken or refused
 * connection (postgres.js codes, SQLSTATE class 08, a server shutting down 57P0x) is
 * "connection"; a cancelled statement (57014, statement_timeout) is "timeout"; the client's
 * mistakes (data 22, constraints 23, syntax/undefined objects 42, feature 0A, limits 54) are
 * "http_4xx", as a 4xx would be; anything else the server did is "http_5xx".
 */
export function pgErrorClass(code: string | undefined): ErrorClass {
  if (code === undefined) return "http_5xx";
  if (CONNECTION_CODES.has(code) || code.startsWith("08") || /^57P0[1-3]$/.test(code)) {
    return "connection";
  }
  if (code === "57014") return "timeout";
  if (/^(22|23|42|0A|54)/.test(code)) return "http_4xx";
  return "http_5xx";
}

/** A TargetError for a failed statement: "<what>: <SQLSTATE> <message>". */
export function pgTargetError(what: string, err: unknown): TargetError {
  if (err instanceof TargetError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === "string" ? e.code : undefined;
  const message = typeof e?.message === "string" ? e.message : String(err);
  return new TargetError(pgErrorClass(code), `${what}: ${code ? `${code} ` : ""}${message}`);
}
