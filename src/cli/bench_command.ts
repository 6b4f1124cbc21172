import { loadSuite } from "../scenario/suite.ts";
import { ScenarioError } from "../scenario/scenario_error.ts";
import type { Command } from "./command.ts";
import { parseRunFlags, runScenarios } from "./run_command.ts";
import { UsageError } from "../usage/usage_error.ts";

const HELP = `akibench bench: the smoke suite of the eight seed scenarios and the scalability sweep
(scenarios/smoke.yaml)

Usage: akibench bench [--target NAME[=URL],…] [--url URL] [--seed N] [--out DIR [--force]]
                      [--keep] [--serve] [--full]

Runs baseline, sustained, spike, tiered, multi_tenant, large_dataset, failure_injection and
chaos, then scalability's 1k and 10k steps, at smoke scale (about 6 minutes) against a fresh
embedded reference server each (each step its own), prints a
summary per scenario and writes reports/<timestamp>/. --full runs the suite's scenarios at full
length instead (hours). Exit codes as for 'akibench run'.`;

export const benchCommand: Command = {
  name: "bench",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { flags } = parseRunFlags(args, false);
    let suite;
    try {
      suite = await loadSuite("smoke");
    } catch (err) {
      if (err instanceof ScenarioError) throw new UsageError(err.message);
      throw err;
    }
    const full = args.includes("--full");
    return await runScenarios(suite.scenarios, {
      ...flags,
      profile: full ? "full" : suite.profile,
    });
  },
};
