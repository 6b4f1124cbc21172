import { generateApiKey } from "../src/server/tenancy/api_key.ts";
import { call, type JsonResponse } from "./server_http_client.ts";
import { spawnServer } from "./server_child.ts";

/** `akibench serve --tenancy` as a child process, with its operator key and a keyed client. */
export interface TenancyServer {
  url: string;
  dataDir: string;
  operatorKey: string;
  /** A request with `key` (null: none). */
  as(key: string | null, method: string, path: string, body?: unknown): Promise<JsonResponse>;
  /** A tenant and keys of the given roles in it, made by the operator. */
  tenant(name: string, roles: string[]): Promise<{ id: string; keys: Record<string, string> }>;
  /** SIGTERM; resolves when the process has exited. */
  stop(): Promise<void>;
  /** Starts the server again on the same data dir and operator key. */
  restart(): Promise<void>;
}

/** Starts the server with `--tenancy --admin-key <new key>` plus `extra`; `fn` gets it. */
export async function withTenancyServer(
  extra: string[],
  fn: (server: TenancyServer) => Promise<void>,
): Promise<void> {
  const dataDir = await Deno.makeTempDir({ prefix: "akibench-tenancy-" });
  const operatorKey = generateApiKey();
  const flags = ["--tenancy", "--admin-key", operatorKey, ...extra];
  let process = await spawnServer(dataDir, flags);
  const server: TenancyServer = {
    get url() {
      return process.url;
    },
    dataDir,
    operatorKey,
    as: (key, method, path, body) =>
      call(process.url, method, path, body, key === null ? {} : { authorization: `Bearer ${key}` }),
    async tenant(name, roles) {
      const made = await server.as(operatorKey, "POST", "/admin/tenants", { name });
      const id = made.body.tenant_id as string;
      const keys: Record<string, string> = {};
      for (const role of roles) {
        const path = `/admin/tenants/${id}/keys`;
        keys[role] = (await server.as(operatorKey, "POST", path, { role, name: `${name}-${role}` }))
          .body.api_key;
      }
      return { id, keys };
    },
    async stop() {
      process.child.kill("SIGTERM");
      await process.child.status;
    },
    async restart() {
      process = await spawnServer(dataDir, flags);
    },
  };
  try {
    await fn(server);
  } finally {
    await server.stop().catch(() => {});
    await Deno.remove(dataDir, { recursive: true });
  }
}
