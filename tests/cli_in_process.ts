import { main } from "../src/cli/main.ts";

/** Runs the CLI in-process with console.error captured: its exit code and error lines. */
export async function cliInProcess(args: string[]): Promise<{ code: number; stderr: string }> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    return { code: await main(args), stderr: lines.join("\n") };
  } finally {
    console.error = original;
  }
}
