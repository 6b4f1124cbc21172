/**
 * The one line `akibench serve` prints once it listens, and the pattern that reads it back: the
 * reference target, the tests and the benchmarks that start the server as a child all wait for
 * it, so its wording lives here only.
 */
export function startLine(url: string, pid: number): string {
  return `akibench reference server listening on ${url} (pid ${pid})`;
}

/** Matches {@link startLine}: group 1 the URL, group 2 the pid. */
export const START_LINE = /akibench reference server listening on (http:\/\/\S+) \(pid (\d+)\)/;
