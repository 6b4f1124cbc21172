import { join } from "node:path";
import { Collection } from "./collection.ts";
import type { CollectionMeta } from "./collection_meta.ts";
import { syncDir, syncFile, writeDurable } from "./durable_file.ts";

/** A collection's state at a WAL boundary: its first `count` slots and their deleted flags. */
export interface CollectionCapture {
  collection: Collection;
  count: number;
  deleted: Uint8Array;
}

interface DocsFile {
  docIds: string[];
  externalIds: (string | null)[];
  insertedAt: number[];
  deletedSlots: number[];
}

const CURRENT = "CURRENT";

/** Captures every collection synchronously (call at a WAL boundary). */
export function captureCollections(collections: Iterable<Collection>): CollectionCapture[] {
  return [...collections].map((collection) => {
    const count = collection.vectors.count;
    return { collection, count, deleted: collection.deletedFlags(count) };
  });
}

/**
 * Writes snapshot `seq` (state before WAL segment `seq`) under dataDir/snapshots/seq, then
 * points dataDir/CURRENT at it. Vectors are raw float32, documents JSON, graphs usearch files.
 */
export async function writeSnapshot(
  dataDir: string,
  seq: number,
  captures: CollectionCapture[],
): Promise<void> {
  const root = join(dataDir, "snapshots");
  await Deno.mkdir(root, { recursive: true });
  const tmp = join(root, `${seq}.tmp`);
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await Deno.mkdir(tmp);
  for (const { collection, count, deleted } of captures) {
    const id = collection.meta.id;
    const vectors = collection.vectors.prefix(count);
    const vectorBytes = new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
    await writeDurable(join(tmp, `${id}.vectors`), vectorBytes);
    const docs: DocsFile = {
      docIds: collection.docIds.slice(0, count),
      externalIds: collection.externalIds.slice(0, count),
      insertedAt: collection.insertedAt.slice(0, count),
      deletedSlots: [...deleted.keys()].filter((slot) => deleted[slot] === 1),
    };
    await writeDurable(
      join(tmp, `${id}.docs.json`),
      new TextEncoder().encode(JSON.stringify(docs)),
    );
    const graphPath = join(tmp, `${id}.usearch`);
    if (collection.index.saveGraph(graphPath)) await syncFile(graphPath);
  }
  const manifest = { seq, collections: captures.map((c) => c.collection.meta) };
  await writeDurable(
    join(tmp, "manifest.json"),
    new TextEncoder().encode(JSON.stringify(manifest)),
  );
  await syncDir(tmp);
  const final = join(root, String(seq));
  await Deno.remove(final, { recursive: true }).catch(() => {});
  await Deno.rename(tmp, final);
  await syncDir(root);
  await writeDurable(join(dataDir, `${CURRENT}.tmp`), new TextEncoder().encode(String(seq)));
  await Deno.rename(join(dataDir, `${CURRENT}.tmp`), join(dataDir, CURRENT));
  await syncDir(dataDir);
  for await (const entry of Deno.readDir(root)) {
    if (entry.name !== String(seq)) await Deno.remove(join(root, entry.name), { recursive: true });
  }
}

/** Loads the current snapshot: its WAL sequence and collections (graph loaded, no pending). */
export async function readSnapshot(
  dataDir: string,
): Promise<{ seq: number; collections: Collection[] } | null> {
  let seq: number;
  try {
    seq = Number(await Deno.readTextFile(join(dataDir, CURRENT)));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const dir = join(dataDir, "snapshots", String(seq));
  const manifest = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json"))) as {
    collections: CollectionMeta[];
  };
  const collections: Collection[] = [];
  for (const meta of manifest.collections) {
    const collection = new Collection(meta);
    const raw = await Deno.readFile(join(dir, `${meta.id}.vectors`));
    const vectors = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    const docs = JSON.parse(await Deno.readTextFile(join(dir, `${meta.id}.docs.json`))) as DocsFile;
    collection.restoreSlots(vectors, docs, new Set(docs.deletedSlots));
    const graphPath = join(dir, `${meta.id}.usearch`);
    if (await Deno.stat(graphPath).then(() => true, () => false)) {
      collection.index.loadGraph(graphPath);
    }
    collections.push(collection);
  }
  return { seq, collections };
}
