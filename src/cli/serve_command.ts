import { parseArgs } from "node:util";
import type { Command } from "./command.ts";
import { UsageError } from "./usage_error.ts";
import { startServer } from "../server/start.ts";

const HELP = `akibench serve: run the AkiDB 2.0-compatible reference server

Usage: akibench serve [--port 8080] [--host 127.0.0.1] [--data-dir DIR]
                      [--hnsw-m 16] [--ef-construction 128] [--ef-search 96]
                      [--checkpoint-wal-mb 64]

Options:
  --port N             TCP port (default 8080; 0 picks a free port)
  --host HOST          address to bind (default 127.0.0.1)
  --data-dir DIR       WAL and snapshots (default: a fresh temporary directory)
  --hnsw-m N           HNSW graph degree for new collections
  --ef-construction N  HNSW build beam width
  --ef-search N        HNSW search beam width
  --checkpoint-wal-mb N  snapshot and truncate the WAL once it exceeds N MiB (default 64)

Prints one line: akibench reference server listening on http://HOST:PORT (pid N).
SIGINT/SIGTERM flush the write-ahead log, write a snapshot and exit 0.`;

function intFlag(name: string, value: string | undefined, min: number, max: number) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer in ${min}..${max}, got '${value}'`);
  }
  return n;
}

export const serveCommand: Command = {
  name: "serve",
  summary: "run the AkiDB-compatible reference server",
  help: HELP,
  async run(args: string[]): Promise<number> {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        strict: true,
        allowPositionals: false,
        options: {
          port: { type: "string" },
          host: { type: "string" },
          "data-dir": { type: "string" },
          "hnsw-m": { type: "string" },
          "ef-construction": { type: "string" },
          "ef-search": { type: "string" },
          "checkpoint-wal-mb": { type: "string" },
        },
      }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const index = Object.fromEntries(
      Object.entries({
        m: intFlag("hnsw-m", values["hnsw-m"], 2, 256),
        efConstruction: intFlag("ef-construction", values["ef-construction"], 1, 4096),
        efSearch: intFlag("ef-search", values["ef-search"], 1, 4096),
      }).filter(([, v]) => v !== undefined),
    );
    const checkpointMb = intFlag("checkpoint-wal-mb", values["checkpoint-wal-mb"], 1, 1 << 20);
    const server = await startServer({
      port: intFlag("port", values.port, 0, 65535) ?? 8080,
      host: values.host ?? "127.0.0.1",
      dataDir: values["data-dir"],
      index,
      storage: checkpointMb === undefined ? {} : { checkpointWalBytes: checkpointMb * 1024 * 1024 },
    });
    const { promise: stopped, resolve } = Promise.withResolvers<string>();
    const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
    const handler = () => resolve("signal");
    for (const signal of signals) Deno.addSignalListener(signal, handler);
    await stopped;
    for (const signal of signals) Deno.removeSignalListener(signal, handler);
    await server.close();
    return 0;
  },
};
