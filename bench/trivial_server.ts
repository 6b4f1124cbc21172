/** A Deno.serve endpoint answering "ok" to everything, in its own process (for the benches). */
const SERVER = `
Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(port) },
  () => new Response("ok"));
setTimeout(() => Deno.exit(0), 15 * 60 * 1000);`;

export interface TrivialServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startTrivialServer(): Promise<TrivialServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", SERVER],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const port = Number((await reader.read()).value?.trim());
  reader.releaseLock();
  return {
    url: `http://127.0.0.1:${port}/`.replace(/\/$/, ""),
    pid: child.pid,
    stop: async () => {
      child.kill();
      await child.status;
    },
  };
}
