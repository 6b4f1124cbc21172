import { z } from "zod";

/** When collections move between tiers (all durations in milliseconds). */
export interface TierPolicy {
  /** A hot collection not accessed for this long moves to warm. */
  hotToWarmIdleMs: number;
  /** A warm collection not accessed for this long moves to cold. */
  warmToColdIdleMs: number;
  /** A warm collection accessed this many times within `accessWindowMs` moves to hot. */
  warmToHotAccesses: number;
  accessWindowMs: number;
  /** How often the policy is evaluated. */
  checkIntervalMs: number;
  /** How often the batch uploader sends new documents to S3 (0: never). */
  uploadIntervalMs: number;
}

/** The seed design's minutes-scale defaults; scenarios and tests pass compressed ones. */
export const DEFAULT_TIER_POLICY: TierPolicy = {
  hotToWarmIdleMs: 10 * 60_000,
  warmToColdIdleMs: 60 * 60_000,
  warmToHotAccesses: 10,
  accessWindowMs: 60_000,
  checkIntervalMs: 1000,
  uploadIntervalMs: 250,
};

/** A year, s: the longest idle time or access window. */
const MAX_SPAN_S = 365 * 86_400;
/** Timer periods, s: at least 10 ms (no busy loop), at most an hour (a timer's range is ~24 days). */
const MIN_PERIOD_S = 0.01;
const MAX_PERIOD_S = 3600;

/** PUT /api/v1/tiering/policy body, in seconds as the API speaks; omitted fields keep their value. */
export const TierPolicyUpdateSchema = z.strictObject({
  hot_to_warm_idle_s: z.number().positive().max(MAX_SPAN_S).optional(),
  warm_to_cold_idle_s: z.number().positive().max(MAX_SPAN_S).optional(),
  warm_to_hot_accesses: z.number().int().min(1).max(1_000_000).optional(),
  access_window_s: z.number().positive().max(MAX_SPAN_S).optional(),
  check_interval_s: z.number().min(MIN_PERIOD_S).max(MAX_PERIOD_S).optional(),
  upload_interval_s: z.union([z.literal(0), z.number().min(MIN_PERIOD_S).max(MAX_PERIOD_S)])
    .optional(),
});
export type TierPolicyUpdate = z.infer<typeof TierPolicyUpdateSchema>;

/** `policy` with `update` applied. */
export function updatedPolicy(policy: TierPolicy, update: TierPolicyUpdate): TierPolicy {
  const ms = (s: number | undefined, fallback: number) => s === undefined ? fallback : s * 1000;
  return {
    hotToWarmIdleMs: ms(update.hot_to_warm_idle_s, policy.hotToWarmIdleMs),
    warmToColdIdleMs: ms(update.warm_to_cold_idle_s, policy.warmToColdIdleMs),
    warmToHotAccesses: update.warm_to_hot_accesses ?? policy.warmToHotAccesses,
    accessWindowMs: ms(update.access_window_s, policy.accessWindowMs),
    checkIntervalMs: ms(update.check_interval_s, policy.checkIntervalMs),
    uploadIntervalMs: ms(update.upload_interval_s, policy.uploadIntervalMs),
  };
}

/** The policy as the API shows it (seconds). */
export function policyJson(policy: TierPolicy) {
  return {
    hot_to_warm_idle_s: policy.hotToWarmIdleMs / 1000,
    warm_to_cold_idle_s: policy.warmToColdIdleMs / 1000,
    warm_to_hot_accesses: policy.warmToHotAccesses,
    access_window_s: policy.accessWindowMs / 1000,
    check_interval_s: policy.checkIntervalMs / 1000,
    upload_interval_s: policy.uploadIntervalMs / 1000,
  };
}
