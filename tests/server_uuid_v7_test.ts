import assert from "node:assert/strict";
import { isUuid, uuidV7 } from "../src/server/uuid_v7.ts";

Deno.test("uuidV7: version 7, RFC 9562 variant, and strictly increasing within a millisecond", () => {
  const ids = Array.from({ length: 10_000 }, () => uuidV7());
  for (const id of ids) {
    assert.ok(isUuid(id), id);
    assert.equal(id[14], "7", id);
    assert.ok("89ab".includes(id[19]), id);
  }
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i], `${ids[i - 1]} ${ids[i]}`);
  const ms = parseInt(ids[0].replaceAll("-", "").slice(0, 12), 16);
  assert.ok(Math.abs(ms - Date.now()) < 60_000);
});
