import type { ResilientObjectStore } from "./resilient_object_store.ts";

/**
 * How often dead letters are replayed on their own, at AkiDB's time scale (the scenario's
 * resilience time scale multiplies it, like the breaker's cooldown).
 */
export const DLQ_REPLAY_INTERVAL_MS = 10_000;

/**
 * Replays the dead-letter queue in the background: every intervalMs, unless the breaker is open
 * or a round is still running, the retryable letters go to S3 again (ResilientObjectStore's
 * drainDeadLetters). So once S3 answers again the queue drains and the breaker's half-open
 * trials succeed without an operator calling the retry route. AkiDB documents the DLQ but not
 * when it is retried; this is the reference server's choice.
 */
export class DlqReplayer {
  #timer: ReturnType<typeof setInterval> | null = null;
  #round: Promise<unknown> | null = null;

  constructor(private readonly s3: ResilientObjectStore, private readonly intervalMs: number) {}

  start(): void {
    this.#timer = setInterval(() => this.#tick(), this.intervalMs);
  }

  /** Stops the timer and waits for a round in flight. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#round;
  }

  #tick(): void {
    if (this.#round !== null || this.s3.dlq.retryableCount() === 0) return;
    if (!this.s3.breaker.allowRequest()) return;
    this.#round = this.s3.drainDeadLetters().catch(() => 0).finally(() => this.#round = null);
  }
}
