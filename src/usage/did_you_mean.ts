/**
 * The valid names closest to a misspelled one, as a sentence tail: `; did you mean 'tiered'?`
 * or, when nothing is close, the whole list (`; expected one of: a, b, c`). Closeness is the
 * edit distance, or one name containing the other (tiered_storage → tiered).
 */
export function didYouMean(
  given: string,
  valid: readonly string[],
  show: (name: string) => string = (name) => name,
): string {
  const g = given.toLowerCase();
  const scored = valid.map((name) => {
    const n = name.toLowerCase();
    const contains = Math.min(n.length, g.length) >= 3 && (g.includes(n) || n.includes(g));
    return { name, d: contains ? 1 : editDistance(g, n) };
  });
  const best = Math.min(...scored.map((s) => s.d));
  // More than a third of the word wrong is a different word, not a typo.
  if (best <= Math.max(2, Math.floor(given.length / 3))) {
    const close = scored.filter((s) => s.d === best).map((s) => `'${show(s.name)}'`);
    return `; did you mean ${close.join(" or ")}?`;
  }
  return `; expected one of: ${valid.map(show).join(", ")}`;
}

/** Levenshtein distance (insert, delete, substitute each cost 1). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
