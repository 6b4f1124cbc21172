/** The load module bench/generator.ts runs in workers: a plain GET of `url`, body read. */
import type { LoadParts } from "../src/load/sharded_load.ts";
import { FetchTransport } from "../src/targets/fetch_transport.ts";
import { Http1Pool } from "../src/targets/http1_pool.ts";
import type { TransportKind } from "../src/targets/http_transport.ts";

export function createLoad(context: unknown): LoadParts<null> {
  const { url, transport } = context as { url: string; transport: TransportKind };
  const client = transport === "http1" ? new Http1Pool(url) : new FetchTransport(url);
  return {
    factory: () => ({ label: { operation: "get", tenant: "" }, request: null }),
    execute: async (_request, signal) => {
      await client.send("GET", "/", {}, undefined, signal);
    },
    close: () => Promise.resolve(client.close()),
  };
}
