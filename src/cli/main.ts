import { commands } from "./commands.ts";
import { didYouMean } from "../usage/did_you_mean.ts";
import { UsageError } from "../usage/usage_error.ts";
import { VERSION } from "../version.ts";

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    `akibench ${VERSION}: reproducible load tests for vector databases`,
    "",
    "Usage: akibench <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Options:",
    "  --help, -h     show this help (also: akibench <command> --help)",
    "  --version, -V  print the version",
    "",
    "Exit codes: 0 ok / all criteria passed, 1 a criterion failed, 2 usage or config error,",
    "3 run invalid (generator saturated or target unreachable).",
  ].join("\n");
}

/** Runs the CLI with `args` and returns the process exit code. */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    console.log(VERSION);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    const names = commands.map((c) => c.name);
    console.error(
      `akibench: unknown command '${name}'${didYouMean(name, names)} (see 'akibench --help')`,
    );
    return 2;
  }
  const command = await entry.load();
  if (!command.handlesHelp && (rest.includes("--help") || rest.includes("-h"))) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      const hint = err.pointToHelp ? ` (see 'akibench ${name} --help')` : "";
      console.error(`akibench ${name}: ${err.message}${hint}`);
      return 2;
    }
    throw err;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
