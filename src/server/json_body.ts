import type { Context } from "hono";
import type { z } from "zod";
import { excerpt, HttpError } from "./http_error.ts";

/** Body limit of routes that take a few small fields (tiers, policy, faults). */
export const SMALL_BODY_BYTES = 64 * 1024;

/**
 * AkiDB's body limit (axum 0.6's DefaultBodyLimit, 2 MB, on every Json extractor), kept on the
 * routes AkiDB has. The reference's own insert_batch takes up to the server's maxBodyBytes.
 */
export const AKIDB_BODY_BYTES = 2 * 1024 * 1024;

/** Largest body read whole, its declared length allocated at once (as big as a read chunk). */
const WHOLE_BODY_BYTES = 64 * 1024;

/** application/json or application/<anything>+json, with or without parameters. */
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads and validates a JSON request body: 415 unless Content-Type is application/json or
 * application/*+json; 413 at once when Content-Length exceeds `maxBytes`, or as soon as the
 * bytes received do; 408 when the body has not arrived by the request's `bodyDeadline`; 400 for
 * malformed JSON or a schema violation (naming the field). Memory grows with the bytes that
 * arrived, never with the length a client declared.
 */
export async function readJsonBody<T>(
  c: Context,
  schema: z.ZodType<T>,
  maxBytes: number,
): Promise<T> {
  const type = c.req.header("content-type") ?? "";
  if (!JSON_TYPE.test(type)) {
    throw new HttpError(
      415,
      `Content-Type must be application/json, got '${excerpt(type) || "none"}'`,
      { closeConnection: true },
    );
  }
  const length = c.req.header("content-length");
  const declared = length === undefined ? Infinity : Number(length);
  if (declared > maxBytes) {
    throw new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${maxBytes}`, {
      closeConnection: true,
    });
  }
  const deadline: number | undefined = c.get("bodyDeadline");
  const text = await readLimited(c.req.raw, maxBytes, declared, deadline ?? Infinity);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `malformed JSON body: ${excerpt((error as Error).message)}`);
  }
  return parsedOrThrow(schema, json, "body");
}

/**
 * `value` checked against `schema`; otherwise a 400 naming the first issue's path under `where`
 * (keys and messages excerpted: a path segment or an unrecognized key may be any client string).
 */
export function parsedOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path.map((p) => excerpt(String(p))).join(".");
  throw new HttpError(400, `${path || where}: ${excerpt(issue.message)}`);
}

/**
 * The body as text. A body declared as at most WHOLE_BODY_BYTES is read in one native call, which
 * allocates its declared length; others are read chunk by chunk (each pending read holds one
 * 64 KiB chunk) into a buffer that doubles as bytes arrive. Either way a connection costs at most
 * ~64 KiB before its bytes arrive, then in proportion to what arrived.
 */
async function readLimited(
  request: Request,
  maxBytes: number,
  declared: number,
  deadline: number,
): Promise<string> {
  const timedOut = (total: number | string) =>
    new HttpError(408, `request body not received in time (${total} bytes arrived)`, {
      closeConnection: true,
    });
  const unreadable = (error: unknown) =>
    new HttpError(400, `could not read request body: ${(error as Error).message}`, {
      closeConnection: true,
    });
  if (declared <= WHOLE_BODY_BYTES) {
    let next: string | "timeout";
    try {
      next = await beforeDeadline(request.text(), deadline);
    } catch (error) {
      throw unreadable(error);
    }
    if (next === "timeout") throw timedOut("not all");
    return next;
  }
  // Touched only here: `request.body` makes the stream, which request.text() then reads
  // chunk by chunk instead of in one native call (+0.1 ms of server CPU per query).
  const body = request.body;
  if (!body) return "";
  const reader = body.getReader();
  let bytes = new Uint8Array(0);
  let total = 0;
  const fail = async (error: HttpError) => {
    await reader.cancel().catch(() => {});
    return error;
  };
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array> | "timeout";
    try {
      next = await beforeDeadline(reader.read(), deadline);
    } catch (error) {
      throw unreadable(error);
    }
    if (next === "timeout") throw await fail(timedOut(total));
    if (next.done) break;
    const chunk = next.value;
    if (total + chunk.length > maxBytes) {
      throw await fail(
        new HttpError(413, `request body exceeds the limit of ${maxBytes} bytes`, {
          closeConnection: true,
        }),
      );
    }
    if (total + chunk.length > bytes.length) {
      const grown = new Uint8Array(
        Math.min(maxBytes, Math.max(bytes.length * 2, total + chunk.length)),
      );
      grown.set(bytes.subarray(0, total));
      bytes = grown;
    }
    bytes.set(chunk, total);
    total += chunk.length;
  }
  return new TextDecoder().decode(bytes.subarray(0, total));
}

/** `read`, or "timeout" once `deadline` (performance.now() time) has passed. */
function beforeDeadline<T>(read: Promise<T>, deadline: number): Promise<T | "timeout"> {
  if (deadline === Infinity) return read;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - performance.now()));
  });
  return Promise.race([read, timeout]).finally(() => clearTimeout(timer));
}
