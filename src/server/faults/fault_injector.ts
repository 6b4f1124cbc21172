import { z } from "zod";

/** Longest injected fault, s (its expiry must stay a valid date; a year is plenty). */
const MAX_FAULT_DURATION_S = 365 * 86_400;

/** Body of POST /admin/faults: what to inject into every S3 request, optionally for a while. */
export const FaultSpecSchema = z.strictObject({
  s3_latency_ms: z.number().int().min(0).max(600_000).default(0),
  s3_error_rate: z.number().min(0).max(1).default(0),
  s3_throttle_rate: z.number().min(0).max(1).default(0),
  duration_s: z.number().positive().max(MAX_FAULT_DURATION_S).optional(),
});
export type FaultSpec = z.infer<typeof FaultSpecSchema>;

/** The faults in force, as GET /admin/faults shows them. */
export interface FaultSettings {
  active: boolean;
  s3_latency_ms: number;
  s3_error_rate: number;
  s3_throttle_rate: number;
  /** ISO time the faults clear themselves, or null when they last until DELETE. */
  expires_at: string | null;
  injected_errors: number;
  injected_throttles: number;
  delayed_requests: number;
}

/** What happens to one S3 request. */
export interface FaultDecision {
  delayMs: number;
  /** Aborted when the faults change: a delay in progress ends at the operator's next word. */
  changed: AbortSignal;
  failure: "error" | "throttle" | null;
}

/** Holds the injected S3 faults and decides, request by request, which one applies. */
export class FaultInjector {
  #spec: FaultSpec | null = null;
  #until: number | null = null;
  #errors = 0;
  #throttles = 0;
  #delayed = 0;
  #changed = new AbortController();

  constructor(
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  set(spec: FaultSpec): FaultSettings {
    this.#change();
    this.#spec = spec;
    this.#until = spec.duration_s === undefined ? null : this.now() + spec.duration_s * 1000;
    return this.settings();
  }

  clear(): FaultSettings {
    this.#change();
    this.#spec = null;
    this.#until = null;
    return this.settings();
  }

  settings(): FaultSettings {
    const spec = this.#current();
    return {
      active: spec !== null,
      s3_latency_ms: spec?.s3_latency_ms ?? 0,
      s3_error_rate: spec?.s3_error_rate ?? 0,
      s3_throttle_rate: spec?.s3_throttle_rate ?? 0,
      expires_at: spec !== null && this.#until !== null
        ? new Date(this.#until).toISOString()
        : null,
      injected_errors: this.#errors,
      injected_throttles: this.#throttles,
      delayed_requests: this.#delayed,
    };
  }

  decide(): FaultDecision {
    const spec = this.#current();
    const changed = this.#changed.signal;
    if (spec === null) return { delayMs: 0, changed, failure: null };
    if (spec.s3_latency_ms > 0) this.#delayed++;
    const draw = this.random();
    let failure: FaultDecision["failure"] = null;
    if (draw < spec.s3_throttle_rate) failure = "throttle";
    else if (draw < spec.s3_throttle_rate + spec.s3_error_rate) failure = "error";
    if (failure === "throttle") this.#throttles++;
    if (failure === "error") this.#errors++;
    return { delayMs: spec.s3_latency_ms, changed, failure };
  }

  /** Ends the delays of the faults in force (DELETE /admin/faults lets waiting S3 calls go). */
  #change(): void {
    this.#changed.abort();
    this.#changed = new AbortController();
  }

  #current(): FaultSpec | null {
    if (this.#until !== null && this.now() >= this.#until) {
      this.#spec = null;
      this.#until = null;
    }
    return this.#spec;
  }
}
