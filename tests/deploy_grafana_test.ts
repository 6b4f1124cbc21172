import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { parse } from "yaml";

/**
 * deploy/grafana holds together: what docker-compose mounts exists, Prometheus scrapes the port
 * akibench serves on and loads the live rules (promtool checks the config), and the dashboard's
 * panels name the provisioned datasource. The queries themselves are checked against a real
 * scrape in live_prometheus_test.ts.
 */
const DIR = "deploy/grafana";

Deno.test("deploy/grafana: compose mounts, scrape port, rule file and datasource agree", async () => {
  const compose = parse(await Deno.readTextFile(join(DIR, "docker-compose.yml"))) as {
    services: Record<string, { volumes?: string[]; command?: string | string[] }>;
  };
  assert.deepEqual(Object.keys(compose.services).sort(), ["akibench", "grafana", "prometheus"]);
  for (const service of Object.values(compose.services)) {
    for (const volume of service.volumes ?? []) {
      const host = volume.split(":")[0];
      await Deno.stat(resolve(DIR, host)); // throws when the mounted path is missing
    }
  }
  const command = String(compose.services.akibench.command);
  const port = /--metrics-port (\d+)/.exec(command)?.[1];
  assert.ok(port, command);
  assert.match(command, /--metrics-host 0\.0\.0\.0/);

  const prometheus = parse(await Deno.readTextFile(join(DIR, "prometheus.yml"))) as {
    rule_files: string[];
    scrape_configs: { static_configs: { targets: string[] }[] }[];
  };
  assert.deepEqual(prometheus.scrape_configs[0].static_configs[0].targets, [`akibench:${port}`]);
  // The rules are mounted from alerts/: check the config with that path made local.
  const ruleMount = compose.services.prometheus.volumes!.find((v) => v.includes("alerts"))!;
  const [hostDir, containerDir] = ruleMount.split(":");
  const tmp = await Deno.makeTempDir({ prefix: "akibench-deploy-" });
  try {
    const config = join(tmp, "prometheus.yml");
    const local = prometheus.rule_files.map((f) =>
      resolve(DIR, hostDir, f.slice(containerDir.length + 1))
    );
    for (const f of local) await Deno.stat(f);
    await Deno.writeTextFile(config, JSON.stringify({ ...prometheus, rule_files: local }));
    const out = await new Deno.Command("promtool", { args: ["check", "config", config] }).output();
    assert.ok(
      out.success,
      new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }

  const datasources = parse(
    await Deno.readTextFile(join(DIR, "provisioning/datasources/prometheus.yml")),
  ) as { datasources: { uid: string; url: string }[] };
  const uid = datasources.datasources[0].uid;
  assert.equal(datasources.datasources[0].url, "http://prometheus:9090");
  const dashboard = JSON.parse(await Deno.readTextFile(join(DIR, "dashboards/akibench.json")));
  const panels = dashboard.panels.filter((p: { type: string }) => p.type !== "row");
  assert.ok(panels.length >= 12);
  for (const p of panels) assert.equal(p.datasource.uid, uid, p.title);
  const provider = parse(
    await Deno.readTextFile(join(DIR, "provisioning/dashboards/akibench.yml")),
  ) as { providers: { options: { path: string } }[] };
  const dashboardsMount = compose.services.grafana.volumes!.find((v) => v.includes("dashboards"))!;
  assert.equal(dashboardsMount.split(":")[1], provider.providers[0].options.path);
  assert.equal(resolve(DIR, dashboardsMount.split(":")[0]), resolve(DIR, "dashboards"));
});

/** The repository path a container path reaches through `volumes` (host:container[:ro]). */
function hostPath(volumes: string[], containerPath: string): string | null {
  for (const v of volumes) {
    const [host, container] = v.split(":");
    if (containerPath === container || containerPath.startsWith(container + "/")) {
      return resolve(DIR, host, containerPath.slice(container.length + 1));
    }
  }
  return null;
}

Deno.test("deploy/grafana: every path a service is told to read is mounted from a file of this repository", async () => {
  const compose = parse(await Deno.readTextFile(join(DIR, "docker-compose.yml"))) as {
    services: Record<string, {
      volumes: string[];
      command: string | string[];
      working_dir?: string;
      environment?: Record<string, string>;
    }>;
  };
  const { akibench, prometheus, grafana } = compose.services;
  // Prometheus reads the mounted config, which is deploy/grafana/prometheus.yml.
  const configFlag = (prometheus.command as string[]).find((a) => a.startsWith("--config.file="))!;
  assert.equal(
    hostPath(prometheus.volumes, configFlag.slice("--config.file=".length)),
    resolve(DIR, "prometheus.yml"),
  );
  // Grafana's provisioning folder (its default path) holds both provisioning files, and its
  // home dashboard is the repository's dashboard file.
  assert.equal(
    hostPath(grafana.volumes, "/etc/grafana/provisioning/datasources/prometheus.yml"),
    resolve(DIR, "provisioning/datasources/prometheus.yml"),
  );
  const providerFile = hostPath(
    grafana.volumes,
    "/etc/grafana/provisioning/dashboards/akibench.yml",
  );
  await Deno.stat(providerFile!);
  const home = grafana.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
  assert.equal(hostPath(grafana.volumes, home), resolve(DIR, "dashboards/akibench.json"));
  const provider = parse(await Deno.readTextFile(providerFile!)) as {
    providers: { options: { path: string } }[];
  };
  const provided = hostPath(grafana.volumes, provider.providers[0].options.path)!;
  assert.ok((await Deno.stat(join(provided, "akibench.json"))).isFile);
  // akibench runs the repository's CLI from the mounted checkout, on a bundled scenario.
  assert.equal(hostPath(akibench.volumes, akibench.working_dir!), resolve("."));
  const command = String(akibench.command);
  const main = /deno run -A (\S+)/.exec(command)![1];
  await Deno.stat(join(hostPath(akibench.volumes, akibench.working_dir!)!, main));
  const scenario = akibench.environment!.AKIBENCH_ARGS.replace(/^\$\{\w+:-(.*)\}$/, "$1")
    .split(" ")[0];
  await Deno.stat(join("scenarios", `${scenario}.yaml`));
});
