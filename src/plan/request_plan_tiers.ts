import type { Tier, TierStart } from "../api/tier.ts";
import type { TieringPolicy } from "../scenario/scenario.ts";

// Tiers are the API's: a target reports them, the tier model below predicts them.
export type { Tier, TierStart };

/**
 * Predicts each collection's storage tier from the plan's own access history under the
 * scenario's tiering policy: idle ≥ warm→cold → cold; idle ≥ hot→warm → warm (from hot); a cold
 * collection becomes warm on access; a warm one becomes hot after N accesses within the window.
 * Searches are labelled with the tier they meet, so latency can be judged per tier. Collections
 * start where `initial` says (the target's own tier and idle time when the load starts: a short
 * policy demotes them during setup), else hot, just accessed (just loaded). Times in seconds.
 */
export class TierPredictor {
  readonly #tier: Tier[];
  readonly #last: number[];
  readonly #recent: number[][];

  constructor(
    collections: number,
    readonly policy: TieringPolicy,
    startS: number,
    initial?: TierStart[],
  ) {
    this.#tier = Array.from({ length: collections }, (_, c) => initial?.[c]?.tier ?? "hot");
    this.#last = Array.from({ length: collections }, (_, c) => startS - (initial?.[c]?.idleS ?? 0));
    this.#recent = Array.from({ length: collections }, () => []);
  }

  /** Records an access at `nowS`; returns the tier the access met. */
  access(collection: number, nowS: number): Tier {
    const p = this.policy;
    const idle = nowS - this.#last[collection];
    let tier = this.#tier[collection];
    if (idle >= p.warmToColdIdleS) tier = "cold";
    else if (idle >= p.hotToWarmIdleS && tier === "hot") tier = "warm";
    const met = tier;
    const recent = this.#recent[collection].filter((t) => nowS - t < p.warmToHotWindowS);
    recent.push(nowS);
    if (tier === "cold") tier = "warm";
    else if (tier === "warm" && recent.length >= p.warmToHotAccesses) tier = "hot";
    this.#recent[collection] = recent;
    this.#tier[collection] = tier;
    this.#last[collection] = nowS;
    return met;
  }
}
