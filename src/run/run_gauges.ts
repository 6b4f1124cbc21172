import type { Criterion } from "../criteria/criterion.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { Capabilities } from "../targets/target.ts";

/**
 * The target gauges a run samples: those the scenario lists, every gauge a criterion names
 * (without its label selector), and the state gauges of the target's features.
 */
export function runGauges(
  scenario: Scenario,
  criteria: Criterion[],
  features: Capabilities,
): string[] {
  return [
    ...new Set([
      ...scenario.metrics,
      ...stateGauges(features),
      ...criteria.flatMap((c) => (c.gauge ? [c.gauge.replace(/\{.*$/, "")] : [])),
    ]),
  ];
}

/**
 * Target gauges every run keeps when the target has the feature, whether or not a criterion
 * names them, so that a report shows tier occupancy and transitions, and the object store's
 * circuit breaker and dead-letter queue, over time.
 */
function stateGauges(features: Capabilities): string[] {
  const objectStore = features.tiering || features.faults;
  return [
    ...(features.tiering ? ["akidb_tier_collections", "akidb_tier_transitions_total"] : []),
    ...(objectStore ? ["akidb_circuit_breaker_state", "akidb_dlq_size"] : []),
  ];
}
