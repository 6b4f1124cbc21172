import { createHash } from "node:crypto";

const API_KEY = /^ak_[0-9a-f]{64}$/;

/** A new API key: `ak_` + 64 lowercase hex characters (256 random bits). */
export function generateApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return "ak_" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function isApiKey(value: string): boolean {
  return API_KEY.test(value);
}

/** What is stored instead of the key: its SHA-256, hex. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}
