import type { RunResult } from "../result/run_result.ts";
import { criterionObserved, criterionThreshold } from "./criterion_text.ts";
import { escapeMarkup as x } from "./markup_escape.ts";

interface SuiteCases {
  xml: string[];
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function testcases(run: RunResult): SuiteCases {
  const cls = `akibench.${run.scenario_id}`;
  if (run.status === "skipped") {
    const reason = run.status_reason ?? "skipped";
    return {
      xml: [
        `    <testcase classname="${x(cls)}" name="scenario" time="0">`,
        `      <skipped message="${x(reason)}"/>`,
        `    </testcase>`,
      ],
      tests: 1,
      failures: 0,
      errors: 0,
      skipped: 1,
    };
  }
  if (run.status === "invalid" || run.status === "interrupted") {
    const reason = run.status_reason ?? run.generator.reason ?? run.status;
    return {
      xml: [
        `    <testcase classname="${x(cls)}" name="scenario" time="${run.duration_seconds}">`,
        `      <error type="${run.status}" message="${x(reason)}"/>`,
        `    </testcase>`,
      ],
      tests: 1,
      failures: 0,
      errors: 1,
      skipped: 0,
    };
  }
  const xml: string[] = [];
  let failures = 0;
  if (run.success_criteria.results.length === 0) {
    xml.push(
      `    <testcase classname="${x(cls)}" name="scenario" time="${run.duration_seconds}">`,
      `      <system-out>no criteria</system-out>`,
      `    </testcase>`,
    );
  }
  for (const c of run.success_criteria.results) {
    xml.push(`    <testcase classname="${x(cls)}" name="${x(c.expression)}" time="0">`);
    const detail = `observed ${criterionObserved(c)}, threshold ${criterionThreshold(c)}`;
    if (c.passed) xml.push(`      <system-out>${x(detail)}</system-out>`);
    else {
      failures++;
      const message = c.reason ?? detail;
      xml.push(`      <failure type="criterion" message="${x(message)}">${x(detail)}</failure>`);
    }
    xml.push(`    </testcase>`);
  }
  const tests = Math.max(1, run.success_criteria.results.length);
  return { xml, tests, failures, errors: 0, skipped: 0 };
}

/** JUnit XML: one testsuite per scenario, one testcase per criterion. */
export function renderJUnit(runs: RunResult[]): string {
  const suites = runs.map((run) => ({ run, ...testcases(run) }));
  const sum = (f: (s: SuiteCases & { run: RunResult }) => number) =>
    suites.reduce((a, s) => a + f(s), 0);
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="akibench" tests="${sum((s) => s.tests)}" failures="${
      sum((s) => s.failures)
    }" errors="${sum((s) => s.errors)}" skipped="${sum((s) => s.skipped)}" time="${
      sum((s) => s.run.duration_seconds)
    }">`,
  ];
  for (const s of suites) {
    const r = s.run;
    out.push(
      `  <testsuite name="${
        x(r.scenario_id)
      }" tests="${s.tests}" failures="${s.failures}" errors="${s.errors}" skipped="${s.skipped}" time="${r.duration_seconds}" timestamp="${
        x(r.start_time)
      }">`,
      `    <properties>`,
      `      <property name="scenario" value="${x(r.scenario)}"/>`,
      `      <property name="profile" value="${x(r.profile)}"/>`,
      `      <property name="target" value="${x(`${r.target.name} ${r.target.version}`)}"/>`,
      `      <property name="seed" value="${r.seed}"/>`,
      `    </properties>`,
      ...s.xml,
      `  </testsuite>`,
    );
  }
  out.push(`</testsuites>`, "");
  return out.join("\n");
}
