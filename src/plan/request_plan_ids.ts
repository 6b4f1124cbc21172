/** A fixed UUID v7 timestamp (2025-01-01T00:00:00Z): ids depend only on the seed and position. */
const EPOCH_MS = 1_735_689_600_000;

/**
 * A deterministic, unique UUID v7 (lowercase, hyphenated) for (seed, a, b): the 48-bit timestamp
 * is fixed; the remaining bits hold 12 bits of the seed, `a + 1` (14 bits) and `b` (48 bits), so
 * distinct (a, b) never collide. Base vectors use a = −1, b = row; vectors inserted during the
 * run use a = stream index, b = arrival index.
 */
export function planDocId(seed: number, a: number, b: number): string {
  const bytes = new Uint8Array(16);
  let ms = EPOCH_MS;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  const s = (Math.imul(seed | 0, 0x9e3779b1) >>> 20) & 0xfff;
  bytes[6] = 0x70 | (s >>> 8);
  bytes[7] = s & 0xff;
  const stream = (a + 1) & 0x3fff;
  bytes[8] = 0x80 | (stream >>> 8);
  bytes[9] = stream & 0xff;
  let rest = b;
  for (let i = 15; i >= 10; i--) {
    bytes[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  const hex = Array.from(bytes, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;
}
