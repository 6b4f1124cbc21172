import { join } from "node:path";
import { HttpError } from "../http_error.ts";
import type { ResilientObjectStore } from "../faults/resilient_object_store.ts";
import type { TierableCollection, TierHost } from "./tierable_collection.ts";
import type { TierPolicy } from "./tier_policy.ts";

export type Tier = "hot" | "warm" | "cold";

export const TIER_ACTIONS = [
  "promote_to_hot",
  "demote_to_warm",
  "demote_to_cold",
  "pin",
  "unpin",
] as const;
export type TierAction = typeof TIER_ACTIONS[number];

const TRANSITIONS = ["hot>warm", "warm>cold", "cold>warm", "warm>hot"] as const;
type Transition = typeof TRANSITIONS[number];

interface TierState {
  id: string;
  tier: Tier;
  pinned: boolean;
  lastAccessedAt: number;
  accessCount: number;
  /** Access times within the policy's window. */
  recent: number[];
  tierSince: number;
  /** A demotion to cold whose upload is in the dead-letter queue (the local copy stays). */
  pendingUpload: boolean;
  indexBytes: number;
  lastError: string | null;
  /** Serializes transitions of this collection. */
  chain: Promise<void>;
  busy: number;
}

/** GET /api/v1/collections/:id/tier. */
export interface TierStatus {
  collection_id: string;
  tier: Tier;
  pinned: boolean;
  last_accessed_at: string;
  access_count: number;
  recent_access_count: number;
  tier_since: string;
  pending_upload: boolean;
  index_bytes: number;
  object_key: string;
  last_error: string | null;
}

/**
 * Owns every collection's tier. hot: index in RAM; warm: index in a local file, not in RAM
 * (queries are answered exactly from the stored vectors); cold: index only as an S3 object,
 * local file removed. The local copy is removed only after its upload succeeded; a failed
 * upload is dead-lettered and the collection stays warm until a DLQ retry succeeds.
 */
