/** The load module bench/generator.ts runs in workers: a plain GET of `url`, body read. */
import type { LoadParts } from "../src/load/sharded_load.ts";

export function createLoad(context: unknown): LoadParts<null> {
  const { url } = context as { url: string };
  return {
    factory: () => ({ label: { operation: "get", tenant: "" }, request: null }),
    execute: async (_request, signal) => {
      const res = await fetch(url, { signal });
      await res.arrayBuffer();
    },
  };
}
