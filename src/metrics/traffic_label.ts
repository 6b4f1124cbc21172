/** What one request is counted as. `tenant` is "" when the scenario has no tenants. */
export interface TrafficLabel {
  operation: string;
  tenant: string;
}