export class TierManager {
  #states = new Map<string, TierState>();
  #transitions = new Map<Transition, number>(TRANSITIONS.map((t) => [t, 0]));
  #host: TierHost | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly s3: ResilientObjectStore,
    private readonly localDir: string,
    private policyValue: TierPolicy,
  ) {}

  get policy(): TierPolicy {
    return this.policyValue;
  }

  /** Starts managing `host`'s collections (each starts hot) and the policy timers. */
  attach(host: TierHost): void {
    Deno.mkdirSync(this.localDir, { recursive: true });
    this.#host = host;
    this.#schedule();
  }

  setPolicy(policy: TierPolicy): void {
    this.policyValue = policy;
    this.#schedule();
  }

  /** Stops the timers and waits for transitions and uploads in flight. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Call before a request touches a collection: counts the access, downloads a cold
   * collection (→ warm) and promotes a warm one that reached the access threshold (→ hot).
   */
  async access(id: string): Promise<void> {
    const st = this.#stateOf(id);
    if (st === undefined) return;
    const now = Date.now();
    st.lastAccessedAt = now;
    st.accessCount++;
    st.recent.push(now);
    this.#pruneRecent(st, now);
    if (st.tier === "hot") return;
    if (st.tier === "cold") {
      try {
        await this.#exclusive(st, (c) => st.tier === "cold" ? this.#coldToWarm(c, st) : undefined);
      } catch (error) {
        throw new HttpError(503, `collection ${id} is cold and could not be fetched: ${error}`);
      }
    }
    // A warm collection answers at once; its promotion never waits behind a transition in
    // flight (e.g. a demotion upload retrying against a failing S3): a later access retries.
    if (
      st.tier === "warm" && st.busy === 0 &&
      st.recent.length >= this.policyValue.warmToHotAccesses
    ) {
      await this.#exclusive(st, (c) => st.tier === "warm" ? this.#warmToHot(c, st) : undefined);
    }
  }

  /** Applies a manual action; 409 when demoting a pinned collection. */
  async act(id: string, action: TierAction): Promise<TierStatus> {
    const st = this.#stateOf(id);
    if (st === undefined) throw new HttpError(404, `collection ${id} not found`);
    if (action === "pin" || action === "unpin") {
      st.pinned = action === "pin";
      return this.status(id);
    }
    if (action !== "promote_to_hot" && st.pinned) {
      throw new HttpError(409, `collection ${id} is pinned; unpin it before demoting`);
    }
    await this.#exclusive(st, async (c) => {
      if (action === "demote_to_cold") {
        if (st.tier === "hot") await this.#hotToWarm(c, st);
        if (st.tier === "warm") await this.#warmToCold(c, st);
        return;
      }
      if (st.tier === "cold") await this.#coldToWarm(c, st);
      if (action === "promote_to_hot" && st.tier === "warm") await this.#warmToHot(c, st);
      if (action === "demote_to_warm" && st.tier === "hot") await this.#hotToWarm(c, st);
    });
    return this.status(id);
  }

  status(id: string): TierStatus {
    const st = this.#stateOf(id);
    if (st === undefined) throw new HttpError(404, `collection ${id} not found`);
    this.#pruneRecent(st, Date.now());
    return {
      collection_id: id,
      tier: st.tier,
      pinned: st.pinned,
      last_accessed_at: new Date(st.lastAccessedAt).toISOString(),
      access_count: st.accessCount,
      recent_access_count: st.recent.length,
      tier_since: new Date(st.tierSince).toISOString(),
      pending_upload: st.pendingUpload,
      index_bytes: st.indexBytes,
      object_key: this.#objectKey(id),
      last_error: st.lastError,
    };
  }

  counts(): {
    hot_count: number;
    warm_count: number;
    cold_count: number;
    total_collections: number;
  } {
    this.#sync();
    const n = { hot: 0, warm: 0, cold: 0 };
    for (const st of this.#states.values()) n[st.tier]++;
    return {
      hot_count: n.hot,
      warm_count: n.warm,
      cold_count: n.cold,
      total_collections: this.#states.size,
    };
  }

  prometheusText(): string {
    const c = this.counts();
    const lines = [
      "# TYPE akidb_tier_collections gauge",
      `akidb_tier_collections{tier="hot"} ${c.hot_count}`,
      `akidb_tier_collections{tier="warm"} ${c.warm_count}`,
      `akidb_tier_collections{tier="cold"} ${c.cold_count}`,
      "# TYPE akidb_tier_transitions_total counter",
    ];
    for (const [t, n] of this.#transitions) {
      const [from, to] = t.split(">");
      lines.push(`akidb_tier_transitions_total{from="${from}",to="${to}"} ${n}`);
    }
    return lines.join("\n") + "\n";
  }

  /** Evaluates the idle policy once (the timer calls this every checkIntervalMs). */
  tick(): void {
    this.#sync();
    const now = Date.now();
    for (const [id, st] of this.#states) {
      if (st.busy > 0) continue;
      const c = this.#host?.get(id);
      if (c === undefined) continue;
      const idle = now - st.lastAccessedAt;
      if ((st.tier === "warm" || st.tier === "cold") && c.indexInRam()) {
        // A background merge rebuilt the index of a demoted collection: move it out again.
        this.#background(this.#exclusive(st, (c) => this.#resaveIndex(c, st)));
      } else if (!st.pinned && st.tier === "hot" && idle >= this.policyValue.hotToWarmIdleMs) {
        this.#background(
          this.#exclusive(st, (c) => st.tier === "hot" ? this.#hotToWarm(c, st) : undefined),
        );
      } else if (
        !st.pinned && st.tier === "warm" && !st.pendingUpload &&
        idle >= this.policyValue.warmToColdIdleMs
      ) {
        this.#background(
          this.#exclusive(st, (c) => st.tier === "warm" ? this.#warmToCold(c, st) : undefined),
        );
      }
    }
  }

  #schedule(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = setInterval(() => this.tick(), this.policyValue.checkIntervalMs);
  }

  #background(work: Promise<unknown>): void {
    const tracked = work.catch(() => {}).finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  /** Adds new collections (hot) and forgets deleted ones (removing their tier copies). */
  #sync(): void {
    if (this.#host === null) return;
    const ids = new Set(this.#host.ids());
    for (const id of ids) this.#stateOf(id);
    for (const id of [...this.#states.keys()]) {
      if (!ids.has(id)) {
        this.#states.delete(id);
        this.s3.dlq.discardCollection(id);
        this.#background(this.#removeCopies(id));
      }
    }
  }

  async #removeCopies(id: string): Promise<void> {
    await Deno.remove(this.#localPath(id)).catch(() => {});
    await this.s3.remove(this.#objectKey(id));
  }

  #stateOf(id: string): TierState | undefined {
    let st = this.#states.get(id);
    if (st === undefined && this.#host?.get(id) !== undefined) {
      const now = Date.now();
      st = {
        id,
        tier: "hot",
        pinned: false,
        lastAccessedAt: now,
        accessCount: 0,
        recent: [],
        tierSince: now,
        pendingUpload: false,
        indexBytes: 0,
        lastError: null,
        chain: Promise.resolve(),
        busy: 0,
      };
      this.#states.set(id, st);
    }
    return st;
  }

  #exclusive(st: TierState, fn: (c: TierableCollection) => Promise<void> | void): Promise<void> {
    st.busy++;
    const run = st.chain.then(async () => {
      const c = this.#host?.get(st.id);
      if (c !== undefined) await fn(c);
    }).finally(() => st.busy--);
    st.chain = run.catch(() => {});
    return run;
  }

  #pruneRecent(st: TierState, now: number): void {
    const from = now - this.policyValue.accessWindowMs;
    while (st.recent.length > 0 && st.recent[0] < from) st.recent.shift();
  }

  #moved(st: TierState, transition: Transition): void {
    st.tier = transition.split(">")[1] as Tier;
    st.tierSince = Date.now();
    // Only accesses in the current tier count towards a promotion.
    if (transition === "hot>warm" || transition === "warm>cold") st.recent = [];
    if (transition === "cold>warm") st.recent = [st.lastAccessedAt];
    this.#transitions.set(transition, (this.#transitions.get(transition) ?? 0) + 1);
  }

  async #writeLocal(id: string, bytes: Uint8Array): Promise<void> {
    const path = this.#localPath(id);
    await Deno.writeFile(`${path}.tmp`, bytes);
    await Deno.rename(`${path}.tmp`, path);
  }

  async #hotToWarm(c: TierableCollection, st: TierState): Promise<void> {
    await this.#indexToFile(c, st);
    this.#moved(st, "hot>warm");
  }

  async #resaveIndex(c: TierableCollection, st: TierState): Promise<void> {
    if (st.tier === "hot" || !c.indexInRam()) return;
    if (st.tier === "warm") await this.#indexToFile(c, st);
    else c.dropIndex();
  }

  /** Moves the RAM index into the local file. */
  async #indexToFile(c: TierableCollection, st: TierState): Promise<void> {
    const bytes = await c.serializeIndex();
    await this.#writeLocal(c.id, bytes);
    c.dropIndex();
    st.indexBytes = bytes.length;
  }

  async #warmToHot(c: TierableCollection, st: TierState): Promise<void> {
    if (!c.indexInRam()) await c.restoreIndex(await Deno.readFile(this.#localPath(c.id)));
    await Deno.remove(this.#localPath(c.id));
    st.pendingUpload = false;
    this.#moved(st, "warm>hot");
  }

  async #warmToCold(c: TierableCollection, st: TierState): Promise<void> {
    const id = c.id;
    const uploaded = await this.s3.upload({
      collectionId: id,
      key: this.#objectKey(id),
      purpose: "demote_to_cold",
      // The local file stays until the upload succeeds.
      bytes: () => Deno.readFile(this.#localPath(id)),
      // A replay after the collection moved on (promoted, or already uploaded) has nothing to do.
      stillNeeded: () => st.tier === "warm" && st.pendingUpload && this.#states.get(id) === st,
      onUploaded: async () => {
        if (st.tier !== "warm") return;
        await Deno.remove(this.#localPath(id));
        st.pendingUpload = false;
        st.lastError = null;
        this.#moved(st, "warm>cold");
      },
    });
    if (!uploaded) {
      st.pendingUpload = true;
      st.lastError = this.s3.dlq.entries().findLast((e) => e.collectionId === id)?.error ?? null;
    }
  }

  async #coldToWarm(c: TierableCollection, st: TierState): Promise<void> {
    const bytes = await this.s3.download(this.#objectKey(c.id));
    await this.#writeLocal(c.id, bytes);
    st.indexBytes = bytes.length;
    this.#moved(st, "cold>warm");
  }

  #localPath(id: string): string {
    return join(this.localDir, `${id}.index`);
  }

  #objectKey(id: string): string {
    return `tiers/${id}.index`;
  }
}
