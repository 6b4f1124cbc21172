/** Number formatting shared by the text reporters (Markdown, terminal, HTML, compare). */

/** Milliseconds with precision that suits their size: 0.123, 8.25, 21.3, 1234. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "–";
  const digits = ms < 1 ? 3 : ms < 10 ? 2 : ms < 1000 ? 1 : 0;
  return trimZeros(ms.toFixed(digits));
}

/** A plain number with at most `digits` decimals, trailing zeros dropped. */
export function formatNumber(x: number | null, digits = 2): string {
  if (x === null || !Number.isFinite(x)) return "–";
  return trimZeros(x.toFixed(digits));
}

/** Integer counts with thousands separators: 180,000. */
export function formatCount(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A ratio (0.0002) as a percentage (0.02%). */
export function formatRatioPercent(ratio: number): string {
  const pct = ratio * 100;
  const digits = pct === 0 ? 0 : pct < 0.1 ? 3 : pct < 10 ? 2 : 1;
  return `${trimZeros(pct.toFixed(digits))}%`;
}

/** Seconds as "45 s", "12 min 5 s" or "1 h 2 min". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  const m = Math.floor((s % 3600) / 60);
  return m === 0 ? `${Math.floor(s / 3600)} h` : `${Math.floor(s / 3600)} h ${m} min`;
}

function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}
