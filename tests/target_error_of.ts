import assert from "node:assert/strict";
import { TargetError } from "../src/targets/target.ts";

/** Awaits `p`, which must reject with a TargetError, and returns that error. */
export async function errorOf(p: Promise<unknown>): Promise<TargetError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof TargetError, String(err));
    return err;
  }
  throw new Error("expected a TargetError");
}
