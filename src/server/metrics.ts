/** Upper bounds (seconds) of the request latency histogram buckets. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface RouteStats {
  counts: Map<number, number>;
  buckets: number[];
  sum: number;
  count: number;
}

/** Per-route request counts (by status) and latency histograms, in Prometheus text form. */
export class RequestMetrics {
  #routes = new Map<string, RouteStats>();

  /** Records one request to `method route` that ended with `status` after `seconds`. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route}`;
    let stats = this.#routes.get(key);
    if (!stats) {
      stats = { counts: new Map(), buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.#routes.set(key, stats);
    }
    stats.counts.set(status, (stats.counts.get(status) ?? 0) + 1);
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) stats.buckets[i]++;
    stats.sum += seconds;
    stats.count++;
  }

  /** Prometheus exposition lines for the request counters and histograms. */
  render(): string[] {
    const lines = [
      "# HELP akibench_http_requests_total HTTP requests by method, route and status.",
      "# TYPE akibench_http_requests_total counter",
    ];
    for (const [key, stats] of this.#routes) {
      const [method, route] = key.split(" ");
      for (const [status, n] of stats.counts) {
        lines.push(
          `akibench_http_requests_total{method="${method}",route="${route}",status="${status}"} ${n}`,
        );
      }
    }
    lines.push(
      "# HELP akibench_http_request_duration_seconds Request latency by method and route.",
      "# TYPE akibench_http_request_duration_seconds histogram",
    );
    for (const [key, stats] of this.#routes) {
      const [method, route] = key.split(" ");
      const labels = `method="${method}",route="${route}"`;
      BUCKETS.forEach((le, i) => {
        lines.push(
          `akibench_http_request_duration_seconds_bucket{${labels},le="${le}"} ${stats.buckets[i]}`,
        );
      });
      lines.push(
        `akibench_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${stats.count}`,
        `akibench_http_request_duration_seconds_sum{${labels}} ${stats.sum}`,
        `akibench_http_request_duration_seconds_count{${labels}} ${stats.count}`,
      );
    }
    return lines;
  }
}
