import type { Hono } from "hono";
import type { ServerEnv } from "../server_env.ts";

/**
 * The methods `app`'s routes serve at `path` (its middleware, method ALL, aside), so a request
 * with another method can be answered 405 with an Allow header, as AkiDB's axum router does,
 * rather than 404. Patterns are Hono's (`:param` matches one segment).
 */
export function allowedMethods(app: Hono<ServerEnv>, path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue;
    const pattern = route.path.split("/").map((part) =>
      part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    ).join("/");
    if (new RegExp(`^${pattern}$`).test(path)) methods.add(route.method);
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

/** The Allow header of a 405 (none when no method is). */
export function allowedHeader(methods: string[]): Record<string, string> | undefined {
  return methods.length > 0 ? { allow: methods.join(", ") } : undefined;
}
