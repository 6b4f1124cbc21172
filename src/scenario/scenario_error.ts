/**
 * A scenario file that cannot be used. The message is one line naming the file, the YAML path
 * and the bad value, e.g. `scenarios/x.yaml: load.qps: expected a positive number, got "fast"`.
 */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScenarioError";
  }
}
