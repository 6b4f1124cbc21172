import assert from "node:assert/strict";
import { TopK } from "../src/server/top_k.ts";
import { prng } from "./server_http_client.ts";

Deno.test("top k: equals a full sort (higher score first, ties by lower slot) for any k", async () => {
  const next = prng(17);
  for (const n of [0, 1, 15, 16, 17, 100, 5_000]) {
    // Few distinct scores, so ties are common; slots pushed in a shuffled order.
    const slots = Array.from({ length: n }, (_, i) => i).sort(() => next() - 0.5);
    const scores = slots.map(() => Math.round(next() * 40) / 8 - 2);
    const truth = slots.map((slot, i) => ({ slot, score: scores[i] }))
      .sort((a, b) => b.score - a.score || a.slot - b.slot);
    for (const k of [1, 2, 7, 16, 50, 1_000, 10_000]) {
      const top = new TopK(k);
      slots.forEach((slot, i) => top.push(slot, scores[i]));
      assert.deepEqual(await top.sorted(), truth.slice(0, k), `n ${n} k ${k}`);
    }
  }
});
