import type { Context } from "hono";
import { z } from "zod";
import { excerpt } from "../excerpt.ts";
import { HttpError } from "../http_error.ts";
import { AKIDB_BODY_BYTES, readJsonBody } from "../json_body.ts";

/** A field of an AkiDB request struct, as serde reads it. */
export type FieldType = "string" | "string?" | "u32" | "usize" | "f32[]";

/** The decoded body: strings, integers and float32 arrays by field name. */
export type Decoded = Record<string, string | number | number[] | null | undefined>;

const UINT_MAX: Record<"u32" | "usize", number> = { u32: 2 ** 32 - 1, usize: 2 ** 64 - 1 };

/**
 * The body as axum 0.6's `Json<T>` extractor reads it for AkiDB's handlers, with its rejections
 * (text/plain): 415 "Expected request with `Content-Type: application/json`", 413 "Failed to
 * buffer the request body: length limit exceeded" past 2 MiB, 400 "Failed to parse the request
 * body as JSON: …", 422 "Failed to deserialize the JSON body into the target type: …" (serde's
 * messages, without its "at line L column C").
 */
export async function akidbJsonBody(
  c: Context,
  fields: Record<string, FieldType>,
): Promise<Decoded> {
  let json: unknown;
  try {
    json = await readJsonBody(c, z.unknown(), AKIDB_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const close = { closeConnection: error.closeConnection };
    if (error.status === 415) {
      throw new HttpError(415, "Expected request with `Content-Type: application/json`", close);
    }
    if (error.status === 413) {
      throw new HttpError(413, "Failed to buffer the request body: length limit exceeded", close);
    }
    if (error.status === 400) {
      const detail = error.message.replace(/^malformed JSON body: /, "");
      throw new HttpError(400, `Failed to parse the request body as JSON: ${detail}`, close);
    }
    throw error;
  }
  return decodeStruct(json, fields);
}

function dataError(message: string): HttpError {
  return new HttpError(422, `Failed to deserialize the JSON body into the target type: ${message}`);
}

/** serde's name for an unexpected JSON value ("invalid type: string \"x\", expected …"). */
function unexpected(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `string ${excerpt(JSON.stringify(value))}`;
  if (typeof value === "boolean") return `boolean \`${value}\``;
  if (typeof value === "number") {
    return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
  }
  return Array.isArray(value) ? "sequence" : "map";
}

function decodeStruct(json: unknown, fields: Record<string, FieldType>): Decoded {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw dataError(`invalid type: ${unexpected(json)}, expected a struct`);
  }
  const body = json as Record<string, unknown>;
  const decoded: Decoded = {};
  for (const [name, type] of Object.entries(fields)) {
    const value = body[name];
    if (value === undefined || (value === null && type === "string?")) {
      if (type !== "string?") throw dataError(`missing field \`${name}\``);
      decoded[name] = null;
      continue;
    }
    decoded[name] = decodeField(name, type, value);
  }
  return decoded;
}

function decodeField(name: string, type: FieldType, value: unknown): Decoded[string] {
  const invalid = (expected: string, got = value) =>
    dataError(`${name}: invalid type: ${unexpected(got)}, expected ${expected}`);
  if (type === "string" || type === "string?") {
    if (typeof value !== "string") throw invalid("a string");
    return value;
  }
  if (type === "u32" || type === "usize") {
    if (typeof value !== "number" || !Number.isInteger(value)) throw invalid(type);
    if (value < 0 || value > UINT_MAX[type]) {
      throw dataError(`${name}: invalid value: integer \`${value}\`, expected ${type}`);
    }
    return value;
  }
  if (!Array.isArray(value)) throw invalid("a sequence");
  // serde reads each number as f64 and casts it to f32 (so 1e39 becomes inf).
  return value.map((x, i) => {
    if (typeof x !== "number") {
      throw dataError(`${name}[${i}]: invalid type: ${unexpected(x)}, expected f32`);
    }
    return Math.fround(x);
  });
}
