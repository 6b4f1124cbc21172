import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { ServerExtensions } from "../server_env.ts";
import { generateApiKey } from "./api_key.ts";
import { type AuditLimits, AuditLog, DEFAULT_AUDIT_LIMITS } from "./audit_log.ts";
import { authMiddleware } from "./auth_middleware.ts";
import { TenancyStore } from "./tenancy_store.ts";
import { tenancyRoutes } from "./tenancy_routes.ts";

export interface TenancyOptions {
  /** The database is dataDir/tenancy.sqlite. */
  dataDir: string;
  /** Bootstrap admin key (`ak_` + 64 hex); default $AKIDB_ADMIN_KEY, else a new random one. */
  adminKey?: string;
  /** Audit entries kept per tenant and for anonymous requests (default DEFAULT_AUDIT_LIMITS). */
  auditLimits?: Partial<AuditLimits>;
}

/** How often keys' last-used times are written (they are exact in memory meanwhile). */
const LAST_USED_SAVE_MS = 5000;

/** Tenancy, RBAC and audit as server extensions. */
export interface Tenancy {
  extensions: ServerExtensions;
  /** The bootstrap key in force: the operator's (tenant "default", role operator). */
  adminKey: string;
  store: TenancyStore;
  audit: AuditLog;
  close(): void;
}

export function startTenancy(options: TenancyOptions): Tenancy {
  Deno.mkdirSync(options.dataDir, { recursive: true });
  const db = new DatabaseSync(join(options.dataDir, "tenancy.sqlite"));
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
  const store = new TenancyStore(db);
  const audit = new AuditLog(db, { ...DEFAULT_AUDIT_LIMITS, ...options.auditLimits });
  const adminKey = options.adminKey ?? Deno.env.get("AKIDB_ADMIN_KEY") ?? generateApiKey();
  store.bootstrapOperator(adminKey);
  const saver = setInterval(() => store.saveLastUsed(), LAST_USED_SAVE_MS);
  Deno.unrefTimer(saver);
  return {
    extensions: {
      capabilities: { tenancy: true, audit: true },
      middleware: [authMiddleware(store, audit)],
      routes: (app) => void app.route("/", tenancyRoutes(store, audit)),
      prometheus: () =>
        "# HELP akidb_audit_dropped_total Audit entries dropped over the per-bucket limits.\n" +
        "# TYPE akidb_audit_dropped_total counter\n" +
        `akidb_audit_dropped_total ${audit.dropped()}\n`,
    },
    adminKey,
    store,
    audit,
    close: () => {
      clearInterval(saver);
      store.saveLastUsed();
      audit.flush();
      db.close();
    },
  };
}
