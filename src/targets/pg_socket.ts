import { Buffer } from "node:buffer";
import { EventEmitter } from "node:events";

/** Fresh read space below this: the next read goes into a new slab. */
const MIN_READ = 16 * 1024;
const SLAB = 256 * 1024;

/** What postgres.js passes its `socket` factory (the parsed connection options). */
export interface PgSocketOptions {
  host: string[];
  port: number[];
  path?: string | false;
}

/**
 * The socket postgres.js talks through (its `socket` option), on Deno.connect rather than
 * node:net, whose stream machinery wraps each read and write. Measured against PGlite (8 in
 * flight, one connection, a busy shared machine): a query with a 512-d vector parameter cost
 * 146–156 µs of client CPU through this socket, 174–180 µs through node:net; a bare `SELECT 1`
 * 76–93 µs against 80–169 µs. It has what postgres.js uses of a
 * net.Socket: write(data, cb), end(data), destroy(), readyState, and the events data, error and
 * close (never drain: writes are queued, never refused; postgres.js bounds its own pipeline).
 * Received bytes are emitted as views of a slab that is never overwritten, since postgres.js
 * may keep a view until the rest of a message arrives. No TLS: akibench uses it only for
 * URLs without sslmode.
 */
export class PgSocket extends EventEmitter {
  readyState: "open" | "closed" = "open";
  readonly #conn: Deno.Conn;
  /** The queued writes, in order (a Deno write may be partial). */
  #writes: Promise<void> = Promise.resolve();
  #slab = new Uint8Array(SLAB);
  #offset = 0;

  private constructor(conn: Deno.Conn) {
    super();
    this.#conn = conn;
    this.#readLoop();
  }

  /** The connected socket postgres.js's `socket` option expects (a Unix socket for `path`). */
  static async connect(options: PgSocketOptions): Promise<PgSocket> {
    if (options.path) {
      return new PgSocket(await Deno.connect({ transport: "unix", path: options.path }));
    }
    const conn = await Deno.connect({ hostname: options.host[0], port: options.port[0] });
    conn.setNoDelay(true);
    return new PgSocket(conn);
  }

  write(data: Uint8Array, callback?: (err?: Error) => void): boolean {
    this.#writes = this.#writes.then(async () => {
      if (this.readyState === "closed") return;
      for (let off = 0; off < data.length;) off += await this.#conn.write(data.subarray(off));
    }).then(() => callback?.(), (err) => this.#fail(err));
    return true;
  }

  /** Writes `data` (postgres.js's Terminate message), then closes. */
  end(data?: Uint8Array): void {
    if (data) this.write(data, () => this.#close());
    else this.#writes.then(() => this.#close());
  }

  destroy(): void {
    this.#close();
  }

  async #readLoop(): Promise<void> {
    try {
      for (;;) {
        if (this.#slab.length - this.#offset < MIN_READ) {
          this.#slab = new Uint8Array(SLAB);
          this.#offset = 0;
        }
        const got = await this.#conn.read(this.#slab.subarray(this.#offset));
        if (got === null) break;
        const chunk = Buffer.from(this.#slab.buffer, this.#offset, got);
        this.#offset += got;
        this.emit("data", chunk);
      }
    } catch (err) {
      if (this.readyState === "open") {
        this.emit("error", err);
        this.#close(true);
      }
    }
    this.#close(false);
  }

  #fail(err: Error): void {
    if (this.readyState === "closed") return;
    this.emit("error", err);
    this.#close(true);
  }

  #close(hadError = false): void {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    try {
      this.#conn.close();
    } catch {
      // Already closed by the runtime.
    }
    this.emit("close", hadError);
  }
}
