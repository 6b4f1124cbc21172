import { mulberry32 } from "../src/random/seeded_random.ts";
/** Tiny JSON client for the reference server tests. */
export interface JsonResponse {
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** Sends `method path` with an optional JSON body; returns status and parsed body. */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Prometheus text and empty bodies stay as text.
  }
  return { status: res.status, body: parsed };
}

/** POSTs a JSON body and returns the parsed answer; throws unless the status is 2xx. */
// deno-lint-ignore no-explicit-any
export async function postOk(base: string, path: string, body: unknown): Promise<any> {
  const res = await call(base, "POST", path, body);
  if (res.status < 200 || res.status > 299) {
    throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** A seeded PRNG (mulberry32) for reproducible test vectors. */
export function prng(seed: number): () => number {
  return mulberry32(seed);
}

/** `n` random vectors of `dim` components in [-1, 1). */
export function randomVectors(n: number, dim: number, seed: number): number[][] {
  const next = prng(seed);
  return Array.from({ length: n }, () => Array.from({ length: dim }, () => next() * 2 - 1));
}

/** A UUID v7-shaped id whose last 12 hex digits encode `n` (unique per test). */
export function docId(n: number): string {
  return `0190a0b0-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;
}
