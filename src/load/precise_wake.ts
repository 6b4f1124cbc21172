import { setImmediate } from "node:timers";
import { Worker } from "node:worker_threads";

/** The shared memory and settings a PreciseWake thread starts with. */
export interface WakeThreadData {
  /** Int32 bumped for every new deadline; `retired` once the thread has ended. */
  sequence: SharedArrayBuffer;
  /** Float64: the deadline, as performance.timeOrigin + performance.now() (ms). */
  deadline: SharedArrayBuffer;
  /** The thread ends after this long without a deadline. */
  idleMs: number;
  retired: number;
}

/** Closer than this (ms) a wake only yields one macrotask: a thread's wake-up costs more. */
export const YIELD_MS = 0.05;

/** The thread ends after this long without a deadline (a running load sets one every ≤ 20 ms). */
export const IDLE_RETIRE_MS = 1000;

const RETIRED = -1;

interface WakeThread {
  seq: Int32Array;
  deadline: Float64Array;
  /** False until the thread runs (until then a wake only yields). */
  ready: boolean;
  online: Promise<void>;
}
/** Sequence numbers stay below this, so that they never wrap round to RETIRED. */
const SEQ_MASK = 0x3fffffff;

/**
 * Runs callbacks at precise times (~0.1 ms) without using CPU while it waits, and with this
 * thread's event loop free meanwhile: I/O callbacks run the moment their I/O completes.
 *
 * Deno's timers fire 1–3 ms late (a millisecond timer wheel, and epoll's timeout is in whole
 * ms), and Atomics.waitAsync does not wake Deno's event loop (denoland/deno#15358). So the
 * waiting is done by a thread of its own, blocked in Atomics.wait until the earliest deadline,
 * which then posts a message: that wakes the event loop like any I/O. The thread is unref'd and
 * ends after IDLE_RETIRE_MS without a deadline (a new deadline starts a new one); a ref'd timer
 * keeps the event loop alive while a wake is pending, like setTimeout would.
 *
 * Measured here (2-vCPU VM, bench/generator.ts): a wake is ~0.1 ms late at p50 when the threads
 * get a core at once, but it costs a thread switch each way, 80–180 µs of CPU per wake on this
 * VM (more than a whole request), which is why waits shorter than YIELD_MS only yield.
 */
export class PreciseWake {
  readonly #idleMs: number;
  /** Pending wakes, earliest first (an engine has one at a time). */
  readonly #pending: { atMs: number; fn: () => void }[] = [];
  /** The deadline the thread waits for (Infinity when none). */
  #armedMs = Infinity;
  #thread: WakeThread | null = null;
  #keepAlive: ReturnType<typeof setInterval> | null = null;

  /** Threads started so far (one more each time the last one retired). */
  threads = 0;

  constructor(idleMs = IDLE_RETIRE_MS) {
    this.#idleMs = idleMs;
  }

  /**
   * Starts the thread unless it runs, and resolves once it waits for deadlines (from then on,
   * wakes are precise). Call it before a load: starting a thread blocks this one (~0.1–1 s
   * measured here, busy machine), and until it runs a wake only yields.
   */
  start(): Promise<void> {
    const thread = this.#thread ??= this.#start();
    return thread.online;
  }

  /**
   * Runs `fn` once `ms` have passed: at most ~0.1 ms later, never earlier. Below YIELD_MS, and
   * while the thread starts, it runs after one macrotask turn instead, so possibly earlier.
   */
  after(ms: number, fn: () => void): void {
    if (ms < YIELD_MS) {
      setImmediate(fn);
      return;
    }
    const thread = this.#thread ??= this.#start();
    if (!thread.ready) {
      setImmediate(fn);
      return;
    }
    const atMs = performance.now() + ms;
    let i = this.#pending.length;
    while (i > 0 && this.#pending[i - 1].atMs > atMs) i--;
    this.#pending.splice(i, 0, { atMs, fn });
    if (this.#keepAlive === null) this.#keepAlive = setInterval(() => {}, 1 << 30);
    if (atMs < this.#armedMs) this.#arm(atMs);
  }

  /** Points the thread at `atMs` (a new thread if the last one retired). */
  #arm(atMs: number): void {
    this.#armedMs = atMs;
    for (;;) {
      const thread = this.#thread ??= this.#start();
      thread.deadline[0] = performance.timeOrigin + atMs;
      const seq = Atomics.load(thread.seq, 0);
      if (seq === RETIRED) {
        this.#thread = null;
        continue;
      }
      if (Atomics.compareExchange(thread.seq, 0, seq, (seq + 1) & SEQ_MASK) !== seq) continue;
      Atomics.notify(thread.seq, 0);
      return;
    }
  }

  #start(): WakeThread {
    const data: WakeThreadData = {
      sequence: new SharedArrayBuffer(4),
      deadline: new SharedArrayBuffer(8),
      idleMs: this.#idleMs,
      retired: RETIRED,
    };
    const worker = new Worker(new URL("./precise_wake_thread.ts", import.meta.url), {
      workerData: data,
    });
    worker.unref();
    const { promise: online, resolve } = Promise.withResolvers<void>();
    const thread: WakeThread = {
      seq: new Int32Array(data.sequence),
      deadline: new Float64Array(data.deadline),
      ready: false,
      online,
    };
    // The worker is unref'd: something must keep the event loop alive until it is ready.
    const starting = setInterval(() => {}, 1 << 30);
    worker.on("message", (m: number | "ready") => {
      if (m !== "ready") return this.#fired();
      clearInterval(starting);
      thread.ready = true;
      resolve();
    });
    this.threads++;
    return thread;
  }

  /** The thread's deadline passed: runs what is due (in order), then waits for the next. */
  #fired(): void {
    this.#armedMs = Infinity;
    const pending = this.#pending;
    const now = performance.now();
    while (pending.length > 0 && pending[0].atMs <= now) pending.shift()!.fn();
    if (pending.length > 0) {
      if (pending[0].atMs < this.#armedMs) this.#arm(pending[0].atMs);
    } else if (this.#keepAlive !== null) {
      clearInterval(this.#keepAlive);
      this.#keepAlive = null;
    }
  }
}
