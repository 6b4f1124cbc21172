import { createHash } from "node:crypto";
import type { Dataset } from "./dataset.ts";

/** The version of the hashed layout; part of the hashed header. */
export const CONTENT_HASH_VERSION = 1;

const SLICE_BYTES = 64 * 1024 * 1024;

/** The parts of a dataset that its content hash covers. */
export type HashedContent = Pick<
  Dataset,
  "metric" | "size" | "dim" | "queries" | "k" | "train" | "test" | "neighbors" | "distances"
>;

/**
 * Hex SHA-256 of a dataset's content: the ASCII header
 * `akibench-dataset-v1 metric=<m> size=<n> dim=<d> queries=<q> k=<k>\n`, then the raw
 * little-endian bytes of train and test (float32), neighbors (int32) and distances (float32),
 * row-major. Names and file attributes are not covered, so a dataset hashes the same whether it
 * was generated, imported or read back.
 */
export function contentHash(content: HashedContent): string {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error("content hashing assumes a little-endian platform");
  }
  const hash = createHash("sha256");
  hash.update(
    `akibench-dataset-v${CONTENT_HASH_VERSION} metric=${content.metric} size=${content.size} ` +
      `dim=${content.dim} queries=${content.queries} k=${content.k}\n`,
  );
  for (const array of [content.train, content.test, content.neighbors, content.distances]) {
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
      hash.update(bytes.subarray(at, at + SLICE_BYTES));
    }
  }
  return hash.digest("hex");
}
