import assert from "node:assert/strict";
import { float32Text } from "../src/server/float32_text.ts";

const fromBits = (pattern: number) => new Float32Array(new Uint32Array([pattern]).buffer)[0];

/**
 * ryu's own f32 cases (dtolnay/ryu tests/f2s_test.rs, `check!(x)`: ryu prints the literal x);
 * serde_json prints an f32 with ryu, so these are AkiDB's bytes for those values.
 */
const RYU_CASES = [
  "0.3",
  "1234000000000.0",
  "1.234e13",
  "2.71828",
  "1.1e32",
  "1.1e-32",
  "2.7182817",
  "1e-45",
  "3.4028235e38",
  "-0.001234",
  "0.0",
  "-0.0",
  "1.0",
  "-1.0",
  "1.1754944e-38",
  "33554450.0",
  "9000000000.0",
  "34366720000.0",
  "305404.12",
  "8099.0312",
  "0.00024414062",
  "0.0024414062",
  "0.0043945312",
  "0.0063476562",
  "4.7223665e21",
  "8388608.0",
  "16777216.0",
  "33554436.0",
  "67131496.0",
  "1.9310392e-38",
  "-2.47e-43",
  "1.993244e-38",
  "4103.9004",
  "5339999700.0",
  "6.0898e-39",
  "0.0010310042",
  "2.882326e17",
  "7.038531e-26",
  "9.223404e17",
  "67108870.0",
  "1e-44",
  "2.816025e14",
  "9.223372e18",
  "1.5846086e29",
  "1.1811161e19",
  "5.368709e18",
  "4.6143166e18",
  "0.007812537",
  "1.18697725e20",
  "1.00014165e-36",
  "200.0",
  "33554432.0",
  "6.7108864e17",
  "1.3421773e18",
  "2.6843546e18",
  "1.2",
  "1.23",
  "1.234",
  "1.2345",
  "1.23456",
  "1.234567",
  "1.2345678",
  "1.23456735e-36",
]; // deno-fmt-ignore

/**
 * The float32 Rust parses `text` to. Math.fround(Number(text)) rounds twice (to double, then to
 * float32), which for ryu's regression case 7.038531e-26 lands one float32 above Rust's parse
 * (bits from `"7.038531e-26".parse::<f32>()`, rustc).
 */
function parsedLikeRust(text: string): number {
  return text === "7.038531e-26" ? fromBits(363742205) : Math.fround(Number(text));
}

Deno.test("float32Text prints ryu's bytes for ryu's own test cases", () => {
  for (const text of RYU_CASES) assert.equal(float32Text(parsedLikeRust(text)), text);
});

Deno.test("float32Text: edges — subnormals, extremes, zeros, integers, layout thresholds", () => {
  assert.equal(float32Text(fromBits(1)), "1e-45"); // smallest subnormal
  assert.equal(float32Text(fromBits(0x007fffff)), "1.1754942e-38"); // largest subnormal
  assert.equal(float32Text(fromBits(0x00800000)), "1.1754944e-38"); // smallest normal
  assert.equal(float32Text(fromBits(0x7f7fffff)), "3.4028235e38"); // largest
  assert.equal(float32Text(-fromBits(0x7f7fffff)), "-3.4028235e38");
  assert.equal(float32Text(-0), "-0.0");
  assert.equal(float32Text(0.1), float32Text(Math.fround(0.1)));
  assert.equal(float32Text(Math.fround(0.1)), "0.1"); // JSON.stringify: 0.10000000149011612
  assert.equal(float32Text(Math.fround(16777217)), "16777216.0"); // 2^24 + 1 is not a float32
  assert.equal(float32Text(123), "123.0");
  assert.equal(float32Text(1e12), "1000000000000.0"); // 13 integer digits: plain
  assert.equal(float32Text(Math.fround(1e13)), "1e13");
  assert.equal(float32Text(Math.fround(0.000001)), "0.000001"); // 5 zeros after the point
  assert.equal(float32Text(Math.fround(0.0000012)), "0.0000012");
  assert.equal(float32Text(Math.fround(0.0000001)), "1e-7");
  assert.equal(float32Text(NaN), "null"); // serde_json writes non-finite floats as null
  assert.equal(float32Text(Infinity), "null");
});

Deno.test("float32Text round-trips and is never longer than 9 digits (200k random float32)", () => {
  let seed = 7;
  for (let i = 0; i < 200_000; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const value = fromBits(seed);
    if (!Number.isFinite(value)) continue;
    const text = float32Text(value);
    assert.ok(Object.is(Math.fround(Number(text)), value), `${text} ≠ ${value}`);
    assert.ok(decimal(text.replace(/^-/, ""))[0].length <= 9, text);
  }
});

/** Digits and power of ten of a decimal ("1.25e3" → ["125", 1]), trailing zeros dropped. */
function decimal(text: string): [string, number] {
  const [, whole, fraction = "", exp = "0"] = /^(\d+)(?:\.(\d*))?(?:e(-?\d+))?$/.exec(text)!;
  let digits = (whole + fraction).replace(/^0+(?=\d)/, "");
  let power = Number(exp) - fraction.length;
  while (digits.length > 1 && digits.endsWith("0")) {
    [digits, power] = [digits.slice(0, -1), power + 1];
  }
  return [digits, power];
}

Deno.test({
  name: "float32Text has Rust's shortest digits (ties: ryu's even digit) on 230k float32 values",
  ignore: !(await Deno.stat("/root/.cargo/bin/rustc").then(() => true, () => false)),
  async fn() {
    // Rust's `{:e}` prints an f32's shortest round-trip digits (core's Grisu/Dragon), as ryu
    // does, except that on an exact tie it rounds up where ryu takes the even digit.
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(
        `${dir}/shortest.rs`,
        `fn main() { let mut b: u64 = 0; while b < 0x7f800000 {
           let f = f32::from_bits(b as u32); println!("{} {:e}", b, f);
           b += if b < 0x00100000 || (b >= 0x3f000000 && b < 0x3f010000) { 257 } else { 9973 }; } }`,
      );
      const built = await new Deno.Command("/root/.cargo/bin/rustc", {
        args: ["-O", "-o", `${dir}/shortest`, `${dir}/shortest.rs`],
      }).output();
      assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
      const out = await new Deno.Command(`${dir}/shortest`).output();
      let compared = 0, ties = 0;
      for (const line of new TextDecoder().decode(out.stdout).trim().split("\n")) {
        const [pattern, rust] = line.split(" ");
        const value = fromBits(Number(pattern));
        if (value === 0) continue;
        const [mine, myPower] = decimal(float32Text(value));
        const [theirs, theirPower] = decimal(rust);
        compared++;
        if (mine === theirs && myPower === theirPower) continue;
        // A tie: value exactly halfway, ours the even one, Rust's one above.
        assert.equal(myPower, theirPower, line);
        assert.equal(BigInt(theirs) - BigInt(mine), 1n, line);
        assert.equal(Number(mine.at(-1)) % 2, 0, line);
        assert.equal(value, Number(`${mine}5e${myPower - 1}`), line);
        ties++;
      }
      assert.ok(compared > 200_000, `${compared}`);
      assert.ok(ties > 0 && ties < compared / 100, `${ties} ties`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
