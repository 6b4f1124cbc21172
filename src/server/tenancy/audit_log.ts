import type { DatabaseSync, StatementSync } from "node:sqlite";

export type AuditResult = "allowed" | "denied";

/** One audited request. */
export interface AuditEntry {
  id: number;
  time: string;
  tenant_id: string | null;
  principal: string;
  role: string | null;
  action: string;
  resource: string;
  result: AuditResult;
  /** HTTP status the request ended with. */
  status: number;
}

export interface AuditFilter {
  tenant?: string;
  action?: string;
  result?: AuditResult;
  /** ISO time; entries at or after it. */
  since?: string;
  limit: number;
}

/**
 * How many entries the log keeps per bucket; beyond that the oldest of the bucket are dropped
 * and counted. A tenant's entries are its own bucket, and requests that authenticated nobody
 * (401: no key, an unknown, revoked or expired key) share the anonymous bucket, so no amount of
 * anonymous noise, nor one tenant's, pushes out another tenant's entries.
 */
export interface AuditLimits {
  perTenant: number;
  anonymous: number;
}

/** A tenant's last 100,000 entries and the last 10,000 anonymous ones. */
export const DEFAULT_AUDIT_LIMITS: AuditLimits = { perTenant: 100_000, anonymous: 10_000 };

export const ANONYMOUS_BUCKET = "anonymous";
/** Longer resources (paths sent by anyone) are cut here and their length noted. */
export const MAX_RESOURCE_CHARS = 256;

type PendingEntry = [
  string,
  string | null,
  string,
  string | null,
  string,
  string,
  string,
  number,
  string,
];

/**
 * Append-only audit log in SQLite, bounded per bucket (AuditLimits). Appends are buffered and
 * written in one transaction per batch (at most `flushMs` later), the bucket's oldest entries
 * beyond its limit dropped in the same transaction; queries and close() flush first.
 */
export class AuditLog {
  #insert: StatementSync;
  #pending: PendingEntry[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #counts = new Map<string, number>();

  constructor(
    readonly db: DatabaseSync,
    private readonly limits: AuditLimits = DEFAULT_AUDIT_LIMITS,
    private readonly flushMs = 20,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, tenant_id TEXT,
        principal TEXT NOT NULL, role TEXT, action TEXT NOT NULL, resource TEXT NOT NULL,
        result TEXT NOT NULL, status INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS audit_tenant_time ON audit (tenant_id, time);
      CREATE TABLE IF NOT EXISTS audit_dropped (bucket TEXT PRIMARY KEY, count INTEGER NOT NULL);
    `);
    const columns = (db.prepare("PRAGMA table_info(audit)").all() as { name: string }[])
      .map((c) => c.name);
    if (!columns.includes("bucket")) {
      // A log written before buckets existed: sort its entries into them.
      db.exec(`ALTER TABLE audit ADD COLUMN bucket TEXT;
        UPDATE audit SET bucket = CASE WHEN status = 401 OR tenant_id IS NULL
          THEN '${ANONYMOUS_BUCKET}' ELSE tenant_id END;`);
    }
    db.exec("CREATE INDEX IF NOT EXISTS audit_bucket ON audit (bucket, id)");
    this.#insert = db.prepare(
      `INSERT INTO audit (time, tenant_id, principal, role, action, resource, result, status,
       bucket) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const counts = db.prepare("SELECT bucket, COUNT(*) AS n FROM audit GROUP BY bucket").all();
    for (const row of counts) this.#counts.set(String(row.bucket), Number(row.n));
    this.#transaction(() => {
      for (const bucket of this.#counts.keys()) this.#trim(bucket);
    });
  }

  append(entry: Omit<AuditEntry, "id" | "time">): void {
    const bucket = entry.status === 401 || entry.tenant_id === null
      ? ANONYMOUS_BUCKET
      : entry.tenant_id;
    this.#pending.push([
      new Date().toISOString(),
      entry.tenant_id,
      entry.principal,
      entry.role,
      entry.action,
      cappedResource(entry.resource),
      entry.result,
      entry.status,
      bucket,
    ]);
    this.#timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** Writes buffered entries and drops what exceeds the limits (one transaction). */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#transaction(() => {
      const touched = new Set<string>();
      for (const row of batch) {
        this.#insert.run(...row);
        const bucket = row[8];
        this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + 1);
        touched.add(bucket);
      }
      for (const bucket of touched) this.#trim(bucket);
    });
  }

  /** Matching entries, newest first. */
  query(filter: AuditFilter): AuditEntry[] {
    this.flush();
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.tenant !== undefined) where.push("tenant_id = ?") && args.push(filter.tenant);
    if (filter.action !== undefined) where.push("action = ?") && args.push(filter.action);
    if (filter.result !== undefined) where.push("result = ?") && args.push(filter.result);
    if (filter.since !== undefined) where.push("time >= ?") && args.push(filter.since);
    const sql = `SELECT id, time, tenant_id, principal, role, action, resource, result, status
                 FROM audit ${where.length ? "WHERE " + where.join(" AND ") : ""}
                 ORDER BY id DESC LIMIT ?`;
    return this.db.prepare(sql).all(...args, filter.limit) as unknown as AuditEntry[];
  }

  /** Entries dropped over the limits: of `bucket` (a tenant id), or of every bucket. */
  dropped(bucket?: string): number {
    const row = this.db.prepare(
      "SELECT COALESCE(SUM(count), 0) AS n FROM audit_dropped WHERE ? IS NULL OR bucket = ?",
    ).get(bucket ?? null, bucket ?? null);
    return Number(row?.n ?? 0);
  }

  #trim(bucket: string): void {
    const limit = bucket === ANONYMOUS_BUCKET ? this.limits.anonymous : this.limits.perTenant;
    const excess = (this.#counts.get(bucket) ?? 0) - limit;
    if (excess <= 0) return;
    this.db.prepare(
      "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE bucket = ? ORDER BY id LIMIT ?)",
    ).run(bucket, excess);
    this.db.prepare(
      `INSERT INTO audit_dropped (bucket, count) VALUES (?, ?)
       ON CONFLICT (bucket) DO UPDATE SET count = count + excluded.count`,
    ).run(bucket, excess);
    this.#counts.set(bucket, limit);
  }

  #transaction(work: () => void): void {
    this.db.exec("BEGIN");
    try {
      work();
      this.db.exec("COMMIT");
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }
}

/** `resource` cut to MAX_RESOURCE_CHARS, with how much was cut. */
function cappedResource(resource: string): string {
  if (resource.length <= MAX_RESOURCE_CHARS) return resource;
  return `${resource.slice(0, MAX_RESOURCE_CHARS)}…(${resource.length} chars)`;
}
