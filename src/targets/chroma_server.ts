import { dirname, join } from "node:path";
import { ChromaTarget } from "./chroma.ts";
import { CHROMA_BINDINGS_VERSION, CHROMA_VERSION, installChroma } from "./chroma_install.ts";
import { EmbeddedProcess, freePort } from "./embedded_process.ts";

const STARTUP_TIMEOUT_MS = 120_000;

/**
 * Starts an embedded Chroma for one scenario: npm chromadb's CLI (`chroma run --path DIR --host
 * 127.0.0.1 --port P`, installed on first use) under Deno, on a free port with a fresh data
 * directory. The Rust server runs inside that process (Node-API bindings), so its pid is the
 * server's. Resolves once the server answers its heartbeat; close() stops it and removes the
 * data.
 */
export async function startChroma(): Promise<ChromaTarget> {
  const cli = await installChroma();
  const dataDir = await Deno.makeTempDir({ prefix: "akibench-chroma-data-" });
  const port = freePort();
  const server = new EmbeddedProcess(
    "chroma server",
    Deno.execPath(),
    ["run", "-A", cli, "run", "--path", dataDir, "--host", "127.0.0.1", "--port", String(port)],
    // Deno resolves chromadb's imports from the install's node_modules via its package.json.
    { cwd: join(dirname(cli), "../../.."), dataDir },
  );
  const target = new ChromaTarget(
    `http://127.0.0.1:${port}`,
    {},
    server,
    `embedded: npm chromadb ${CHROMA_VERSION}, bindings ${CHROMA_BINDINGS_VERSION}`,
  );
  try {
    await server.waitUntil(() => target.healthy(), STARTUP_TIMEOUT_MS);
  } catch (err) {
    await target.close();
    throw err;
  }
  return target;
}
