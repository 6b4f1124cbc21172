import { dirname, join } from "node:path";
import { installChroma } from "../../src/targets/chroma_install.ts";
import { type BenchPeer, postJson, vectorJson } from "./bench_peer.ts";
import { type ChildServer, spawnServer } from "./child_server.ts";

const BASE = "/api/v2/tenants/default_tenant/databases/default_database";

/**
 * Chroma 1.0 (Rust server via chromadb's CLI) over REST v2; adds in batches ≤ 2,000. Collections
 * are cosine HNSW at Chroma's defaults (max_neighbors 16, ef_construction 100, ef_search 100),
 * or with `efSearch` as their ef_search.
 */
export class ChromaPeer implements BenchPeer {
  readonly name = "chroma-1.0";
  #ids = new Map<string, string>();

  private constructor(
    readonly server: ChildServer,
    readonly dataDir: string,
    readonly efSearch?: number,
  ) {}

  static async start(port: number, efSearch?: number): Promise<ChromaPeer> {
    const cli = await installChroma();
    const dataDir = await Deno.makeTempDir({ prefix: "akibench-chroma-data-" });
    const url = `http://127.0.0.1:${port}`;
    const server = await spawnServer(Deno.execPath(), [
      "run",
      "-A",
      cli,
      "run",
      "--path",
      dataDir,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
    ], { cwd: join(dirname(cli), "../../.."), fixedUrl: url });
    return new ChromaPeer(server, dataDir, efSearch);
  }

  pid(): number {
    return this.server.child.pid;
  }

  async createCollection(name: string, _dim: number): Promise<void> {
    const r = await postJson(
      `${this.server.url}${BASE}/collections`,
      JSON.stringify({
        name,
        configuration: { hnsw: { space: "cosine", ef_search: this.efSearch } },
      }),
    ) as { id: string };
    this.#ids.set(name, r.id);
  }

  async addBatch(
    name: string,
    from: number,
    n: number,
    vectorOf: (id: number) => Float32Array,
  ) {
    for (let start = from; start < from + n; start += 2000) {
      const end = Math.min(from + n, start + 2000);
      const ids = [];
      const embeddings = [];
      for (let row = start; row < end; row++) {
        ids.push(`"${row}"`);
        embeddings.push(vectorJson(vectorOf(row)));
      }
      await postJson(this.#url(name) + "/add", `{"ids":[${ids}],"embeddings":[${embeddings}]}`);
    }
  }

  async addOne(name: string, row: number, vector: Float32Array): Promise<void> {
    await postJson(
      this.#url(name) + "/add",
      `{"ids":["${row}"],"embeddings":[${vectorJson(vector)}]}`,
    );
  }

  async waitIndexed(): Promise<void> {}

  async query(name: string, query: Float32Array, k: number): Promise<number[]> {
    const r = await postJson(
      this.#url(name) + "/query",
      `{"query_embeddings":[${vectorJson(query)}],"n_results":${k},"include":[]}`,
    ) as { ids: string[][] };
    return r.ids[0].map(Number);
  }

  async close(): Promise<void> {
    this.server.child.kill("SIGTERM");
    await this.server.child.status;
    await Deno.remove(this.dataDir, { recursive: true });
  }

  #url(name: string): string {
    return `${this.server.url}${BASE}/collections/${this.#ids.get(name)}`;
  }
}
