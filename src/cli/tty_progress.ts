/**
 * A one-line progress display on stderr, active only when stderr is a terminal: each message
 * replaces the previous one (at most every 100 ms); `done()` clears the line.
 */
export interface TtyProgress {
  /** Shows a message, or undefined when stderr is not a terminal (stay quiet). */
  show: ((message: string) => void) | undefined;
  done(): void;
}

export function ttyProgress(label: string): TtyProgress {
  if (!Deno.stderr.isTerminal()) return { show: undefined, done() {} };
  const encoder = new TextEncoder();
  const started = performance.now();
  let last = 0;
  let shown = false;
  return {
    show(message: string) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      const elapsed = ((now - started) / 1000).toFixed(1);
      Deno.stderr.writeSync(encoder.encode(`\r\x1b[2K${label}: ${message} [${elapsed} s]`));
    },
    done() {
      if (shown) Deno.stderr.writeSync(encoder.encode("\r\x1b[2K"));
      shown = false;
    },
  };
}
