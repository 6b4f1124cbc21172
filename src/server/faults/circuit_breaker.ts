export type BreakerState = "closed" | "open" | "half_open";

/** akidb_circuit_breaker_state values. */
export const BREAKER_STATE_CODE: Record<BreakerState, number> = {
  closed: 0,
  open: 1,
  half_open: 2,
};

export interface BreakerConfig {
  /** Sliding window over which the error rate is computed. */
  windowMs: number;
  /** Fewest requests in the window before the breaker may open. */
  minRequests: number;
  /** Opens when the window's error rate is above this. */
  errorRateThreshold: number;
  /** Time open before letting trial requests through (half-open). */
  cooldownMs: number;
  /** Consecutive successes in half-open that close the breaker. */
  halfOpenSuccesses: number;
}

/** AkiDB's documented breaker: > 50 % errors over 60 s with ≥ 10 requests; 10 successes close. */
export const AKIDB_BREAKER_CONFIG: BreakerConfig = {
  windowMs: 60_000,
  minRequests: 10,
  errorRateThreshold: 0.5,
  cooldownMs: 30_000,
  halfOpenSuccesses: 10,
};

/** A circuit breaker over S3 requests; one failure in half-open opens it again. */
export class CircuitBreaker {
  #state: BreakerState = "closed";
  #outcomes: { at: number; ok: boolean }[] = [];
  #openedAt = 0;
  #halfOpenOk = 0;
  #trips = 0;

  constructor(
    readonly config: BreakerConfig = AKIDB_BREAKER_CONFIG,
    private readonly now: () => number = Date.now,
  ) {}

  state(): BreakerState {
    if (this.#state === "open" && this.now() - this.#openedAt >= this.config.cooldownMs) {
      this.#state = "half_open";
      this.#halfOpenOk = 0;
    }
    return this.#state;
  }

  /** False while open: the request must fail fast without reaching S3. */
  allowRequest(): boolean {
    return this.state() !== "open";
  }

  recordSuccess(): void {
    this.#record(true);
    if (this.state() === "half_open" && ++this.#halfOpenOk >= this.config.halfOpenSuccesses) {
      this.#state = "closed";
      this.#outcomes = [];
    }
  }

  recordFailure(): void {
    this.#record(false);
    const state = this.state();
    if (state === "half_open") return this.#open();
    if (state === "closed") {
      const n = this.#outcomes.length;
      if (n >= this.config.minRequests && this.errorRate() > this.config.errorRateThreshold) {
        this.#open();
      }
    }
  }

  /** Errors / requests in the current window (0 when there were none). */
  errorRate(): number {
    this.#prune();
    const n = this.#outcomes.length;
    return n === 0 ? 0 : this.#outcomes.filter((o) => !o.ok).length / n;
  }

  /** How many times the breaker has opened. */
  trips(): number {
    return this.#trips;
  }

  reset(): { previous: BreakerState; next: BreakerState } {
    const previous = this.state();
    this.#state = "closed";
    this.#outcomes = [];
    this.#halfOpenOk = 0;
    return { previous, next: this.#state };
  }

  #open(): void {
    this.#state = "open";
    this.#openedAt = this.now();
    this.#trips++;
  }

  #record(ok: boolean): void {
    this.#outcomes.push({ at: this.now(), ok });
    this.#prune();
  }

  #prune(): void {
    const from = this.now() - this.config.windowMs;
    let drop = 0;
    while (drop < this.#outcomes.length && this.#outcomes[drop].at < from) drop++;
    if (drop > 0) this.#outcomes.splice(0, drop);
  }
}
