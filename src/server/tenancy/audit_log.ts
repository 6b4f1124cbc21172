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

type PendingEntry = [string, string | null, string, string | null, string, string, string, number];

/**
 * Append-only audit log in SQLite. Appends are buffered and written in one transaction per
 * event-loop turn batch (at most `flushMs` later); queries and close() flush first.
 */
export class AuditLog {
  #insert: StatementSync;
  #pending: PendingEntry[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly db: DatabaseSync, private readonly flushMs = 20) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, tenant_id TEXT,
        principal TEXT NOT NULL, role TEXT, action TEXT NOT NULL, resource TEXT NOT NULL,
        result TEXT NOT NULL, status INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS audit_tenant_time ON audit (tenant_id, time);
    `);
    this.#insert = db.prepare(
      `INSERT INTO audit (time, tenant_id, principal, role, action, resource, result, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  append(entry: Omit<AuditEntry, "id" | "time">): void {
    this.#pending.push([
      new Date().toISOString(),
      entry.tenant_id,
      entry.principal,
      entry.role,
      entry.action,
      entry.resource,
      entry.result,
      entry.status,
    ]);
    this.#timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** Writes buffered entries (one transaction). */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.db.exec("BEGIN");
    try {
      for (const row of batch) this.#insert.run(...row);
      this.db.exec("COMMIT");
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
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
    const sql = `SELECT * FROM audit ${where.length ? "WHERE " + where.join(" AND ") : ""}
                 ORDER BY id DESC LIMIT ?`;
    return this.db.prepare(sql).all(...args, filter.limit) as unknown as AuditEntry[];
  }
}
