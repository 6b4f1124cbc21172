import type { DatabaseSync, StatementSync } from "node:sqlite";
import { DomainError } from "../domain_error.ts";
import { uuidV7 } from "../uuid_v7.ts";
import { generateApiKey, hashApiKey, isApiKey } from "./api_key.ts";
import type { Role } from "./role.ts";

/** The tenant every request belongs to without tenancy, and the operator's tenant. */
export const DEFAULT_TENANT = "default";

/** Who an API key authenticates. */
export interface Principal {
  keyId: string;
  /** The key's name: the principal recorded in the audit log. */
  name: string;
  tenantId: string;
  role: Role;
}

/** A key looked up: its principal, and whether it may still be used. */
export interface KeyLookup {
  principal: Principal;
  state: "active" | "revoked" | "expired";
}

export interface Tenant {
  tenant_id: string;
  name: string;
  created_at: string;
  key_count: number;
}

/** A key as GET /admin/tenants/:id/keys shows it (never the key or its hash). */
export interface KeyInfo {
  key_id: string;
  name: string;
  role: Role;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

interface CachedKey {
  principal: Principal;
  expiresAt: number | null;
  revoked: boolean;
}

/**
 * Tenants and API keys (SHA-256 only; a key is shown once, when created) in SQLite. Lookups are
 * cached by key hash; revoking a key updates the cache in the same call and expiry is compared
 * with the clock on every lookup, so neither waits for a cache to age. Last-used times are kept
 * in memory and written by saveLastUsed() (a write per request would cost more than the request).
 */
export class TenancyStore {
  #byHash = new Map<string, CachedKey>();
  /** Key id → Date.now() of its last use, since the last saveLastUsed(). */
  #lastUsed = new Map<string, number>();
  #byKeyHash: StatementSync;

  constructor(readonly db: DatabaseSync) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS tenants (
        id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS api_keys (
        id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),
        name TEXT NOT NULL, role TEXT NOT NULL, key_sha256 TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL);
    `);
    // Databases written before key lifecycle lack these columns.
    const columns = new Set(
      (db.prepare("PRAGMA table_info(api_keys)").all() as { name: string }[]).map((c) => c.name),
    );
    for (const column of ["expires_at", "revoked_at", "last_used_at"]) {
      if (!columns.has(column)) db.exec(`ALTER TABLE api_keys ADD COLUMN ${column} TEXT`);
    }
    db.prepare("INSERT OR IGNORE INTO tenants (id, name, created_at) VALUES (?, ?, ?)")
      .run(DEFAULT_TENANT, DEFAULT_TENANT, new Date().toISOString());
    this.#byKeyHash = db.prepare(
      `SELECT id, name, tenant_id, role, expires_at, revoked_at FROM api_keys
       WHERE key_sha256 = ?`,
    );
  }

  /**
   * Registers the bootstrap key as the operator's (idempotent). Naming it at start-up is the
   * operator's way back in: it is un-revoked, and a key that was a tenant admin before the
   * operator role existed becomes the operator.
   */
  bootstrapOperator(key: string): void {
    if (!isApiKey(key)) throw new Error("admin key must be ak_ followed by 64 hex characters");
    this.db.prepare(
      `INSERT OR IGNORE INTO api_keys (id, tenant_id, name, role, key_sha256, created_at)
       VALUES (?, ?, 'bootstrap-admin', 'operator', ?, ?)`,
    ).run(uuidV7(), DEFAULT_TENANT, hashApiKey(key), new Date().toISOString());
    this.db.prepare(
      `UPDATE api_keys SET role = 'operator', revoked_at = NULL, expires_at = NULL
       WHERE key_sha256 = ?`,
    ).run(hashApiKey(key));
    this.#byHash.clear();
  }

  createTenant(name: string): Tenant {
    const id = uuidV7();
    const createdAt = new Date().toISOString();
    try {
      this.db.prepare("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)")
        .run(id, name, createdAt);
    } catch (error) {
      if (String(error).includes("UNIQUE")) {
        throw new DomainError("conflict", `tenant named '${name}' already exists`);
      }
      throw error;
    }
    return { tenant_id: id, name, created_at: createdAt, key_count: 0 };
  }

  /** Every tenant, or only `only`. key_count counts keys not revoked. */
  listTenants(only?: string): Tenant[] {
    return this.db.prepare(
      `SELECT t.id AS tenant_id, t.name, t.created_at,
              (SELECT COUNT(*) FROM api_keys k WHERE k.tenant_id = t.id AND k.revoked_at IS NULL)
                AS key_count
       FROM tenants t WHERE ? IS NULL OR t.id = ? ORDER BY t.created_at, t.id`,
    ).all(only ?? null, only ?? null) as unknown as Tenant[];
  }

  /** Creates a key for `tenantId`; the key itself is returned only here. */
  createKey(
    tenantId: string,
    role: Role,
    name: string,
    expiresAt: string | null,
  ): { apiKey: string; keyId: string } {
    this.#tenantExists(tenantId);
    const apiKey = generateApiKey();
    const keyId = uuidV7();
    this.db.prepare(
      `INSERT INTO api_keys (id, tenant_id, name, role, key_sha256, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(keyId, tenantId, name, role, hashApiKey(apiKey), new Date().toISOString(), expiresAt);
    return { apiKey, keyId };
  }

