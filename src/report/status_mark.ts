import type { RunStatus } from "../result/run_result.ts";

/**
 * An HTML status mark drawn by CSS (html_style.ts: a check, a cross, a bar, …) in the status
 * colour: emoji render as empty boxes where no emoji font is installed (servers, CI, many Linux
 * desktops). The word next to it carries the meaning; the mark is decoration.
 */
export function statusMark(status: RunStatus): string {
  return `<span class="mark ${status}" aria-hidden="true"></span>`;
}
