import { join } from "node:path";
import type { Collection, EvictedLocation } from "../collection.ts";
import { syncDir, writeDurable } from "../durable_file.ts";
import { DomainError } from "../domain_error.ts";
import type { ResilientObjectStore } from "../faults/resilient_object_store.ts";
import type { CollectionAccess } from "../server_env.ts";
import type { TierHost } from "./tierable_collection.ts";
import type { TierPolicy } from "./tier_policy.ts";
import { readTierStates, type SavedTier, writeTierStates } from "./tier_state_file.ts";

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
  /** Size of the collection's image (file and object) as last written. */
  imageBytes: number;
  lastError: string | null;
  /** Serializes transitions of this collection. */
  chain: Promise<void>;
  busy: number;
  /** A load of the evicted collection into RAM in progress (shared by concurrent requests). */
  loading: Promise<void> | null;
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
  /** The warm → cold upload failed and waits in the dead-letter queue; the local file stays. */
  pending_upload: boolean;
  /**
   * True while the collection's data is in RAM: always when hot; a warm or cold collection is
   * resident only while requests read it (loaded from its file/object for them, released again
   * once idle for one policy check interval).
   */
  resident: boolean;
  /** Estimated RAM held by the collection's vectors, documents and graph (0 when evicted). */
  ram_bytes: number;
  /** Bytes of the collection image (vectors + documents + graph) in the file / object. */
  image_bytes: number;
  /** True when the image is in the local tier file (warm). */
  local_file: boolean;
  object_key: string;
  last_error: string | null;
}

/**
 * Owns every collection's tier, moving its whole data (vectors, documents, graph) as one image:
 * hot: in RAM; warm: in a local file, released from RAM; cold: an S3 object, local file
 * removed (only after the upload succeeded; a failed upload is dead-lettered and the collection
 * stays warm until a DLQ retry succeeds).
 *
 * Serving: a read of a warm collection loads its file into RAM for the requests in flight (the
 * collection stays warm, `resident` is true) and the copy is released again when it has been
 * idle for one check interval; `warmToHotAccesses` reads within the window promote it to hot
 * (file removed). A read of a cold collection first downloads it (cold → warm). A write to a
 * warm or cold collection promotes it to hot first, and that is persisted before the write is
 * logged, so a restart never evicts a collection with its older image.
 *
 * Tier state is persisted in `localDir/state.json`, so a restarted server puts warm and cold
 * collections back where their bytes are instead of holding them in RAM.
 */
export class TierManager {
  #states = new Map<string, TierState>();
  #transitions = new Map<Transition, number>(TRANSITIONS.map((t) => [t, 0]));
  #host: TierHost | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #inFlight = new Set<Promise<unknown>>();
  #persisting: Promise<void> = Promise.resolve();
  /** Background work (idle demotions, copy removal, state writes) that failed, and the last. */
  #backgroundFailures = 0;
  #lastBackgroundError: string | null = null;

  constructor(
    private readonly s3: ResilientObjectStore,
    private readonly localDir: string,
    private policyValue: TierPolicy,
  ) {}

  get policy(): TierPolicy {
    return this.policyValue;
  }

  /**
   * Starts managing `host`'s collections and the policy timers. Collections the saved state
   * lists as warm or cold are evicted again (or, evicted by the snapshot, get their image back
   * into the tier dir); the rest are hot.
   */
  attach(host: TierHost): void {
    Deno.mkdirSync(this.localDir, { recursive: true });
    this.#host = host;
    const saved = readTierStates(this.localDir);
    for (const id of host.ids()) this.#restore(host.get(id)!, this.#stateOf(id)!, saved[id]);
    this.#persist().catch((error) => console.error(`akibench server: tier state: ${error}`));
    this.#schedule();
  }

  setPolicy(policy: TierPolicy): void {
    this.policyValue = policy;
    this.#schedule();
  }

