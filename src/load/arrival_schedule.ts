import type { RateProfile } from "./load_spec.ts";
import { loadStreamRandom, type SeededRandom } from "../random/seeded_random.ts";

/** Integration step (seconds): rate(t) is taken as linear within each step. */
const STEP_S = 0.001;
/** Λ at the first uniform arrival: tiny, so it is sent at once unless the rate starts at 0. */
const FIRST_UNIFORM_THRESHOLD = 1e-9;
/** Float slack (seconds) so accumulated rounding never adds an arrival at the very end. */
const END_EPSILON_S = 1e-9;

/**
 * Intended send times of one stream, in ascending order, from the integral Λ(t) of rate(t):
 * arrival k is sent when Λ(t) reaches its threshold. Uniform arrivals use thresholds 0, 1, 2, …
 * (evenly spaced in Λ, so exactly one per 1/rate); Poisson arrivals use sums of seeded
 * exponential(1) gaps, which by the time-rescaling theorem is a Poisson process of intensity
 * rate(t). Lazy and O(1) in memory whatever the run length.
 */
export class ArrivalSchedule {
  readonly #profile: RateProfile;
  readonly #random: SeededRandom | null;
  #threshold: number;
  #segStart = 0;
  #segArea: number;
  #r0: number;
  #r1: number;
  #areaBefore = 0;
  #done = false;

  constructor(profile: RateProfile, arrivals: "uniform" | "poisson", seed: number, stream = 0) {
    this.#profile = profile;
    this.#random = arrivals === "poisson" ? loadStreamRandom(seed, "arrivals", stream) : null;
    // Uniform: the first arrival as soon as any load is due (a zero rate yields none).
    this.#threshold = this.#random ? this.#random.exponential() : FIRST_UNIFORM_THRESHOLD;
    this.#r0 = profile.rate(0);
    this.#r1 = profile.rate(STEP_S);
    this.#segArea = (this.#r0 + this.#r1) * STEP_S / 2;
  }

  /** The next intended send time in seconds since the start, or null when the schedule ends. */
  next(): number | null {
    if (this.#done) return null;
    const duration = this.#profile.durationS;
    while (this.#areaBefore + this.#segArea < this.#threshold) {
      this.#areaBefore += this.#segArea;
      this.#segStart += STEP_S;
      if (this.#segStart >= duration) {
        this.#done = true;
        return null;
      }
      this.#r0 = this.#r1;
      this.#r1 = this.#profile.rate(this.#segStart + STEP_S);
      this.#segArea = (this.#r0 + this.#r1) * STEP_S / 2;
    }
    const need = this.#threshold - this.#areaBefore;
    // Solve r0·x + (r1 − r0)·x²/(2·STEP_S) = need for x in [0, STEP_S] (stable root form).
    const a = (this.#r1 - this.#r0) / (2 * STEP_S);
    const b = this.#r0;
    const disc = Math.max(0, b * b + 4 * a * need);
    const x = need <= 0 ? 0 : Math.min(STEP_S, (2 * need) / (b + Math.sqrt(disc)));
    const t = this.#segStart + x;
    if (t >= duration - END_EPSILON_S) {
      this.#done = true;
      return null;
    }
    this.#threshold += this.#random ? this.#random.exponential() : 1;
    return t;
  }
}
