import { type BenchPeer, postJson, vectorJson } from "./bench_peer.ts";
import { type ChildServer, spawnServer } from "./child_server.ts";
import { START_LINE } from "../../src/server/start_line.ts";

const MAIN = new URL("./serve_child.ts", import.meta.url).pathname;

function uuidOf(row: number): string {
  return `01900000-0000-7000-8000-${row.toString(16).padStart(12, "0")}`;
}

/** The akibench reference server as a child process, loaded through insert_batch. */
export class ReferencePeer implements BenchPeer {
  readonly name = "akibench-reference";
  #server: ChildServer;
  #ids = new Map<string, string>();

  private constructor(server: ChildServer, readonly dataDir: string, readonly args: string[]) {
    this.#server = server;
  }

  static async start(dataDir: string, args: string[] = []): Promise<ReferencePeer> {
    return new ReferencePeer(await ReferencePeer.#spawn(dataDir, args), dataDir, args);
  }

  static #spawn(dataDir: string, args: string[]): Promise<ChildServer> {
    return spawnServer(Deno.execPath(), [
      "run",
      "-A",
      MAIN,
      "--port",
      "0",
      "--data-dir",
      dataDir,
      ...args,
    ], { urlPattern: START_LINE });
  }

  pid(): number {
    return this.#server.child.pid;
  }

  async createCollection(name: string, dim: number): Promise<void> {
    const body = JSON.stringify({ name, dimension: dim, metric: "cosine" });
    const r = await postJson(`${this.#server.url}/api/v1/collections`, body) as {
      collection_id: string;
    };
    this.#ids.set(name, r.collection_id);
  }

  /** Loads through insert_batch, 500 documents per request. */
  async addBatch(
    name: string,
    from: number,
    n: number,
    vectorOf: (id: number) => Float32Array,
  ) {
    for (let start = from; start < from + n; start += 500) {
      const docs = [];
      for (let row = start; row < Math.min(from + n, start + 500); row++) {
        const v = vectorJson(vectorOf(row));
        docs.push(`{"doc_id":"${uuidOf(row)}","external_id":"${row}","vector":${v}}`);
      }
      const body = `{"docs":[${docs.join(",")}]}`;
      await postJson(this.collectionUrl(name) + "/insert_batch", body);
    }
  }

  async addOne(name: string, row: number, vector: Float32Array): Promise<void> {
    const body = `{"doc_id":"${uuidOf(row)}","external_id":"${row}","vector":${
      vectorJson(vector)
    }}`;
    await postJson(this.collectionUrl(name) + "/insert", body);
  }

  async waitIndexed(): Promise<void> {
    for (;;) {
      const text = await (await fetch(`${this.#server.url}/metrics`)).text();
      const pending = Number(/^akidb_index_pending_vectors (\d+)/m.exec(text)?.[1] ?? "0");
      if (pending === 0) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async query(name: string, query: Float32Array, k: number): Promise<number[]> {
    const r = await postJson(
      this.collectionUrl(name) + "/query",
      `{"query_vector":${vectorJson(query)},"top_k":${k}}`,
    ) as { matches: { external_id: string }[] };
    return r.matches.map((m) => Number(m.external_id));
  }

  /**
   * Stops the server with `signal` and starts it again on the same data; returns milliseconds
   * from spawn until it answers a query on `name` again.
   */
  async restart(signal: "SIGTERM" | "SIGKILL", name: string, probe: Float32Array) {
    this.#server.child.kill(signal);
    await this.#server.child.status;
    const started = performance.now();
    this.#server = await ReferencePeer.#spawn(this.dataDir, this.args);
    await this.query(name, probe, 10);
    return performance.now() - started;
  }

  async close(): Promise<void> {
    this.#server.child.kill("SIGTERM");
    await this.#server.child.status;
    await Deno.remove(this.dataDir, { recursive: true });
  }

  /** The collection route prefix of `name`. */
  collectionUrl(name: string): string {
    return `${this.#server.url}/api/v1/collections/${this.#ids.get(name)}`;
  }
}
