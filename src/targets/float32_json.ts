/**
 * float32 values as JSON numbers, written as ASCII straight into a byte buffer: what the HTTP
 * targets send for vectors. JSON.stringify prints a float32's double value in up to 17 digits
 * (0.1f as 0.10000000149011612): ~35 µs per 512-d vector, and its text took ~12 µs more to encode
 * for the bulk load. This writes 8 or 9 digits (a fifth fewer bytes for the server to read on the
 * scalability dataset) in ~22 µs, into the bytes that are sent (scratch runs on this 2-core VM,
 * 2026-12-06; bench/bulk_load.ts prints the client's body cost).
 *
 * Exact by construction: each candidate decimal m × 10^k is checked by computing the double it
 * parses to (m < 2^53 and 10^|k| ≤ 10^22 are exact doubles, so one multiplication or division is
 * the correctly rounded value, as JSON.parse or serde_json's f64 parse of the text gives it) and
 * accepting it only when that double rounds to the very float32 (Math.fround) and is no float32
 * midpoint (where a parser that rounds the decimal straight to float32, pgvector's strtof, could
 * go the other way). Values no candidate fits are written by String(), the shortest text of
 * their double value, which every parser takes back to it.
 */

const MINUS = 45, DOT = 46, ZERO = 48, COMMA = 44;

/** Powers of ten a double holds exactly. */
const TENS = Float64Array.from({ length: 23 }, (_, i) => 10 ** i);
/** 10^(i - 46), nearest doubles: only to count a value's digits (never decides a value). */
const POWERS = Float64Array.from({ length: 87 }, (_, i) => Number(`1e${i - 46}`));
const LOG10_2 = Math.log10(2);
const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
/** "00" to "99": two digits per division. */
const PAIRS = Uint8Array.from(
  { length: 200 },
  (_, i) => ZERO + (i % 2 === 0 ? Math.floor(i / 20) : ((i - 1) / 2) % 10),
);

/** The most bytes writeFloat32Json writes for one value ("-1.4012984643248171e-45" is 23). */
export const FLOAT32_JSON_MAX_BYTES = 24;

/**
 * Writes `value` (a float32, e.g. read from a Float32Array) into `out` at `at` as a JSON number
 * that parses back to exactly it (-0 as "-0"); NaN and ±Infinity, which JSON cannot carry, as
 * `null` (as JSON.stringify does: the server refuses it). Returns the offset after it.
 */
export function writeFloat32Json(out: Uint8Array, at: number, value: number): number {
  const a = value < 0 ? -value : value;
  if (a >= 1e-5 && a < 1) {
    // Most of an embedding: 0.000ddddddddd, the digits m / 10^j. The decimal exponent e from the
    // binary one (Math.log10 took longer than the rest).
    f32[0] = a;
    let e = Math.floor(((f32Bits[0] >>> 23) - 127) * LOG10_2);
    if (a >= POWERS[e + 47]) e++;
    for (let digits = 8; digits <= 9; digits++) {
      const j = digits - 1 - e;
      const m = Math.round(a * TENS[j]);
      if (m < TENS[digits] && parsesTo(a, m / TENS[j])) {
        if (value < 0) out[at++] = MINUS;
        return writeFraction(out, at, m, digits, -1 - e);
      }
    }
  }
  return writeAnyFloat32(out, at, value);
}

/**
 * Whether `parsed`, the double a parser makes of a decimal, rounds to the float32 `a` and is no
 * float32 midpoint (where rounding the decimal straight to float32 could go the other way).
 */
function parsesTo(a: number, parsed: number): boolean {
  if (Math.fround(parsed) !== a) return false;
  // Exact (parsed is within a float32 step of a): the neighbour when parsed is a midpoint.
  const twice = 2 * parsed - a;
  return parsed === a || Math.fround(twice) !== twice;
}

