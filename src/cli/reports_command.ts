import type { Command } from "./command.ts";
import { intFlagInRange, parseFlags } from "./parse_flags.ts";
import { UsageError } from "../usage/usage_error.ts";
import { reportsApp } from "../report/reports_server.ts";

const HELP = `akibench reports: browse saved reports

Usage: akibench reports serve [--port 8088] [--host 127.0.0.1] [DIR]

Serves DIR (default: reports), where each subdirectory holds one suite run: an index of all
runs, each run's reports and raw JSON, and a compare page for any two runs
(/compare?base=RUN&new=RUN&tolerance=10). Stops on Ctrl-C.`;

/** The flags of `reports serve` (the deployment manifests' test checks their arguments too). */
export const REPORTS_FLAGS = {
  port: { type: "string" },
  host: { type: "string" },
} as const;

export const reportsCommand: Command = {
  name: "reports",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parseFlags(args, REPORTS_FLAGS, true);
    if (positionals[0] !== "serve" || positionals.length > 2) {
      throw new UsageError("usage: akibench reports serve [--port 8088] [DIR]");
    }
    const dir = positionals[1] ?? "reports";
    const isDir = await Deno.stat(dir).then((s) => s.isDirectory, () => false);
    if (!isDir) throw new UsageError(`${dir}: no such directory`);
    const port = intFlagInRange("port", values.port, 0, 65535) ?? 8088;
    const stop = new AbortController();
    const server = Deno.serve({
      port,
      hostname: values.host ?? "127.0.0.1",
      signal: stop.signal,
      onListen: (addr) =>
        console.log(`akibench reports: http://${addr.hostname}:${addr.port}/ (${dir})`),
    }, reportsApp(dir).fetch);
    const onSignal = () => stop.abort();
    Deno.addSignalListener("SIGINT", onSignal);
    await server.finished;
    Deno.removeSignalListener("SIGINT", onSignal);
    return 0;
  },
};
