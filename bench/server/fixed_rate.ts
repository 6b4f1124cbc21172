/** Latency samples (milliseconds) and error count of one load phase. */
export interface PhaseResult {
  latenciesMs: number[];
  errors: number;
  /** Completed requests per second over the phase. */
  throughput: number;
  /** Largest delay between a request's intended and actual send time, ms. */
  maxLagMs: number;
}

/**
 * Open-model load: request i is due at start + i/rate and sent then whatever the server does;
 * latency is measured from the intended send time (no coordinated omission).
 */
export async function fixedRate(
  rate: number,
  seconds: number,
  send: (i: number) => Promise<void>,
): Promise<PhaseResult> {
  const total = Math.round(rate * seconds);
  const latenciesMs: number[] = [];
  const inflight = new Set<Promise<void>>();
  let errors = 0;
  let maxLagMs = 0;
  const start = performance.now() + 20;
  for (let i = 0; i < total;) {
    const now = performance.now();
    while (i < total && start + (i * 1000) / rate <= now) {
      const intended = start + (i * 1000) / rate;
      maxLagMs = Math.max(maxLagMs, now - intended);
      const p: Promise<void> = send(i).then(
        () => void latenciesMs.push(performance.now() - intended),
        () => void errors++,
      ).finally(() => inflight.delete(p));
      inflight.add(p);
      i++;
    }
    const wait = start + (i * 1000) / rate - performance.now();
    await new Promise((r) => setTimeout(r, Math.max(0, Math.floor(wait))));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  return { latenciesMs, errors, throughput: latenciesMs.length / elapsed, maxLagMs };
}

/**
 * Closed loop: `clients` workers send back-to-back for `seconds` (or until `maxOps` requests);
 * returns the phase result.
 */
export async function closedLoop(
  clients: number,
  seconds: number,
  send: (i: number) => Promise<void>,
  maxOps = Infinity,
): Promise<PhaseResult> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let next = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < end && next < maxOps) {
      const t = performance.now();
      try {
        await send(next++);
        latenciesMs.push(performance.now() - t);
      } catch {
        errors++;
      }
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  return { latenciesMs, errors, throughput: latenciesMs.length / elapsed, maxLagMs: 0 };
}

/** The q-quantile (0..1) of `values` (nearest rank). */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