  /** The keys of `tenantId`, oldest first. */
  listKeys(tenantId: string): KeyInfo[] {
    this.#tenantExists(tenantId);
    const keys = this.db.prepare(
      `SELECT id AS key_id, name, role, created_at, expires_at, revoked_at, last_used_at
       FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id`,
    ).all(tenantId) as unknown as KeyInfo[];
    for (const k of keys) {
      const used = this.#lastUsed.get(k.key_id);
      if (used !== undefined) k.last_used_at = new Date(used).toISOString();
    }
    return keys;
  }

  /** The key `keyId` of `tenantId` (not found otherwise). */
  key(tenantId: string, keyId: string): KeyInfo {
    const key = this.listKeys(tenantId).find((k) => k.key_id === keyId);
    if (key === undefined) {
      throw new DomainError("not_found", `key ${keyId} not found in tenant ${tenantId}`);
    }
    return key;
  }

  /** Revokes a key; from this call on, its lookups say "revoked". Revoking twice is a no-op. */
  revokeKey(tenantId: string, keyId: string): KeyInfo {
    const key = this.key(tenantId, keyId);
    if (key.revoked_at !== null) return key;
    const now = new Date().toISOString();
    this.db.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ?").run(now, keyId);
    for (const cached of this.#byHash.values()) {
      if (cached.principal.keyId === keyId) cached.revoked = true;
    }
    return { ...key, revoked_at: now };
  }

  /** The principal of `key` and whether it may be used, or null for an unknown key. */
  lookup(key: string): KeyLookup | null {
    const hash = hashApiKey(key);
    let cached = this.#byHash.get(hash);
    if (cached === undefined) {
      const row = this.#byKeyHash.get(hash) as Record<string, string | null> | undefined;
      // Unknown keys are not cached: a key created later must work at once.
      if (row === undefined) return null;
      cached = {
        principal: {
          keyId: row.id!,
          name: row.name!,
          tenantId: row.tenant_id!,
          role: row.role as Role,
        },
        expiresAt: row.expires_at === null ? null : Date.parse(row.expires_at),
        revoked: row.revoked_at !== null,
      };
      this.#byHash.set(hash, cached);
    }
    const state = cached.revoked
      ? "revoked"
      : cached.expiresAt !== null && Date.now() >= cached.expiresAt
      ? "expired"
      : "active";
    return { principal: cached.principal, state };
  }

  /** Notes that `keyId` authenticated a request now. */
  touch(keyId: string): void {
    this.#lastUsed.set(keyId, Date.now());
  }

  /** Writes the last-used times noted since the previous call. */
  saveLastUsed(): void {
    if (this.#lastUsed.size === 0) return;
    const update = this.db.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?");
    this.db.exec("BEGIN");
    try {
      for (const [keyId, at] of this.#lastUsed) update.run(new Date(at).toISOString(), keyId);
      this.db.exec("COMMIT");
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
    this.#lastUsed.clear();
  }

  #tenantExists(tenantId: string): void {
    const exists = this.db.prepare("SELECT 1 FROM tenants WHERE id = ?").get(tenantId);
    if (exists === undefined) throw new DomainError("not_found", `tenant ${tenantId} not found`);
  }
}
