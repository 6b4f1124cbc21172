import { z } from "zod";
import { isUuid } from "./uuid_v7.ts";
import { AKIDB_BODY_BYTES } from "./json_body.ts";

/** AkiDB's metrics; AkiDB lower-cases the metric it is given (`"COSINE"` is cosine). */
export const METRICS = ["cosine", "l2", "dot"] as const;

/** Largest top_k a query may ask for. */
export const MAX_TOP_K = 10_000;
/** Most documents one insert_batch request may carry. */
export const MAX_BATCH_DOCS = 10_000;

/**
 * What AkiDB refuses in a collection name (akidb-service collection_service.rs:423-442): "..",
 * path separators, NUL, Windows-reserved and control characters.
 */
export const BAD_COLLECTION_NAME = /\.\.|[/\\\0<>:"|?*\p{Cc}]/u;

export const createCollectionBody = z.object({
  name: z.string().min(1)
    .refine((n) => new TextEncoder().encode(n).length <= 255, { message: "at most 255 bytes" })
    .refine((n) => !BAD_COLLECTION_NAME.test(n), {
      message: "no '..', / \\ NUL < > : \" | ? * or control characters",
    }),
  dimension: z.number().int().min(16).max(4096),
  metric: z.string().refine((m) => (METRICS as readonly string[]).includes(m.toLowerCase()), {
    message: "must be one of cosine, l2, dot (any case)",
  }),
  embedding_model: z.string().max(256).nullable().optional(),
});

/** An array, elements unchecked here (vector_input.ts checks them in one pass, much faster). */
const jsonArray = z.custom<unknown[]>((v) => Array.isArray(v), { message: "must be an array" });

const docId = z.string().refine(isUuid, { message: "must be a UUID" });

export const insertBody = z.object({
  doc_id: docId,
  // AkiDB sets no limit but its 2 MiB body; insert_batch bodies may be larger, not its ids.
  external_id: z.string().max(AKIDB_BODY_BYTES).nullable().optional(),
  vector: jsonArray,
});

export const insertBatchBody = z.object({
  docs: z.array(insertBody).min(1).max(MAX_BATCH_DOCS),
});

export const queryBody = z.object({
  query_vector: jsonArray,
  top_k: z.number().int().min(1).max(MAX_TOP_K),
});

export type InsertBody = z.infer<typeof insertBody>;