/** "0." then `zeros` zeros and the `n` digits of m, trailing zeros cut. */
function writeFraction(out: Uint8Array, at: number, m: number, n: number, zeros: number): number {
  out[at++] = ZERO;
  out[at++] = DOT;
  for (let i = 0; i < zeros; i++) out[at++] = ZERO;
  let end = writeDigits(out, at, m, n);
  while (out[end - 1] === ZERO) end--;
  return end;
}

/** writeFloat32Json for any value: 8 or 9 digits where they fit a double's exact powers. */
function writeAnyFloat32(out: Uint8Array, at: number, value: number): number {
  if (value === 0) {
    if (1 / value < 0) out[at++] = MINUS;
    out[at++] = ZERO;
    return at;
  }
  if (value !== value || value === Infinity || value === -Infinity) {
    out[at] = 110, out[at + 1] = 117, out[at + 2] = 108, out[at + 3] = 108; // null
    return at + 4;
  }
  let a = value;
  if (a < 0) {
    out[at++] = MINUS;
    a = -a;
  }
  f32[0] = a;
  let e = Math.floor(((f32Bits[0] >>> 23) - 127) * LOG10_2);
  if (a >= POWERS[e + 47]) e++;
  for (let digits = 8; digits <= 9; digits++) {
    const k = e - digits + 1; // m × 10^k
    if (k < -22 || k > 22) break;
    const m = Math.round(k < 0 ? a * TENS[-k] : a / TENS[k]);
    if (m < TENS[digits] && parsesTo(a, k < 0 ? m / TENS[-k] : m * TENS[k])) {
      return writeDecimal(out, at, m, digits, k);
    }
  }
  const text = String(a);
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/** Writes `[x,y,…]` (writeFloat32Json for each element); returns the offset after it. */
export function writeVectorJson(out: Uint8Array, at: number, vector: Float32Array): number {
  out[at++] = 91; // [
  for (let i = 0; i < vector.length; i++) {
    if (i > 0) out[at++] = COMMA;
    at = writeFloat32Json(out, at, vector[i]);
  }
  out[at++] = 93; // ]
  return at;
}

/** The most bytes writeVectorJson writes for a vector of `length` elements. */
export function vectorJsonMaxBytes(length: number): number {
  return 2 + length * (FLOAT32_JSON_MAX_BYTES + 1);
}

/**
 * m × 10^k (0 < m < 10^9, n its digit count) in at most 16 bytes: 4123.4568, 41234568000,
 * 0.0000041234568; far from 1, as 41234568e-15.
 */
function writeDecimal(out: Uint8Array, at: number, m: number, n: number, k: number): number {
  for (let q = (m / 10) | 0; m === q * 10; q = (m / 10) | 0) {
    m = q;
    k++;
    n--;
  }
  const point = n + k; // digits before the decimal point
  if (k >= 0 && point <= 15) {
    at = writeDigits(out, at, m, n);
    for (let i = 0; i < k; i++) out[at++] = ZERO;
    return at;
  }
  if (k < 0 && point > 0) {
    const whole = (m / TENS[-k]) | 0;
    at = writeDigits(out, at, whole, point);
    out[at++] = DOT;
    return writeDigits(out, at, m - whole * TENS[-k], -k);
  }
  if (k < 0 && point > -5) return writeFraction(out, at, m, n, -point);
  at = writeDigits(out, at, m, n);
  out[at++] = 101; // e
  if (k < 0) out[at++] = MINUS;
  const exponent = k < 0 ? -k : k;
  return writeDigits(out, at, exponent, exponent >= 10 ? 2 : 1);
}

/** The int32 `m` (0 ≤ m < 10^count) as exactly `count` digits, zero-padded on the left. */
function writeDigits(out: Uint8Array, at: number, m: number, count: number): number {
  let i = at + count - 1;
  for (; i > at; i -= 2) {
    const q = (m / 100) | 0;
    const pair = (m - q * 100) << 1;
    out[i - 1] = PAIRS[pair];
    out[i] = PAIRS[pair + 1];
    m = q;
  }
  if (i === at) out[i] = ZERO + m;
  return at + count;
}
