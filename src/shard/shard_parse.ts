import { UsageError } from "../usage/usage_error.ts";
import type { Shard } from "../load/engine.ts";

/** `--shard I/N`: shard I (0-based) of N. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > 1024 || index >= count) {
    throw new UsageError(`--shard: expected I/N with 0 ≤ I < N ≤ 1024, got "${text}"`);
  }
  return { index, count };
}

/** `--start-at TIME`: an ISO 8601 date-time with a zone, or epoch milliseconds. */
export function parseStartAt(text: string): number {
  const ms = /^\d+$/.test(text)
    ? Number(text)
    : /\d{2}:\d{2}.*(Z|[+-]\d{2}:?\d{2})$/.test(text)
    ? Date.parse(text)
    : NaN;
  if (!Number.isFinite(ms)) {
    throw new UsageError(
      `--start-at: expected an ISO time with a zone (2026-12-05T21:00:00Z) or epoch ms, got "${text}"`,
    );
  }
  return ms;
}
