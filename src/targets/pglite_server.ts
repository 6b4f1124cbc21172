/**
 * The embedded Postgres for `--target pgvector` without `--url`: PGlite (Postgres compiled to
 * WASM) with the pgvector extension, served over the Postgres wire protocol on 127.0.0.1 by
 * pglite-socket. It runs as its own Deno process (started by PgliteTarget) so its RSS and CPU
 * are the target's, not the load generator's, and it never shares the generator's event loop.
 *
 * Usage: deno run -A src/targets/pglite_server.ts DATA_DIR
 * Prints `akibench pglite listening on postgres://postgres@127.0.0.1:PORT/postgres (pid N)` once
 * it accepts connections; SIGTERM/SIGINT close the database and exit 0.
 */
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/** PGlite runs one backend: queries from every connection are queued onto it. */
const MAX_CONNECTIONS = 1000;

const dataDir = Deno.args[0];
if (!dataDir) {
  console.error("usage: pglite_server.ts DATA_DIR");
  Deno.exit(2);
}
const db = await PGlite.create({ dataDir, extensions: { vector } });
await db.exec("CREATE EXTENSION IF NOT EXISTS vector");
const server = new PGLiteSocketServer({
  db,
  host: "127.0.0.1",
  port: 0,
  maxConnections: MAX_CONNECTIONS,
});
await server.start();
const stop = async () => {
  await server.stop();
  await db.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGTERM", stop);
Deno.addSignalListener("SIGINT", stop);
console.log(
  `akibench pglite listening on postgres://postgres@${server.getServerConn()}/postgres (pid ${Deno.pid})`,
);
