const f32 = new Float32Array(1);
const bits = new Uint32Array(f32.buffer);

/** The float32 whose bit pattern is `pattern` (as a number; Infinity past the largest). */
function fromBits(pattern: number): number {
  bits[0] = pattern;
  return f32[0];
}

/**
 * `value` (a float32, e.g. read from a Float32Array) as AkiDB writes it: serde_json formats an
 * f32 with ryu, which prints the shortest decimal that parses back to the same float32 (the one
 * closest to it when several are as short, the even one on an exact tie) in ryu's layout:
 * "0.1", "1.0", "-0.0", "1234000000000.0" up to 13 integer digits, "0.00001234" down to 5
 * leading zeros, else "1.234e-7" / "3.4028235e38" / "1e-45". Non-finite values are `null`,
 * as in serde_json. JSON.stringify would widen 0.1f to 0.10000000149011612.
 */
export function float32Text(value: number): string {
  if (!Number.isFinite(value)) return "null";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [digits, exponent] = shortestDigits(Math.abs(value));
  return (value < 0 ? "-" : "") + ryuLayout(digits, exponent);
}

/** ryu's pretty::format32 layout of digits × 10^exponent (digits has no trailing zeros). */
function ryuLayout(digits: string, exponent: number): string {
  const length = digits.length;
  const kk = length + exponent; // 10^(kk-1) <= v < 10^kk
  if (exponent >= 0 && kk <= 13) return digits + "0".repeat(exponent) + ".0";
  if (kk > 0 && kk <= 13) return `${digits.slice(0, kk)}.${digits.slice(kk)}`;
  if (kk > -6 && kk <= 0) return `0.${"0".repeat(-kk)}${digits}`;
  const tail = length === 1 ? "" : `.${digits.slice(1)}`;
  return `${digits[0]}${tail}e${kk - 1}`;
}

/**
 * The shortest decimal m × 10^k (m as digits) that rounds to the positive float32 `a`, closest
 * to `a` among the shortest, the even m on a tie. For p digits the candidates are the closest
 * p-digit decimal (toExponential is exact) and, where the rounding interval is lopsided (a
 * power of two: the gap below is half the gap above), the next one on the other side of `a`.
 * Nine digits always suffice and if p digits do, p + 1 do, so the search walks down from 9.
 */
function shortestDigits(a: number): [string, number] {
  f32[0] = a;
  const pattern = bits[0];
  const below = fromBits(pattern - 1);
  const above = fromBits(pattern + 1);
  const interval: RoundingInterval = {
    low: (below + a) / 2,
    high: above === Infinity ? a + (a - below) / 2 : (a + above) / 2,
    inclusive: (pattern & 1) === 0,
  };
  const lopsided = (pattern & 0x7fffff) === 0 && pattern >>> 23 > 1;
  // Most float32 values need 8 or 9 digits: try 8 first, then 9 (always enough) or fewer.
  let best = candidate(a, 8, interval, lopsided) ?? candidate(a, 9, interval, lopsided)!;
  for (let p = best.m < 1e8 ? 7 : 0; p >= 1; p--) {
    const shorter = candidate(a, p, interval, lopsided);
    if (shorter === undefined) break;
    best = shorter;
  }
  let { m, k } = best;
  while (m % 10 === 0) {
    m /= 10;
    k++;
  }
  return [String(m), k];
}

/** Where decimals round to one float32: (low, high), ends included when its bit pattern is even. */
interface RoundingInterval {
  low: number;
  high: number;
  inclusive: boolean;
}

/** The p-digit decimal m × 10^k that ryu prints for `a`, or undefined when none rounds to `a`. */
function candidate(
  a: number,
  p: number,
  interval: RoundingInterval,
  lopsided: boolean,
): { m: number; k: number } | undefined {
  const { m, k } = closestDecimal(a, p);
  const x = decimalValue(m, k);
  if (roundsInto(m, k, x, interval)) {
    // On a tie toExponential (and Math.round) picks the larger decimal, ryu the even one.
    if (m % 2 === 1 && x > a && isExactly(m * 10 - 5, k - 1, a)) {
      if (roundsInto(m - 1, k, decimalValue(m - 1, k), interval)) return { m: m - 1, k };
    }
    return { m, k };
  }
  if (!lopsided) return undefined;
  const other = x < a ? m + 1 : m - 1;
  return roundsInto(other, k, decimalValue(other, k), interval) ? { m: other, k } : undefined;
}

/** Powers of ten a double holds exactly. */
const EXACT_TENS = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The p-digit decimal closest to `a` (the larger on a tie), as m × 10^k. Scaling `a` by an
 * exact power of ten is one rounding, off by at most an ulp of a number below 10^9 (~1e-7), so
 * Math.round picks the right integer unless the scaled value is that close to a half; then,
 * and out of the exact powers' range, toExponential (exact, but ~5× slower) decides.
 */
function closestDecimal(a: number, p: number): { m: number; k: number } {
  let e = Math.floor(Math.log10(a));
  const k = e - (p - 1);
  if (k >= -22 && k <= 22) {
    const scaled = k >= 0 ? a / EXACT_TENS[k] : a * EXACT_TENS[-k];
    const low = EXACT_TENS[p - 1];
    if (scaled >= low && scaled < low * 10 && Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-6) {
      return { m: Math.round(scaled), k };
    }
  }
  const text = a.toExponential(p - 1);
  const at = text.indexOf("e");
  e = Number(text.slice(at + 1));
  return { m: Number(text.slice(0, at).replace(".", "")), k: e - (p - 1) };
}

/** m × 10^k rounded to a double (one correctly rounded operation within the exact powers). */
function decimalValue(m: number, k: number): number {
  if (k >= 0 && k <= 22) return m * EXACT_TENS[k];
  if (k < 0 && k >= -22) return m / EXACT_TENS[-k];
  return Number(`${m}e${k}`);
}

/**
 * Whether m × 10^k (whose nearest double is x) rounds to the float32 of `interval`. Doubles keep
 * the order of decimals and hold every float32 midpoint, so only an x exactly on an end needs
 * the exact decimal compared (double rounding could have moved it there).
 */
function roundsInto(m: number, k: number, x: number, interval: RoundingInterval): boolean {
  if (x > interval.low && x < interval.high) return true;
  if (x !== interval.low && x !== interval.high) return false;
  const side = compareExact(m, k, x);
  if (side === 0) return interval.inclusive;
  return x === interval.low ? side > 0 : side < 0;
}

function isExactly(m: number, k: number, a: number): boolean {
  return decimalValue(m, k) === a && compareExact(m, k, a) === 0;
}

/** Sign of m × 10^k − d, exactly (d a positive finite double). */
function compareExact(m: number, k: number, d: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const raw = view.getBigUint64(0);
  const biased = Number(raw >> 52n);
  let significand = raw & 0xfffffffffffffn;
  if (biased > 0) significand |= 1n << 52n;
  const twos = (biased === 0 ? 1 : biased) - 1075; // d = significand × 2^twos
  // Scale both sides to integers: multiply by 10^max(0,-k) × 2^max(0,-twos).
  const left = BigInt(m) * 10n ** BigInt(Math.max(0, k)) * 2n ** BigInt(Math.max(0, -twos));
  const right = significand * 2n ** BigInt(Math.max(0, twos)) * 10n ** BigInt(Math.max(0, -k));
  return left > right ? 1 : left < right ? -1 : 0;
}
