/**
 * The thread of PreciseWake: says "ready", then blocks in Atomics.wait until the deadline its
 * owner wrote and posts a message, which wakes the owner's event loop like any I/O. A deadline written meanwhile
 * replaces the one it waits for. After `idleMs` without a deadline it retires: it sets the
 * sequence word to `retired` (so that the owner's next deadline starts a new thread) and ends.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { WakeThreadData } from "./precise_wake.ts";

const { sequence, deadline, idleMs, retired } = workerData as WakeThreadData;
const seqWord = new Int32Array(sequence);
const at = new Float64Array(deadline);
const epochNow = () => performance.timeOrigin + performance.now();

parentPort!.postMessage("ready");
let seq = 0;
for (;;) {
  if (Atomics.wait(seqWord, 0, seq, idleMs) === "timed-out") {
    // Retire, unless a deadline comes in at this very moment.
    if (Atomics.compareExchange(seqWord, 0, seq, retired) === seq) break;
  }
  seq = Atomics.load(seqWord, 0);
  const until = at[0];
  let left = until - epochNow();
  while (left > 0 && Atomics.wait(seqWord, 0, seq, left) === "timed-out") left = until - epochNow();
  // Unless a new deadline replaced this one (then wait for that instead).
  if (Atomics.load(seqWord, 0) === seq) parentPort!.postMessage(seq);
}
