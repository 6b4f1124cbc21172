import { EmbeddedProcess } from "./embedded_process.ts";
import { PgvectorTarget } from "./pgvector.ts";

const SERVER = decodeURIComponent(new URL("./pglite_server.ts", import.meta.url).pathname);
/** The package's deno.json maps the server's npm imports, whatever the working directory. */
const CONFIG = decodeURIComponent(new URL("../../deno.json", import.meta.url).pathname);
const STARTUP = /listening on (postgres:\/\/\S+) \(pid (\d+)\)/;
const STARTUP_TIMEOUT_MS = 120_000;

/**
 * Starts the embedded Postgres for one scenario (PGlite with pgvector behind pglite-socket, a
 * child Deno process running pglite_server.ts with a fresh data directory) and connects the
 * pgvector adapter to it over the wire protocol. One connection: PGlite has a single backend
 * that runs one statement at a time, and pglite-socket queues each connection's protocol
 * messages separately, so two connections' extended-protocol messages (Parse/Bind/Execute)
 * could interleave on that backend; one connection keeps them in order (its prepared
 * statements included) and loses no parallelism.
 */
export async function startPglite(): Promise<PgvectorTarget> {
  const dataDir = await Deno.makeTempDir({ prefix: "akibench-pglite-data-" });
  const server = new EmbeddedProcess(
    "pglite server",
    Deno.execPath(),
    ["run", "-A", "--config", CONFIG, SERVER, dataDir],
    { dataDir },
  );
  try {
    const [, url] = await server.waitForLine(STARTUP, STARTUP_TIMEOUT_MS);
    return await PgvectorTarget.connect(
      url,
      { poolSize: 1, cancel: false },
      server,
    );
  } catch (err) {
    await server.stop();
    throw err;
  }
}