  /** Stops the timers and waits for transitions, uploads and state writes in flight. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    await this.#persisting;
  }

  /**
   * Call before a request touches a collection: counts the access, downloads a cold collection
   * (→ warm), promotes a warm one that reached the access threshold or is written to (→ hot),
   * and makes the data resident. Returns the release to call when the request ends.
   */
  async access(id: string, access: CollectionAccess): Promise<() => void> {
    const st = this.#stateOf(id);
    const c = this.#host?.get(id);
    if (st === undefined || c === undefined) return () => {};
    const now = Date.now();
    st.lastAccessedAt = now;
    st.accessCount++;
    st.recent.push(now);
    this.#pruneRecent(st, now);
    if (st.tier === "cold") {
      try {
        await this.#exclusive(st, (c) => st.tier === "cold" ? this.#coldToWarm(c, st) : undefined);
      } catch (error) {
        throw new DomainError(
          "unavailable",
          `collection ${id} is cold and could not be fetched: ${error}`,
        );
      }
    }
    if (access === "write" && st.tier !== "hot") {
      await this.#exclusive(st, (c) => st.tier !== "hot" ? this.#toHot(c, st) : undefined);
    } else if (
      // A warm collection answers at once; its promotion never waits behind a transition in
      // flight (e.g. a demotion upload retrying against a failing S3): a later access retries.
      st.tier === "warm" && st.busy === 0 &&
      st.recent.length >= this.policyValue.warmToHotAccesses
    ) {
      await this.#exclusive(st, (c) => st.tier === "warm" ? this.#toHot(c, st) : undefined);
    }
    while (!c.resident) {
      st.loading ??= this.#loadEvicted(c).finally(() => (st.loading = null));
      try {
        await st.loading;
      } catch (error) {
        throw new DomainError(
          "unavailable",
          `collection ${id} could not be loaded from its tier: ${error}`,
        );
      }
    }
    c.users++;
    let released = false;
    return () => {
      if (!released) c.users--;
      released = true;
    };
  }

