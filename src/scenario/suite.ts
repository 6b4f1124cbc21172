import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { SCENARIO_DIR } from "./read_scenario.ts";
import { ScenarioError } from "./scenario_error.ts";

/** A suite file (e.g. scenarios/smoke.yaml): which scenarios run, at which scale. */
export interface Suite {
  name: string;
  profile: "full" | "smoke";
  scenarios: string[];
}

const suiteDocument = z.strictObject({
  name: z.string().min(1),
  profile: z.enum(["full", "smoke"]),
  scenarios: z.array(z.string().min(1)).min(1),
});

/** Reads a suite by name ("smoke" → the bundled scenarios/smoke.yaml) or path. */
export async function loadSuite(ref: string): Promise<Suite> {
  const path = /\.ya?ml$/.test(ref) || ref.includes("/") ? ref : `${SCENARIO_DIR}${ref}.yaml`;
  let raw: unknown;
  try {
    raw = parseYaml(await Deno.readTextFile(path));
  } catch (err) {
    throw new ScenarioError(`${path}: ${(err as Error).message.split("\n")[0]}`);
  }
  const parsed = suiteDocument.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScenarioError(`${path}: ${issue.path.join(".") || "(top)"}: ${issue.message}`);
  }
  return parsed.data;
}
