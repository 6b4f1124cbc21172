import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { ServerExtensions } from "../server_env.ts";
import { generateApiKey } from "./api_key.ts";
import { AuditLog } from "./audit_log.ts";
import { authMiddleware } from "./auth_middleware.ts";
import { TenancyStore } from "./tenancy_store.ts";
import { tenancyRoutes } from "./tenancy_routes.ts";

export interface TenancyOptions {
  /** The database is dataDir/tenancy.sqlite. */
  dataDir: string;
  /** Bootstrap admin key (`ak_` + 64 hex); default $AKIDB_ADMIN_KEY, else a new random one. */
  adminKey?: string;
}

/** Tenancy, RBAC and audit as server extensions. */
export interface Tenancy {
  extensions: ServerExtensions;
  /** The bootstrap admin key in force (tenant "default", role admin). */
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
  const audit = new AuditLog(db);
  const adminKey = options.adminKey ?? Deno.env.get("AKIDB_ADMIN_KEY") ?? generateApiKey();
  store.bootstrapAdmin(adminKey);
  return {
    extensions: {
      capabilities: { tenancy: true, audit: true },
      middleware: [authMiddleware(store, audit)],
      routes: (app) => void app.route("/", tenancyRoutes(store, audit)),
    },
    adminKey,
    store,
    audit,
    close: () => {
      audit.flush();
      db.close();
    },
  };
}