  /** Applies a manual action; a conflict when demoting a pinned collection or one in use. */
  async act(id: string, action: TierAction): Promise<TierStatus> {
    const st = this.#stateOf(id);
    if (st === undefined) throw new DomainError("not_found", `collection ${id} not found`);
    if (action === "pin" || action === "unpin") {
      st.pinned = action === "pin";
      await this.#persist();
      return this.status(id);
    }
    if (action !== "promote_to_hot" && st.pinned) {
      throw new DomainError("conflict", `collection ${id} is pinned; unpin it before demoting`);
    }
    await this.#exclusive(st, async (c) => {
      if (action === "demote_to_cold") {
        if (st.tier === "hot") await this.#hotToWarm(c, st);
        if (st.tier === "warm") await this.#warmToCold(c, st);
        return;
      }
      if (st.tier === "cold") await this.#coldToWarm(c, st);
      if (action === "promote_to_hot" && st.tier === "warm") await this.#toHot(c, st);
      if (action === "demote_to_warm" && st.tier === "hot") await this.#hotToWarm(c, st);
    });
    return this.status(id);
  }

  status(id: string): TierStatus {
    const st = this.#stateOf(id);
    const c = this.#host?.get(id);
    if (st === undefined || c === undefined) {
      throw new DomainError("not_found", `collection ${id} not found`);
    }
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
      resident: c.resident,
      ram_bytes: c.ramBytes,
      image_bytes: st.imageBytes,
      local_file: st.tier === "warm",
      object_key: this.#objectKey(id),
      last_error: st.lastError,
    };
  }

  /** Collections per tier: of every collection, or of those `only` accepts (by id). */
  counts(only?: (collectionId: string) => boolean): {
    hot_count: number;
    warm_count: number;
    cold_count: number;
    total_collections: number;
  } {
    this.#sync();
    const n = { hot: 0, warm: 0, cold: 0 };
    for (const st of this.#states.values()) if (only?.(st.id) ?? true) n[st.tier]++;
    return {
      hot_count: n.hot,
      warm_count: n.warm,
      cold_count: n.cold,
      total_collections: n.hot + n.warm + n.cold,
    };
  }

  /** Estimated RAM held by collection data, by tier (warm/cold: copies loaded for requests). */
  residentBytes(): Record<Tier, number> {
    const bytes = { hot: 0, warm: 0, cold: 0 };
    for (const st of this.#states.values()) bytes[st.tier] += this.#host?.get(st.id)?.ramBytes ?? 0;
    return bytes;
  }

  prometheusText(): string {
    const c = this.counts();
    const ram = this.residentBytes();
    const lines = [
      "# TYPE akidb_tier_collections gauge",
      `akidb_tier_collections{tier="hot"} ${c.hot_count}`,
      `akidb_tier_collections{tier="warm"} ${c.warm_count}`,
      `akidb_tier_collections{tier="cold"} ${c.cold_count}`,
      "# TYPE akidb_tier_resident_bytes gauge",
      ...(["hot", "warm", "cold"] as const).map((t) =>
        `akidb_tier_resident_bytes{tier="${t}"} ${ram[t]}`
      ),
      "# TYPE akidb_tier_transitions_total counter",
    ];
    for (const [t, n] of this.#transitions) {
      const [from, to] = t.split(">");
      lines.push(`akidb_tier_transitions_total{from="${from}",to="${to}"} ${n}`);
    }
    lines.push(
      "# TYPE akidb_tier_background_failures_total counter",
      `akidb_tier_background_failures_total ${this.#backgroundFailures}`,
    );
    return lines.join("\n") + "\n";
  }

  /** Evaluates the idle policy once (the timer calls this every checkIntervalMs). */
  tick(): void {
    this.#sync();
    const now = Date.now();
    for (const [id, st] of this.#states) {
      if (st.busy > 0 || st.loading !== null) continue;
      const c = this.#host?.get(id);
      if (c === undefined) continue;
      const idle = now - st.lastAccessedAt;
      if (st.tier !== "hot" && c.resident) {
        // A copy loaded for reads of a warm/cold collection: released once idle.
        if (c.users === 0 && idle >= this.policyValue.checkIntervalMs) this.#release(c, st);
      } else if (!st.pinned && st.tier === "hot" && idle >= this.policyValue.hotToWarmIdleMs) {
        this.#background(
          this.#exclusive(st, (c) => st.tier === "hot" ? this.#hotToWarm(c, st) : undefined),
          `demoting ${id} to warm`,
        );
      } else if (
        !st.pinned && st.tier === "warm" && !st.pendingUpload &&
        idle >= this.policyValue.warmToColdIdleMs
      ) {
        this.#background(
          this.#exclusive(st, (c) => st.tier === "warm" ? this.#warmToCold(c, st) : undefined),
          `demoting ${id} to cold`,
        );
      }
    }
  }

  #schedule(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = setInterval(() => this.tick(), this.policyValue.checkIntervalMs);
  }

  /**
   * Runs `work` (`what` names it) tracked by close(); a failure nobody awaits is counted, kept as
   * the last background error (metrics, GET /api/v1/metrics/tiers) and logged, never swallowed.
   */
  #background(work: Promise<unknown>, what: string): void {
    const tracked = work.catch((error) => this.#backgroundFailed(what, error))
      .finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  #backgroundFailed(what: string, error: unknown): void {
    // A demotion that gave way to a reader or writer (a conflict) is no failure: it stays hot.
    if (error instanceof DomainError && error.kind === "conflict") return;
    this.#backgroundFailures++;
    const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
    // Logged when it changes: a failure that repeats every check interval would flood the log.
    if (message !== this.#lastBackgroundError) {
      console.error(`akibench server: tiering: ${message}`);
    }
    this.#lastBackgroundError = message;
  }

  /** How many background tier operations failed, and the last failure's message. */
  backgroundFailures(): { count: number; last: string | null } {
    return { count: this.#backgroundFailures, last: this.#lastBackgroundError };
  }

  /** Adds new collections (hot) and forgets deleted ones (removing their tier copies). */
  #sync(): void {
    if (this.#host === null) return;
    const ids = new Set(this.#host.ids());
    for (const id of ids) this.#stateOf(id);
    let removed = false;
    for (const id of [...this.#states.keys()]) {
      if (!ids.has(id)) {
        this.#states.delete(id);
        this.s3.dlq.discardCollection(id);
        this.#background(this.#removeCopies(id), `removing the tier copies of ${id}`);
        removed = true;
      }
    }
    if (removed) this.#background(this.#persist(), "writing the tier state");
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
        imageBytes: 0,
        lastError: null,
        chain: Promise.resolve(),
        busy: 0,
        loading: null,
      };
      this.#states.set(id, st);
    }
    return st;
  }

  /** Puts a collection back in its saved tier after a restart (see attach). */
  #restore(c: Collection, st: TierState, saved: SavedTier | undefined): void {
    const path = this.#localPath(c.meta.id);
    const objectKey = this.#objectKey(c.meta.id);
    let local = exists(path);
    st.pinned = saved?.pinned ?? false;
    st.imageBytes = saved?.image_bytes ?? 0;
    const location = c.evictedLocation;
    if (location !== null) {
      // Evicted in the snapshot: its image is linked there (warm) or only in S3 (cold).
      if (!local && location.file !== null && exists(location.file)) {
        Deno.linkSync(location.file, path);
        local = true;
      }
      st.tier = local ? "warm" : "cold";
      c.relocate({ file: local ? path : null, objectKey });
    } else if (saved?.tier === "warm" && local) {
      c.evict({ file: path, objectKey });
      st.tier = "warm";
    } else if (saved?.tier === "cold") {
      c.evict({ file: null, objectKey });
      st.tier = "cold";
      if (local) Deno.removeSync(path);
    }
  }

  #exclusive(st: TierState, fn: (c: Collection) => Promise<void> | void): Promise<void> {
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

  /** Writes the tier state file (serialized; each write saves the state at its start). */
  #persist(): Promise<void> {
    const run = this.#persisting.then(() => {
      const saved: Record<string, SavedTier> = {};
      for (const [id, st] of this.#states) {
        saved[id] = { tier: st.tier, pinned: st.pinned, image_bytes: st.imageBytes };
      }
      return writeTierStates(this.localDir, saved);
    });
    this.#persisting = run.catch(() => {});
    return run;
  }

  async #writeLocal(id: string, bytes: Uint8Array): Promise<void> {
    const path = this.#localPath(id);
    await writeDurable(`${path}.tmp`, bytes);
    await Deno.rename(`${path}.tmp`, path);
    await syncDir(this.localDir);
  }

  /** Writes the collection's image to the local file, then releases its RAM. */
  async #hotToWarm(c: Collection, st: TierState): Promise<void> {
    const version = c.version;
    // The encoded bytes are not kept (no reference survives this call) so they are freed too.
    const imageBytes = await c.encodeImage().then(async (bytes) => {
      await this.#writeLocal(c.meta.id, bytes);
      return bytes.length;
    });
    if (c.users > 0 || c.version !== version) {
      await Deno.remove(this.#localPath(c.meta.id)).catch(() => {});
      throw new DomainError("conflict", `collection ${c.meta.id} is in use; it stays hot`);
    }
    c.evict({ file: this.#localPath(c.meta.id), objectKey: this.#objectKey(c.meta.id) });
    collectGarbage();
    st.imageBytes = imageBytes;
    this.#moved(st, "hot>warm");
    await this.#persist();
  }

  /** Drops the RAM copy of a warm or cold collection that was loaded for reads. */
  #release(c: Collection, st: TierState): void {
    c.evict({
      file: st.tier === "warm" ? this.#localPath(c.meta.id) : null,
      objectKey: this.#objectKey(c.meta.id),
    });
    collectGarbage();
  }

  /** Reads an evicted collection's image from where it is and makes it resident. */
  async #loadEvicted(c: Collection): Promise<void> {
    const location = c.evictedLocation as EvictedLocation | null;
    if (location === null) return;
    let bytes: Uint8Array;
    try {
      bytes = location.file !== null
        ? await Deno.readFile(location.file)
        : await this.s3.download(location.objectKey);
    } catch (error) {
      // The file was removed meanwhile (the collection went cold): the caller tries again.
      if (error instanceof Deno.errors.NotFound && c.evictedLocation !== location) return;
      throw error;
    }
    if (c.evictedLocation === location) await c.load(bytes);
  }

  /** Makes a warm (or cold) collection hot: data into RAM, state saved, local file removed. */
  async #toHot(c: Collection, st: TierState): Promise<void> {
    if (st.tier === "cold") await this.#coldToWarm(c, st);
    while (!c.resident) {
      st.loading ??= this.#loadEvicted(c).finally(() => (st.loading = null));
      await st.loading;
    }
    st.pendingUpload = false;
    this.#moved(st, "warm>hot");
    await this.#persist();
    await Deno.remove(this.#localPath(c.meta.id)).catch(() => {});
  }

  async #warmToCold(c: Collection, st: TierState): Promise<void> {
    const id = c.meta.id;
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
        if (!c.resident) c.relocate({ file: null, objectKey: this.#objectKey(id) });
        st.pendingUpload = false;
        st.lastError = null;
        this.#moved(st, "warm>cold");
        await this.#persist();
        await Deno.remove(this.#localPath(id));
      },
    });
    if (!uploaded) {
      st.pendingUpload = true;
      st.lastError = this.s3.dlq.entries().findLast((e) => e.collectionId === id)?.error ?? null;
    }
  }

  async #coldToWarm(c: Collection, st: TierState): Promise<void> {
    const bytes = await this.s3.download(this.#objectKey(c.meta.id));
    await this.#writeLocal(c.meta.id, bytes);
    if (!c.resident) {
      c.relocate({ file: this.#localPath(c.meta.id), objectKey: this.#objectKey(c.meta.id) });
    }
    st.imageBytes = bytes.length;
    this.#moved(st, "cold>warm");
    await this.#persist();
  }

  #localPath(id: string): string {
    return join(this.localDir, `${id}.image`);
  }

  #objectKey(id: string): string {
    return `tiers/${id}.image`;
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Evicted buffers go back to the OS when V8 collects them (its next major GC). A server started
 * with --v8-flags=--expose-gc (bench/server_extensions.ts) collects at once, so RSS shows it.
 */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
