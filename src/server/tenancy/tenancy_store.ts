import type { DatabaseSync } from "node:sqlite";
import { HttpError } from "../http_error.ts";
import { uuidV7 } from "../uuid_v7.ts";
import { generateApiKey, hashApiKey, isApiKey } from "./api_key.ts";
import type { Role } from "./role.ts";

/** The tenant every request belongs to without tenancy, and the bootstrap admin's tenant. */
export const DEFAULT_TENANT = "default";

/** Who an API key authenticates. */
export interface Principal {
  keyId: string;
  /** The key's name: the principal recorded in the audit log. */
  name: string;
  tenantId: string;
  role: Role;
}

export interface Tenant {
  tenant_id: string;
  name: string;
  created_at: string;
  key_count: number;
}

/** Tenants and API keys (SHA-256 only; a key is shown once, when created) in SQLite. */
export class TenancyStore {
  #byHash = new Map<string, Principal | null>();

  constructor(readonly db: DatabaseSync) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS tenants (
        id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS api_keys (
        id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),
        name TEXT NOT NULL, role TEXT NOT NULL, key_sha256 TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL);
    `);
    db.prepare("INSERT OR IGNORE INTO tenants (id, name, created_at) VALUES (?, ?, ?)")
      .run(DEFAULT_TENANT, DEFAULT_TENANT, new Date().toISOString());
  }

  /** Registers the bootstrap admin key (idempotent). */
  bootstrapAdmin(key: string): void {
    if (!isApiKey(key)) throw new Error("admin key must be ak_ followed by 64 hex characters");
    this.db.prepare(
      `INSERT OR IGNORE INTO api_keys (id, tenant_id, name, role, key_sha256, created_at)
       VALUES (?, ?, 'bootstrap-admin', 'admin', ?, ?)`,
    ).run(uuidV7(), DEFAULT_TENANT, hashApiKey(key), new Date().toISOString());
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
        throw new HttpError(409, `tenant named '${name}' already exists`);
      }
      throw error;
    }
    return { tenant_id: id, name, created_at: createdAt, key_count: 0 };
  }

  listTenants(): Tenant[] {
    return this.db.prepare(
      `SELECT t.id AS tenant_id, t.name, t.created_at,
              (SELECT COUNT(*) FROM api_keys k WHERE k.tenant_id = t.id) AS key_count
       FROM tenants t ORDER BY t.created_at, t.id`,
    ).all() as unknown as Tenant[];
  }

  /** Creates a key for `tenantId`; the key itself is returned only here. */
  createKey(tenantId: string, role: Role, name: string): { apiKey: string; keyId: string } {
    const exists = this.db.prepare("SELECT 1 FROM tenants WHERE id = ?").get(tenantId);
    if (exists === undefined) throw new HttpError(404, `tenant ${tenantId} not found`);
    const apiKey = generateApiKey();
    const keyId = uuidV7();
    this.db.prepare(
      `INSERT INTO api_keys (id, tenant_id, name, role, key_sha256, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(keyId, tenantId, name, role, hashApiKey(apiKey), new Date().toISOString());
    return { apiKey, keyId };
  }

  /** The principal of `key`, or null for an unknown key. */
  resolve(key: string): Principal | null {
    const hash = hashApiKey(key);
    const cached = this.#byHash.get(hash);
    if (cached !== undefined) return cached;
    const row = this.db.prepare(
      "SELECT id, name, tenant_id, role FROM api_keys WHERE key_sha256 = ?",
    ).get(hash) as { id: string; name: string; tenant_id: string; role: Role } | undefined;
    const principal = row === undefined
      ? null
      : { keyId: row.id, name: row.name, tenantId: row.tenant_id, role: row.role };
    // Unknown keys are not cached: a key created later must work at once.
    if (principal !== null) this.#byHash.set(hash, principal);
    return principal;
  }
}
