/** Something that must happen by `at` (performance.now() time; Infinity: not now). */
export interface Deadline {
  at: number;
  /** Called once `at` has passed; the deadline is then no longer watched. */
  expire(): void;
}

/**
 * Many deadlines behind one timer. A timer per deadline cost the reference server ~5.5 µs per
 * setTimeout/clearTimeout pair, two pairs per request (the connection's idle timer, the body's
 * timer), about a tenth of a search's CPU (scratch timing, 2026-12-05). Here moving a deadline
 * later is a field write; the timer is re-armed only for a deadline earlier than the one it
 * waits for, and when it fires it expires what is due and waits for the earliest left. A
 * deadline expires at or after its time, never before. No timer runs while nothing is watched.
 */
export class Deadlines {
  #watched = new Set<Deadline>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;

  /** Starts watching `deadline` (its `at` may change later; call `moved` if it got earlier). */
  watch(deadline: Deadline): void {
    this.#watched.add(deadline);
    this.moved(deadline);
  }

  unwatch(deadline: Deadline): void {
    this.#watched.delete(deadline);
    if (this.#watched.size === 0) this.#stop();
  }

  /** Tells the timer that `deadline.at` changed (needed only when it may have got earlier). */
  moved(deadline: Deadline): void {
    if (deadline.at < this.#timerAt) this.#arm(deadline.at);
  }

  #arm(at: number): void {
    this.#stop();
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#sweep(), Math.max(0, at - performance.now()));
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  #sweep(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = performance.now();
    const due: Deadline[] = [];
    let next = Infinity;
    for (const deadline of this.#watched) {
      if (deadline.at <= now) due.push(deadline);
      else if (deadline.at < next) next = deadline.at;
    }
    for (const deadline of due) {
      this.#watched.delete(deadline);
      deadline.expire();
    }
    if (next < this.#timerAt && this.#watched.size > 0) this.#arm(next);
  }
}

/** The process's deadlines: connection and request-body timeouts of every server in it. */
export const deadlines = new Deadlines();
