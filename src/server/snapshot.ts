import { join } from "node:path";
import { Collection } from "./collection.ts";
import type { CollectionMeta } from "./collection_meta.ts";
import { syncDir, syncFile, writeDurable } from "./durable_file.ts";

/**
 * A collection's state at a WAL boundary: its first `count` slots and their deleted flags; or,
 * for an evicted collection, where its image is (already hard-linked into the staging dir when
 * it had a local file, so a later removal of that file cannot take it from the snapshot).
 */
export interface CollectionCapture {
  collection: Collection;
  count: number;
  deleted: Uint8Array;
  evicted?: EvictedEntry;
}

/** An evicted collection in the manifest: `<id>.image` in the snapshot dir when `file`. */
interface EvictedEntry {
  objectKey: string;
  file: boolean;
  documentCount: number;
}

interface DocsFile {
  docIds: string[];
  externalIds: (string | null)[];
  insertedAt: number[];
  deletedSlots: number[];
}

interface Manifest {
  seq: number;
  collections: CollectionMeta[];
  /** Evicted collections by id (absent in snapshots written before tiering moved data). */
  evicted?: Record<string, EvictedEntry>;
}

const CURRENT = "CURRENT";
const STAGING = "next.tmp";

/** Creates the (empty) staging dir of the next snapshot and returns its path. */
export async function prepareSnapshotDir(dataDir: string): Promise<string> {
  const tmp = join(dataDir, "snapshots", STAGING);
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await Deno.mkdir(tmp, { recursive: true });
  return tmp;
}

/**
 * Captures every collection synchronously (call at a WAL boundary). An evicted collection's
 * local image is hard-linked into `stagingDir` right here (no copy, no RAM).
 */
export function captureCollections(
  collections: Iterable<Collection>,
  stagingDir: string,
): CollectionCapture[] {
  return [...collections].map((collection) => {
    const location = collection.evictedLocation;
    if (location !== null) {
      if (location.file !== null) {
        Deno.linkSync(location.file, join(stagingDir, `${collection.meta.id}.image`));
      }
      const evicted = {
        objectKey: location.objectKey,
        file: location.file !== null,
        documentCount: collection.documentCount,
      };
      return { collection, count: 0, deleted: new Uint8Array(), evicted };
    }
    const count = collection.vectors.count;
    return { collection, count, deleted: collection.deletedFlags(count) };
  });
}

/**
 * Writes snapshot `seq` (state before WAL segment `seq`) from the staging dir into
 * dataDir/snapshots/seq, then points dataDir/CURRENT at it. Vectors are raw float32, documents
 * JSON, graphs usearch files; evicted collections are their image file or only an object key.
 */
export async function writeSnapshot(
  dataDir: string,
  seq: number,
  captures: CollectionCapture[],
): Promise<void> {
  const root = join(dataDir, "snapshots");
  const tmp = join(root, STAGING);
  for (const { collection, count, deleted, evicted } of captures) {
    const id = collection.meta.id;
    if (evicted !== undefined) {
      if (evicted.file) await syncFile(join(tmp, `${id}.image`));
      continue;
    }
    await writeDurable(join(tmp, `${id}.vectors`), collection.vectors.ranges(0, count));
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
  const manifest: Manifest = {
    seq,
    collections: captures.map((c) => c.collection.meta),
    evicted: Object.fromEntries(
      captures.flatMap((c) => c.evicted ? [[c.collection.meta.id, c.evicted]] : []),
    ),
  };
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
  const manifest = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json"))) as Manifest;
  const collections: Collection[] = [];
  for (const meta of manifest.collections) {
    const evicted = manifest.evicted?.[meta.id];
    if (evicted !== undefined) {
      const file = evicted.file ? join(dir, `${meta.id}.image`) : null;
      const location = { file, objectKey: evicted.objectKey };
      collections.push(Collection.evicted(meta, location, evicted.documentCount));
      continue;
    }
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
