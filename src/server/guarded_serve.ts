import { type Deadline, deadlines } from "./deadlines.ts";

/** How long a connection may go without a request in progress. */
export interface ConnectionTimeouts {
  /** A new connection must deliver its first request's complete headers within this (ms). */
  headerMs: number;
  /**
   * A keep-alive connection with no request in progress is closed after this (ms); the next
   * request's headers, however slowly they trickle in, must be complete by then.
   */
  idleMs: number;
}

/** A running HTTP server whose connections are closed when they stall. */
export interface GuardedServer {
  addr: Deno.NetAddr;
  /** Stops accepting, closes idle connections, lets requests in progress finish. */
  shutdown(): Promise<void>;
}

type Handler = (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>;

/** Deno's per-connection HTTP server: the engine of `Deno.serve`, one connection at a time. */
interface HttpOnConnection {
  finished: Promise<void>;
  shutdown(): Promise<void>;
}
type ServeHttpOnConnection = (
  conn: Deno.Conn,
  signal: AbortSignal,
  handler: Handler,
  onError: (error: unknown) => Response,
  onListen: () => void,
) => HttpOnConnection;

/**
 * `Deno.serve` offers no header-read or idle timeout (an idle or slowly trickling client holds
 * its socket for ever; denoland/deno#32497 is open), and node:http, which has them, served the
 * same Hono app ~30 % slower here. So connections are accepted here and each is handed to Deno's
 * own hyper-based server (`serveHttpOnConnection`, the function `Deno.serve` is built on, reached
 * through `Deno[Deno.internal]`), with a deadline (deadlines.ts) that is set whenever no request
 * is in progress on it and closes it when it passes.
 */
export function serveGuarded(
  options: { hostname: string; port: number; timeouts: ConnectionTimeouts },
  handler: Handler,
): GuardedServer {
  const serveOn = serveHttpOnConnection();
  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const open = new Set<GuardedConnection>();
  const accepting = (async () => {
    for await (const conn of listener) {
      const guarded = new GuardedConnection(conn, options.timeouts, handler, serveOn);
      open.add(guarded);
      guarded.finished.finally(() => open.delete(guarded));
    }
  })().catch(() => {}); // the listener was closed
  return {
    addr: listener.addr,
    async shutdown() {
      listener.close();
      await accepting;
      await Promise.all([...open].map((c) => c.shutdown()));
    },
  };
}

function serveHttpOnConnection(): ServeHttpOnConnection {
  // deno-lint-ignore no-explicit-any
  const internal = (Deno as any)[(Deno as any).internal];
  const serveOn = internal?.serveHttpOnConnection;
  if (typeof serveOn !== "function") {
    throw new Error(
      `Deno ${Deno.version.deno} lacks Deno[Deno.internal].serveHttpOnConnection, which the ` +
        "reference server needs for its connection timeouts",
    );
  }
  return serveOn;
}

class GuardedConnection implements Deadline {
  readonly finished: Promise<void>;
  /** When the connection is closed unless a request starts before (Infinity while one runs). */
  at: number;
  #abort = new AbortController();
  #server: HttpOnConnection;
  #active = 0;
  #closing = false;
  #ended = false;

  constructor(
    conn: Deno.TcpConn,
    private readonly timeouts: ConnectionTimeouts,
    handler: Handler,
    serveOn: ServeHttpOnConnection,
  ) {
    conn.setNoDelay(true);
    this.at = performance.now() + timeouts.headerMs;
    deadlines.watch(this);
    const done = () => {
      if (--this.#active === 0 && !this.#closing) {
        this.at = performance.now() + this.timeouts.idleMs;
        deadlines.moved(this);
      }
    };
    this.#server = serveOn(
      conn,
      this.#abort.signal,
      (request, info) => {
        this.at = Infinity;
        this.#active++;
        info.completed.then(done, done);
        return handler(request, info);
      },
      () => new Response(JSON.stringify({ error: "internal error" }), { status: 500 }),
      () => {},
    );
    this.finished = this.#server.finished.catch(() => {}).finally(() => {
      this.#ended = true;
      deadlines.unwatch(this);
    });
  }

  /** Closes the connection at once when idle, else after the requests in progress. */
  shutdown(): Promise<void> {
    this.#closing = true;
    if (this.#active === 0) this.expire();
    else this.#server.shutdown().catch(() => {});
    return this.finished;
  }

  /** The deadline passed (or the server shuts down): closes the connection. */
  expire(): void {
    this.at = Infinity;
    // Aborting closes the connection's resource, which must still exist.
    if (!this.#ended) this.#abort.abort();
  }
}
