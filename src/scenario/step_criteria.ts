/**
 * A sweep's criteria name their step with a `step=` selector (`p95{step=1m} < 50ms`); the
 * step's run judges the criterion without it. A criterion without one applies to every step.
 */
export interface StepCriterion {
  /** The step the criterion is for, or null for every step. */
  step: string | null;
  /** The criterion as the step's own run judges it (the `step=` selector removed). */
  expression: string;
}

const SELECTOR = /\{([^}]*)\}/;

/** Splits the `step=` selector off a criterion; other selectors stay as they were written. */
export function splitStepSelector(expression: string): StepCriterion {
  const m = SELECTOR.exec(expression);
  if (!m) return { step: null, expression };
  const parts = m[1].split(",");
  const at = parts.findIndex((p) => /^\s*step\s*=/.test(p));
  if (at < 0) return { step: null, expression };
  const step = parts[at].replace(/^\s*step\s*=\s*/, "").trim();
  parts.splice(at, 1);
  const rest = parts.length > 0 ? `{${parts.join(",")}}` : "";
  return {
    step,
    expression: expression.slice(0, m.index) + rest + expression.slice(m.index + m[0].length),
  };
}

/** The expression a step's result lists a sweep criterion under: its own, with `step=name`. */
export function withStepSelector(expression: string, step: string): string {
  const m = SELECTOR.exec(expression);
  if (m) {
    const inner = `${m[1]},step=${step}`;
    return expression.slice(0, m.index) + `{${inner}}` + expression.slice(m.index + m[0].length);
  }
  const at = /\s*(<=|>=|==|!=|<|>)/.exec(expression);
  return at
    ? `${expression.slice(0, at.index)}{step=${step}}${expression.slice(at.index)}`
    : expression;
}
