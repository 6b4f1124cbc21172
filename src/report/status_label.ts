import type { RunStatus } from "../result/run_result.ts";

const LABELS: Record<RunStatus, { icon: string; word: string }> = {
  passed: { icon: "✅", word: "PASSED" },
  failed: { icon: "❌", word: "FAILED" },
  skipped: { icon: "⏭️", word: "SKIPPED" },
  invalid: { icon: "⚠️", word: "INVALID" },
  interrupted: { icon: "⏹️", word: "INTERRUPTED" },
};

/** "✅ PASSED", "⏭️ SKIPPED", … for a run status. */
export function statusLabel(status: RunStatus): string {
  const l = LABELS[status];
  return `${l.icon} ${l.word}`;
}

/** "PASSED", "SKIPPED", … : the status without its emoji (HTML draws its own mark). */
export function statusWord(status: RunStatus): string {
  return LABELS[status].word;
}
