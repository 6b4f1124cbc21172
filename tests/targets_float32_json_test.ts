import assert from "node:assert/strict";
import {
  FLOAT32_JSON_MAX_BYTES,
  vectorJsonMaxBytes,
  writeFloat32Json,
  writeVectorJson,
} from "../src/targets/float32_json.ts";
import { mulberry32 } from "../src/random/seeded_random.ts";

const decoder = new TextDecoder();
const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);

function text(value: number): string {
  const out = new Uint8Array(FLOAT32_JSON_MAX_BYTES);
  return decoder.decode(out.subarray(0, writeFloat32Json(out, 0, value)));
}

function fromBits(pattern: number): number {
  bits[0] = pattern;
  return asFloat[0];
}

/**
 * Whether the decimal `t` lies strictly inside the float32 `x`'s rounding interval (or is x):
 * exact rational arithmetic, so it holds for a parser that rounds straight to float32 (strtof)
 * as well as for one that goes through the nearest double (JSON.parse, serde_json).
 */
function strictlyInside(t: string, x: number): boolean {
  const match = /^-?(\d+)(?:\.(\d+))?(?:e([-+]?\d+))?$/.exec(t)!;
  const mantissa = BigInt(match[1] + (match[2] ?? ""));
  const exponent = Number(match[3] ?? 0) - (match[2]?.length ?? 0);
  asFloat[0] = Math.abs(x);
  const pattern = bits[0];
  const biased = pattern >>> 23;
  const significand = BigInt((pattern & 0x7fffff) | (biased > 0 ? 0x800000 : 0));
  const twos = (biased === 0 ? 1 : biased) - 150; // |x| = significand × 2^twos
  // Interval ends in units of 2^(twos - 2): (4s - 1 or 4s - 2, 4s + 2).
  const lopsided = (pattern & 0x7fffff) === 0 && biased > 1;
  const low = 4n * significand - (lopsided ? 1n : 2n);
  const high = 4n * significand + 2n;
  // Compare mantissa × 10^exponent with ends × 2^(twos - 2), both scaled to integers.
  const shift = twos - 2;
  let left = mantissa * 10n ** BigInt(Math.max(0, exponent)) * 2n ** BigInt(Math.max(0, -shift));
  const scale = 10n ** BigInt(Math.max(0, -exponent)) * 2n ** BigInt(Math.max(0, shift));
  left = left < 0n ? -left : left;
  return left > low * scale && left < high * scale;
}

function assertExact(x: number): string {
  const t = text(x);
  const back = Math.fround(JSON.parse(t));
  assert.ok(Object.is(back, x), `${x} written as ${t} parses back to ${back}`);
  if (x !== 0) assert.ok(strictlyInside(t, x), `${t} is not strictly inside ${x}'s interval`);
  assert.ok(t.length <= FLOAT32_JSON_MAX_BYTES, `${t}: ${t.length} bytes`);
  return t;
}

Deno.test("writeFloat32Json: edge values exact, in few digits", () => {
  assert.equal(assertExact(0), "0");
  assert.equal(assertExact(-0), "-0");
  assert.equal(assertExact(1), "1");
  assert.equal(assertExact(-2.5), "-2.5");
  assert.equal(assertExact(Math.fround(0.1)), "0.1");
  assert.equal(assertExact(Math.fround(-0.03637382)), "-0.03637382");
  assert.equal(assertExact(Math.fround(1e-7)), "1e-7");
  assert.equal(assertExact(Math.fround(123456.7)), "123456.7");
  // The smallest subnormal, the largest subnormal, the smallest normal, the largest float32.
  assertExact(fromBits(1));
  assertExact(fromBits(0x007fffff));
  assertExact(fromBits(0x00800000));
  assertExact(fromBits(0x7f7fffff));
  assert.equal(Math.fround(JSON.parse(text(1e-45))), fromBits(1));
  assert.equal(Math.fround(JSON.parse(text(3.4028235e38))), fromBits(0x7f7fffff));
  for (const x of [1e-45, 1.17549435e-38, 3.4028235e38, 1e-5, 0.99999994, 16777216, 1e30]) {
    assertExact(Math.fround(x));
    assertExact(-Math.fround(x));
  }
});

Deno.test("strictlyInside (this file's exact check) refuses an interval's ends", () => {
  assert.ok(strictlyInside("1.00000005", 1));
  assert.ok(!strictlyInside("1.000000059604644775390625", 1), "the midpoint above 1");
  assert.ok(strictlyInside("0.99999998", 1));
  assert.ok(!strictlyInside("0.9999999701976776123046875", 1), "the midpoint below 1 (lopsided)");
  assert.ok(!strictlyInside("0.99999997", 1), "below the midpoint below 1");
});

Deno.test("writeFloat32Json: NaN and ±Infinity as null, which the server refuses", () => {
  assert.equal(text(NaN), "null");
  assert.equal(text(Infinity), "null");
  assert.equal(text(-Infinity), "null");
});

Deno.test("writeFloat32Json: every power of two and its neighbours (lopsided intervals) exact", () => {
  for (let biased = 0; biased < 255; biased++) {
    for (const mantissa of [0, 1, 2, 0x7ffffe, 0x7fffff]) {
      assertExact(fromBits((biased << 23) | mantissa));
      assertExact(-fromBits((biased << 23) | mantissa));
    }
  }
});

Deno.test("writeFloat32Json: random bit patterns and embedding-like values exact", () => {
  const random = mulberry32(16);
  for (let i = 0; i < 50_000; i++) {
    const x = fromBits(Math.floor(random() * 2 ** 32));
    if (Number.isFinite(x)) assertExact(x);
  }
  for (let i = 0; i < 50_000; i++) assertExact(Math.fround((random() - 0.5) * 0.3));
});

Deno.test("writeVectorJson: a JSON array that Float32Array.from(JSON.parse) gives back", () => {
  const random = mulberry32(7);
  const v = Float32Array.from({ length: 512 }, () => (random() - 0.5) * 0.2);
  v.set([0, -0, 1e-45, -3.4028235e38, 0.5], 0);
  const out = new Uint8Array(vectorJsonMaxBytes(v.length) + 3);
  const end = writeVectorJson(out, 1, v);
  assert.ok(end <= 1 + vectorJsonMaxBytes(v.length));
  const written = decoder.decode(out.subarray(1, end));
  assert.ok(written.startsWith("[0,-0,1.401298464324817e-45,"), written.slice(0, 40));
  const back = Float32Array.from(JSON.parse(written));
  assert.equal(back.length, v.length);
  v.forEach((x, i) => assert.ok(Object.is(back[i], x), `element ${i}: ${x} → ${back[i]}`));
});
