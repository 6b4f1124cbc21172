export const ROLES = ["admin", "developer", "viewer", "auditor"] as const;
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
  | "audit.read"
  | "tenant.manage"
  | "system.manage";

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

const ALLOWED: Record<Role, ReadonlySet<Action>> = {
  admin: new Set<Action>([...READ, ...WRITE, "audit.read", "tenant.manage", "system.manage"]),
  developer: new Set<Action>([...READ, ...WRITE]),
  viewer: new Set<Action>(READ),
  auditor: new Set<Action>(["audit.read"]),
};

export function roleAllows(role: Role, action: Action): boolean {
  return ALLOWED[role].has(action);
}
