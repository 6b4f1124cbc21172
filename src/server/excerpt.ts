/** Most characters of a client's input an error message quotes. */
export const QUOTE_CHARS = 100;

/**
 * `text` as an error message may quote it: at most `max` characters, then "…" and the full
 * length, so a 5 MB string in a request is never echoed back whole.
 */
export function excerpt(text: string, max = QUOTE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
