let lastMs = -1;
let counter = 0;

/**
 * A new UUID v7 (RFC 9562): 48-bit Unix milliseconds, a 12-bit counter in rand_a (method 1 of
 * RFC 9562 §6.2, so ids made by one process sort in creation order even within a millisecond),
 * then random bits; lowercase, hyphenated.
 */
export function uuidV7(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      ms = ++lastMs;
      counter = 0;
    }
  } else {
    lastMs = ms;
    counter = 0;
  }
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;
}

const HYPHENATED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SIMPLE = /^[0-9a-f]{32}$/i;

/**
 * `value` as a lowercase hyphenated UUID if it parses as AkiDB's ids do (uuid 1.x
 * `Uuid::parse_str`: any case; hyphenated, 32 hex digits, `{hyphenated}` or
 * `urn:uuid:hyphenated`), else null.
 */
export function canonicalUuid(value: string): string | null {
  let hyphenated = value;
  if (value.length === 38 && value[0] === "{" && value[37] === "}") {
    hyphenated = value.slice(1, 37);
  } else if (value.length === 45 && value.startsWith("urn:uuid:")) hyphenated = value.slice(9);
  else if (SIMPLE.test(value)) {
    hyphenated = `${value.slice(0, 8)}-${value.slice(8, 12)}-${value.slice(12, 16)}-${
      value.slice(16, 20)
    }-${value.slice(20)}`;
  }
  return HYPHENATED.test(hyphenated) ? hyphenated.toLowerCase() : null;
}

/** True when `value` parses as a UUID (canonicalUuid). */
export function isUuid(value: string): boolean {
  return canonicalUuid(value) !== null;
}
