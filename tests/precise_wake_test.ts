import assert from "node:assert/strict";
import { setImmediate } from "node:timers";
import { PreciseWake, YIELD_MS } from "../src/load/precise_wake.ts";

/** Resolves with the time `fn`'s wake ran, having asked for it `ms` after `asked`. */
function wakeAfter(wake: PreciseWake, ms: number): Promise<{ asked: number; ran: number }> {
  return new Promise((resolve) => {
    const asked = performance.now();
    wake.after(ms, () => resolve({ asked, ran: performance.now() }));
  });
}

Deno.test("precise wake: runs once its time has passed, never before, with nothing else keeping the event loop alive", async () => {
  const wake = new PreciseWake();
  await wake.start();
  for (const ms of [0.2, 1, 3]) {
    // Awaited alone: an unref'd thread's message would not keep the test's event loop alive.
    const { asked, ran } = await wakeAfter(wake, ms);
    assert.ok(ran - asked >= ms, `asked for ${ms} ms, ran after ${ran - asked} ms`);
  }
});

Deno.test("precise wake: pending wakes run in deadline order, a later-set earlier one first", async () => {
  const wake = new PreciseWake();
  await wake.start();
  const order: string[] = [];
  const t0 = performance.now();
  const ran: Record<string, number> = {};
  await new Promise<void>((done) => {
    const at = (name: string, ms: number) =>
      wake.after(ms, () => {
        order.push(name);
        ran[name] = performance.now() - t0;
        if (order.length === 3) done();
      });
    at("c", 6);
    at("a", 2);
    at("b", 4);
  });
  assert.deepEqual(order, ["a", "b", "c"]);
  assert.ok(ran.a >= 2 && ran.b >= 4 && ran.c >= 6, JSON.stringify(ran));
});

Deno.test("precise wake: a wake inside its callback is armed (the engine's loop), and a thread that retired when idle is replaced", async () => {
  const wake = new PreciseWake(1);
  await wake.start();
  let chained = 0;
  await new Promise<void>((done) => {
    const next = () => ++chained === 50 ? done() : wake.after(0.1, next);
    wake.after(0.1, next);
  });
  assert.equal(chained, 50);
  // Idle for 1 ms, the thread retires; the next wake starts a new one (and is never early).
  const threads = wake.threads;
  for (let i = 0; i < 200 && wake.threads === threads; i++) {
    await new Promise((r) => setTimeout(r, 10));
    await wake.start();
    const { asked, ran } = await wakeAfter(wake, 0.5);
    assert.ok(ran - asked >= 0.5, `ran after ${ran - asked} ms`);
  }
  assert.equal(wake.threads, threads + 1);
});

Deno.test("precise wake: below YIELD_MS it yields one turn instead of waking the thread", async () => {
  const wake = new PreciseWake();
  let ran = false;
  wake.after(YIELD_MS / 2, () => ran = true);
  await Promise.resolve();
  assert.equal(ran, false); // not synchronous, not a microtask
  await new Promise((r) => setImmediate(r)); // immediates run in order
  assert.equal(ran, true);
  assert.equal(wake.threads, 0);
});
