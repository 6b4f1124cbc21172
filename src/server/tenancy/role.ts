/** Roles inside one tenant (AkiDB's RBAC roles). */
export const TENANT_ROLES = ["admin", "developer", "viewer", "auditor"] as const;
/**
 * Server-wide roles, above every tenant: the operator (the bootstrap key) runs the server;
 * a metrics reader (a Prometheus scraper) reads its server-wide metrics and health.
 */
export const SERVER_ROLES = ["operator", "metrics_reader"] as const;
export const ROLES = [...TENANT_ROLES, ...SERVER_ROLES] as const;
export type Role = typeof ROLES[number];

/** Everything a request can do, as RBAC and the audit log name it. */
export type Action =
  | "collection.create"
  | "collection.read"
  | "collection.delete"
  | "document.insert"
  | "document.query"
  | "document.read"
  | "document.delete"
  | "tier.read"
  | "tier.manage"
  | "dlq.retry"
  | "audit.read"
  | "tenant.read"
  | "key.manage"
  | "tenant.create"
  | "server.read"
  | "server.manage";

const READ: Action[] = [
  "collection.read",
  "document.query",
  "document.read",
  "tier.read",
];
const WRITE: Action[] = [
  "collection.create",
  "collection.delete",
  "document.insert",
  "document.delete",
  "tier.manage",
];
const TENANT_ADMIN: Action[] = ["audit.read", "tenant.read", "key.manage", "dlq.retry"];
const SERVER: Action[] = ["tenant.create", "server.read", "server.manage"];

const ALLOWED: Record<Role, ReadonlySet<Action>> = {
  admin: new Set<Action>([...READ, ...WRITE, ...TENANT_ADMIN]),
  developer: new Set<Action>([...READ, ...WRITE]),
  viewer: new Set<Action>(READ),
  auditor: new Set<Action>(["audit.read"]),
  operator: new Set<Action>([...READ, ...WRITE, ...TENANT_ADMIN, ...SERVER]),
  metrics_reader: new Set<Action>(["server.read", "tier.read"]),
};

export function roleAllows(role: Role, action: Action): boolean {
  return ALLOWED[role].has(action);
}

/** True for the roles whose views span every tenant (metrics, tier counts, tenants, audit). */
export function isServerRole(role: Role): boolean {
  return (SERVER_ROLES as readonly string[]).includes(role);
}
