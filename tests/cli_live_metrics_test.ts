import assert from "node:assert/strict";
import { join } from "node:path";
import { parsePrometheusText } from "../src/metrics/prometheus_text.ts";
import { cliInProcess } from "./cli_in_process.ts";

const MAIN = new URL("../src/cli/main.ts", import.meta.url).pathname;

Deno.test("akibench run: bad --metrics-port/--metrics-host exit 2 with one line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-metrics-flags-" });
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = String((busy.addr as Deno.NetAddr).port);
    const cases: [string[], RegExp][] = [
      [["--metrics-port", "abc"], /--metrics-port: expected a port from 0 to 65535, got "abc"/],
      [["--metrics-port", "70000"], /--metrics-port: expected a port .*"70000"/],
      [["--metrics-host", "0.0.0.0"], /--metrics-host needs --metrics-port/],
      [["--metrics-port", port, "--out", dir], new RegExp(`--metrics-port ${port} on 127.0.0.1: `)],
    ];
    for (const [flags, message] of cases) {
      const { code, stderr } = await cliInProcess(["run", "baseline", "--smoke", ...flags]);
      assert.equal(code, 2, flags.join(" "));
      assert.match(stderr, message, flags.join(" "));
      assert.equal(stderr.split("\n").length, 1, "one line");
    }
  } finally {
    busy.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("akibench run --metrics-port 0: prints the URL and serves the run's live figures", async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-metrics-cli-" });
  const scenario = join(dir, "watch.yaml");
  await Deno.writeTextFile(
    scenario,
    `name: Watch
duration: 60s
load: { type: constant, qps: 30 }
concurrency: 8
mix: { search: 100 }
dataset: { size: 200, dim: 16, metric: cosine, queries: 10, k: 10 }
criteria: [ "p95 < 25ms" ]
`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "run",
      scenario,
      "--metrics-port",
      "0",
      "--out",
      join(dir, "out"),
      "--dataset-dir",
      join(dir, "datasets"),
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  try {
    while (!/live metrics: (\S+)\n/.test(out)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`exited before printing the URL: ${out} ${await stderr}`);
      out += value;
    }
    const url = /live metrics: (\S+)\n/.exec(out)![1];
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    // Scrape until the load has finished 30 requests, then stop the run as Ctrl-C does.
    for (;;) {
      const res = await fetch(url);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      const { samples } = parsePrometheusText(await res.text());
      const done = samples.filter((s) => s.name === "akibench_requests_total")
        .reduce((n, s) => n + s.value, 0);
      if (done >= 30) {
        const search = samples.find((s) => s.name === "akibench_requests_total")!;
        assert.deepEqual(search.labels, {
          scenario: "watch",
          target: "reference",
          operation: "search",
        });
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    // Ctrl-C: the partial reports are written, then run waits for one more scrape (Prometheus
    // would store the final figures) and exits.
    child.kill("SIGINT");
    while (!out.includes("waiting ≤ 15 s for a last scrape")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`exited without waiting for a last scrape: ${out}`);
      out += value;
    }
    const last = parsePrometheusText(await (await fetch(url)).text()).samples;
    assert.equal(last.find((s) => s.name === "akibench_run_running")?.value, 0);
    const status = await child.status;
    assert.equal(status.code, 130, await stderr);
  } finally {
    await reader.cancel().catch(() => {});
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    await child.status;
    await stderr;
    await Deno.remove(dir, { recursive: true });
  }
});
