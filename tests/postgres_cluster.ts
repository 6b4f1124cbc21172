import { freePort } from "../src/targets/embedded_process.ts";

/** A throwaway PostgreSQL cluster (the system's, e.g. Debian's postgresql-15) for tests. */
export interface PostgresCluster {
  url: string;
  stop(): Promise<void>;
}

/** The server's binaries, from pg_config; null when PostgreSQL is not installed. */
export function postgresBinDir(): string | null {
  try {
    const out = new Deno.Command("pg_config", { args: ["--bindir"], stderr: "null" }).outputSync();
    const dir = new TextDecoder().decode(out.stdout).trim();
    Deno.statSync(`${dir}/initdb`);
    return dir;
  } catch {
    return null;
  }
}

/**
 * initdb into a temp dir and a postgres on a random 127.0.0.1 port (fsync off: a test's data),
 * superuser `akibench`, trust auth. Postgres refuses to run as root: as root both run as the
 * `postgres` system user (runuser), which owns the temp dir.
 */
export async function startPostgresCluster(binDir: string): Promise<PostgresCluster> {
  const dir = await Deno.makeTempDir({ prefix: "akibench-postgres-" });
  const asRoot = Deno.uid() === 0;
  const run = (cmd: string, args: string[]) =>
    asRoot ? ["runuser", "-u", "postgres", "--", cmd, ...args] : [cmd, ...args];
  if (asRoot) {
    const { uid, gid } = postgresUser();
    Deno.chownSync(dir, uid, gid);
  }
  const data = `${dir}/data`;
  const [initCmd, ...initArgs] = run(`${binDir}/initdb`, [
    "-D",
    data,
    "-U",
    "akibench",
    "--auth=trust",
    "-E",
    "UTF8",
    "--no-sync",
  ]);
  const init = await new Deno.Command(initCmd, { args: initArgs, stdout: "null", stderr: "piped" })
    .output();
  if (!init.success) {
    await Deno.remove(dir, { recursive: true });
    throw new Error(`initdb failed: ${new TextDecoder().decode(init.stderr).trim()}`);
  }
  const port = freePort();
  const [cmd, ...args] = run(`${binDir}/postgres`, [
    "-D",
    data,
    "-p",
    String(port),
    "-h",
    "127.0.0.1",
    "-k",
    dir,
    "-c",
    "fsync=off",
    "-c",
    "max_connections=20",
  ]);
  const server = new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).spawn();
  const stderr = new Response(server.stderr).text();
  const url = `postgres://akibench@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    // Fast shutdown, sent to the postmaster itself (runuser does not pass SIGINT on).
    const pid = Number(
      (await Deno.readTextFile(`${data}/postmaster.pid`).catch(() => "")).split("\n")[0],
    );
    try {
      if (pid > 0) Deno.kill(pid, "SIGINT");
      else server.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await server.status;
    await stderr;
    await Deno.remove(dir, { recursive: true });
  };
  // Ready once it accepts a TCP connection and answers the startup (pg_isready).
  for (let tries = 0;; tries++) {
    const ready = await new Deno.Command(`${binDir}/pg_isready`, {
      args: ["-h", "127.0.0.1", "-p", String(port), "-U", "akibench", "-q"],
    }).output();
    if (ready.success) return { url, stop };
    if (tries === 300) {
      await stop();
      throw new Error(`postgres did not start: ${(await stderr).trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function postgresUser(): { uid: number; gid: number } {
  const line = Deno.readTextFileSync("/etc/passwd").split("\n").find((l) =>
    l.startsWith("postgres:")
  );
  if (!line) throw new Error("running as root and there is no postgres system user");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}
