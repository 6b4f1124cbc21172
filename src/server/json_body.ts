import type { Context } from "hono";
import type { z } from "zod";
import { type Deadline, deadlines } from "./deadlines.ts";
import { excerpt } from "./excerpt.ts";
import { HttpError } from "./http_error.ts";

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
  // The body stays unread: onError drains it (discardBody) so the connection can close.
  const fail = (error: HttpError) => {
    reader.releaseLock();
    return error;
  };
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array> | "timeout";
    try {
      next = await beforeDeadline(reader.read(), deadline);
    } catch (error) {
      throw unreadable(error);
    }
    if (next === "timeout") throw fail(timedOut(total));
    if (next.done) break;
    const chunk = next.value;
    if (total + chunk.length > maxBytes) {
      throw fail(
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

/** `read`, or "timeout" once `at` (performance.now() time) has passed. */
function beforeDeadline<T>(read: Promise<T>, at: number): Promise<T | "timeout"> {
  if (at === Infinity) return read;
  return new Promise((resolve, reject) => {
    const deadline: Deadline = { at, expire: () => resolve("timeout") };
    deadlines.watch(deadline);
    read.then((value) => {
      deadlines.unwatch(deadline);
      resolve(value);
    }, (error) => {
      deadlines.unwatch(deadline);
      reject(error);
    });
  });
}

/**
 * Reads and drops what arrives of `request`'s unread body until the answer is sent, so that a
 * `Connection: close` answer closes the connection as soon as it is written. Deno's server
 * (hyper) closes a connection only once the request body is finished; a body nobody reads never
 * is, and the connection stayed open until the idle timeout. A body being read when the answer
 * is sent is closed by Deno, and hyper then ends the connection after the answer (scratch runs
 * with serveHttpOnConnection, Deno 2.9.6, 2026-12-05: cancelling the body or leaving it untouched
 * kept the connection open; a pending read closed it). Memory stays flat: nothing is kept.
 */
export function discardBody(request: Request): void {
  const body = request.body;
  if (body === null || body.locked) return; // being read already (request.text() in flight)
  body.pipeTo(new WritableStream()).catch(() => {});
}
