import assert from "node:assert/strict";
import { lastError } from "../src/targets/embedded_process.ts";

/** What the reference server printed when a merge crashed it (colours and all), abridged. */
const CRASH =
  "\u001b[0m\u001b[1m\u001b[31merror\u001b[0m: Uncaught TypeError: Duplicate keys not allowed in high-level wrappers\n        this.#compiledIndex.add(normalizedKeys, normalizedVectors, threads);\n\u001b[0m\u001b[31m                            ^\u001b[0m\n    at \u001b[0m\u001b[1m\u001b[3mIndex.add\u001b[0m (\u001b[0m\u001b[2m\u001b[38;5;245mfile:///work/main/\u001b[0m\u001b[0m\u001b[36mnode_modules/.deno/usearch@2.26.2/node_modules/usearch/javascript/dist/esm/usearch.js\u001b[0m:\u001b[0m\u001b[33m259\u001b[0m:\u001b[0m\u001b[33m29\u001b[0m)\n    at \u001b[0m\u001b[1m\u001b[3mCollectionIndex.merge\u001b[0m (\u001b[0m\u001b[2m\u001b[38;5;245mfile:///work/main/\u001b[0m\u001b[0m\u001b[36msrc/server/collection_index.ts\u001b[0m:\u001b[0m\u001b[33m125\u001b[0m:\u001b[0m\u001b[33m16\u001b[0m)\n    at \u001b[0m\u001b[1m\u001b[3mTimeout._onTimeout\u001b[0m (\u001b[0m\u001b[2m\u001b[38;5;245mfile:///work/main/\u001b[0m\u001b[0m\u001b[36msrc/server/store.ts\u001b[0m:\u001b[0m\u001b[33m408\u001b[0m:\u001b[0m\u001b[33m45\u001b[0m)\n    \u001b[0m\u001b[2m\u001b[38;5;245mat \u001b[0m\u001b[0m\u001b[2m\u001b[38;5;245minvokeCallback\u001b[0m\u001b[0m\u001b[2m\u001b[38;5;245m (\u001b[0m\u001b[0m\u001b[2m\u001b[38;5;245mext:deno_node/internal/timers.mjs\u001b[0m\u001b[0m\u001b[2m\u001b[38;5;245m:\u001b[0m\u001b[0m\u001b[2m\u001b[38;5;245m4\u001b[0m\u001b[0m\u001b[2m\u001b[38;5;245m:\u001b[0m\u001b[0m\u001b[2m\u001b[38;5;245m810\u001b[0m\u001b[0m\u001b[2m\u001b[38;5;245m)\u001b[0m";

Deno.test("reference target: the crash report is the last error and its first frames", () => {
  assert.equal(
    lastError("Listening\n" + CRASH),
    "error: Uncaught TypeError: Duplicate keys not allowed in high-level wrappers | at Index.add " +
      "(file:///work/main/node_modules/.deno/usearch@2.26.2/node_modules/usearch/javascript/dist/esm/usearch.js:259:29) | " +
      "at CollectionIndex.merge (file:///work/main/src/server/collection_index.ts:125:16)",
  );
  assert.equal(lastError("a warning\nno errors here\n"), "");
});
