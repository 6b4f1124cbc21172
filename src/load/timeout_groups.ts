import { FifoQueue } from "./fifo_queue.ts";

/** Requests sent close together (the engine's TIMEOUT_GROUP_MS), sharing one AbortController. */
export interface TimeoutGroup {
  controller: AbortController;
  firstSentMs: number;
  lastSentMs: number;
  /** Members whose execute() has not settled yet (timed-out ones included). */
  running: number;
}

/** The timeout groups of a run, in send order; the newest takes new sends while it is young. */
export class TimeoutGroups {
  readonly #timeoutMs: number;
  readonly #spanMs: number;
  readonly #groups = new FifoQueue<TimeoutGroup>();
  #newest: TimeoutGroup | null = null;

  /** Requests time out after `timeoutMs`; a group takes the sends of its first `spanMs`. */
  constructor(timeoutMs: number, spanMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#spanMs = spanMs;
  }

  /** The group a request sent at `nowMs` runs in (counted as running until it settles). */
  join(nowMs: number): TimeoutGroup {
    let group = this.#newest;
    if (group === null || nowMs - group.firstSentMs >= this.#spanMs) {
      group = {
        controller: new AbortController(),
        firstSentMs: nowMs,
        lastSentMs: nowMs,
        running: 0,
      };
      this.#groups.push(group);
      this.#newest = group;
    }
    group.lastSentMs = nowMs;
    group.running++;
    return group;
  }

  /**
   * Retires the groups that are done: all members finished (unless new sends may still join),
   * or the last member has timed out too; then the signal fires if any is still running.
   */
  expire(nowMs: number): void {
    for (let g = this.#groups.peek(); g; g = this.#groups.peek()) {
      const expired = nowMs - g.lastSentMs >= this.#timeoutMs;
      if (!expired && (g.running > 0 || g === this.#newest)) break;
      this.#groups.shift();
      if (g === this.#newest) this.#newest = null;
      if (g.running > 0) g.controller.abort(new DOMException("request timed out", "TimeoutError"));
    }
  }

  /** The load is over: fires the signal of every group with a member still running. */
  abortRunning(reason: DOMException): void {
    this.#newest = null;
    for (let g = this.#groups.shift(); g; g = this.#groups.shift()) {
      if (g.running > 0) g.controller.abort(reason);
    }
  }
}
