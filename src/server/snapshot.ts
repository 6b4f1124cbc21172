import { join } from "node:path";
import { Collection } from "./collection.ts";
import type { CollectionMeta } from "./collection_meta.ts";
import { syncDir, syncFile, writeDurable } from "./durable_file.ts";
import {
  ChecksumBuilder,
  checksumFile,
  type FileChecksum,
  readListedFile,
  readVerified,
  verifyChecksum,
  verifyFile,
} from "./file_checksum.ts";
import { crc32 } from "./crc32.ts";
import { StorageDamage } from "./storage_damage.ts";

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
  /** Evicted collections by id. */
  evicted: Record<string, EvictedEntry>;
  /** Slots of each resident collection (its vectors file holds slots × dimension floats). */
  slots: Record<string, number>;
  /** Length and block checksums of every other file of the snapshot, by name. */
  files: Record<string, FileChecksum>;
}

/**
 * First line of manifest.json, followed by the CRC-32 (8 hex digits) of the JSON after the
 * line: the manifest checks every other file, and this checks the manifest.
 */
const MANIFEST_TAG = "AKIDB-MANIFEST-2 crc32=";

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
 * local image is hard-linked into `stagingDir` right here (no copy, no RAM). A resident one is
 * pinned (`users`) so tiering cannot evict it while its data is written; the caller calls
 * `releaseCaptures` once the snapshot is written (or failed).
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
    collection.users++;
    return { collection, count, deleted: collection.deletedFlags(count) };
  });
}

/** Unpins the resident collections `captureCollections` pinned. */
export function releaseCaptures(captures: CollectionCapture[]): void {
  for (const { collection, evicted } of captures) if (evicted === undefined) collection.users--;
}

/**
 * Writes snapshot `seq` (state before WAL segment `seq`) from the staging dir into
 * dataDir/snapshots/seq, then points dataDir/CURRENT at it and removes every other snapshot but
 * `keep` (the previous generation, kept for `serve --recover` should this one be damaged).
 * Vectors are raw float32, documents JSON, graphs usearch files; evicted collections are their
 * image file or only an object key.
 */
export async function writeSnapshot(
  dataDir: string,
  seq: number,
  captures: CollectionCapture[],
  keep: number | null,
): Promise<void> {
  const root = join(dataDir, "snapshots");
  const tmp = join(root, STAGING);
  const files: Record<string, FileChecksum> = {};
  const slots: Record<string, number> = {};
  const write = async (name: string, bytes: Uint8Array | readonly ArrayBufferView[]) => {
    const checksum = new ChecksumBuilder();
    await writeDurable(join(tmp, name), bytes, checksum);
    files[name] = checksum.result;
  };
  const adopt = async (name: string) => {
    await syncFile(join(tmp, name));
    files[name] = await checksumFile(join(tmp, name));
  };
  for (const { collection, count, deleted, evicted } of captures) {
    const id = collection.meta.id;
    if (evicted !== undefined) {
      if (evicted.file) await adopt(`${id}.image`);
      continue;
    }
    slots[id] = count;
    await write(`${id}.vectors`, collection.vectors.ranges(0, count));
    const docs: DocsFile = {
      docIds: collection.docIds.slice(0, count),
      externalIds: collection.externalIds.slice(0, count),
      insertedAt: collection.insertedAt.slice(0, count),
      deletedSlots: [...deleted.keys()].filter((slot) => deleted[slot] === 1),
    };
    await write(`${id}.docs.json`, new TextEncoder().encode(JSON.stringify(docs)));
    if (collection.index.saveGraph(join(tmp, `${id}.usearch`))) await adopt(`${id}.usearch`);
  }
  const manifest: Manifest = {
    seq,
    collections: captures.map((c) => c.collection.meta),
    evicted: Object.fromEntries(
      captures.flatMap((c) => c.evicted ? [[c.collection.meta.id, c.evicted]] : []),
    ),
    slots,
    files,
  };
  const json = new TextEncoder().encode(JSON.stringify(manifest));
  const tag = `${MANIFEST_TAG}${crc32(json).toString(16).padStart(8, "0")}\n`;
  await writeDurable(join(tmp, "manifest.json"), [new TextEncoder().encode(tag), json]);
  await syncDir(tmp);
  const final = join(root, String(seq));
  await Deno.remove(final, { recursive: true }).catch(() => {});
  await Deno.rename(tmp, final);
  await syncDir(root);
  await writeCurrent(dataDir, seq);
  for await (const entry of Deno.readDir(root)) {
    if (entry.name !== String(seq) && entry.name !== String(keep)) {
      await Deno.remove(join(root, entry.name), { recursive: true });
    }
  }
}

/** Sequence numbers of the snapshots in dataDir/snapshots below `below`, newest first. */
export async function olderSnapshots(dataDir: string, below: number): Promise<number[]> {
  const seqs: number[] = [];
  try {
    for await (const entry of Deno.readDir(join(dataDir, "snapshots"))) {
      if (entry.isDirectory && /^\d{1,15}$/.test(entry.name) && Number(entry.name) < below) {
        seqs.push(Number(entry.name));
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return seqs.sort((a, b) => b - a);
}

/** Whether a snapshot is the one CURRENT names or an older generation (for messages). */
export type SnapshotRole = "current" | "previous";

/**
 * Loads snapshot `seq`: its collections (graph loaded, no pending). Every file is checked
 * against the manifest first; damage throws StorageDamage.
 */
export async function readSnapshot(
  dataDir: string,
  seq: number,
  role: SnapshotRole,
): Promise<Collection[]> {
  const dir = snapshotDir(dataDir, seq);
  const manifest = await readManifest(join(dir, "manifest.json"), seq, role);
  const collections: Collection[] = [];
  for (const meta of manifest.collections) {
    const evicted = manifest.evicted[meta.id];
    if (evicted !== undefined) {
      const file = evicted.file ? join(dir, `${meta.id}.image`) : null;
      if (file !== null) await verifyFile(file, listed(manifest, dir, `${meta.id}.image`));
      const location = { file, objectKey: evicted.objectKey };
      collections.push(Collection.evicted(meta, location, evicted.documentCount));
      continue;
    }
    const { vectors, docs, graphPath } = await readCollectionFiles(dir, manifest, meta);
    const collection = new Collection(meta);
    collection.restoreSlots(vectors, docs, new Set(docs.deletedSlots));
    if (graphPath !== null) collection.index.loadGraph(graphPath);
    collections.push(collection);
  }
  return collections;
}

/** Checks every file of snapshot `seq` (nothing is loaded): one StorageDamage per damaged file. */
export async function checkSnapshot(
  dataDir: string,
  seq: number,
  role: SnapshotRole,
): Promise<StorageDamage[]> {
  const dir = snapshotDir(dataDir, seq);
  let manifest;
  try {
    manifest = await readManifest(join(dir, "manifest.json"), seq, role);
  } catch (error) {
    if (error instanceof StorageDamage) return [error];
    throw error;
  }
  const found: StorageDamage[] = [];
  for (const meta of manifest.collections) {
    try {
      if (manifest.evicted[meta.id] === undefined) {
        await readCollectionFiles(dir, manifest, meta);
      } else if (manifest.evicted[meta.id].file) {
        await verifyFile(join(dir, `${meta.id}.image`), listed(manifest, dir, `${meta.id}.image`));
      }
    } catch (error) {
      if (!(error instanceof StorageDamage)) throw error;
      found.push(error);
    }
  }
  return found;
}

/** The directory of snapshot `seq`. */
export function snapshotDir(dataDir: string, seq: number): string {
  return join(dataDir, "snapshots", String(seq));
}

/** The snapshot CURRENT names; null when there is no CURRENT. Damage throws StorageDamage. */
export async function readCurrent(dataDir: string): Promise<number | null> {
  const path = join(dataDir, CURRENT);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  if (!/^\d{1,15}$/.test(text)) {
    const what = text.length === 0
      ? "empty (it names the current snapshot)"
      : `not a snapshot number: ${JSON.stringify(text.slice(0, 40))}`;
    throw new StorageDamage(path, 0, what);
  }
  return Number(text);
}

/** Durably points CURRENT at snapshot `seq`, or removes it (null: no snapshot, replay from 0). */
export async function writeCurrent(dataDir: string, seq: number | null): Promise<void> {
  if (seq === null) {
    await Deno.remove(join(dataDir, CURRENT)).catch(() => {});
  } else {
    await writeDurable(join(dataDir, `${CURRENT}.tmp`), new TextEncoder().encode(String(seq)));
    await Deno.rename(join(dataDir, `${CURRENT}.tmp`), join(dataDir, CURRENT));
  }
  await syncDir(dataDir);
}

async function readManifest(path: string, seq: number, role: SnapshotRole): Promise<Manifest> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    const why = role === "current" ? `CURRENT names snapshot ${seq}` : `snapshot ${seq}'s manifest`;
    throw new StorageDamage(path, 0, `missing (${why})`);
  }
  const newline = bytes.indexOf(0x0a);
  const tag = new TextDecoder().decode(bytes.subarray(0, newline));
  const match = /^AKIDB-MANIFEST-2 crc32=([0-9a-f]{8})$/.exec(tag);
  if (newline < 0 || match === null) {
    throw new StorageDamage(path, 0, "not a snapshot manifest (no AKIDB-MANIFEST-2 line)");
  }
  const json = bytes.subarray(newline + 1);
  if (crc32(json) !== parseInt(match[1], 16)) {
    throw new StorageDamage(path, newline + 1, "manifest checksum mismatch");
  }
  const manifest = JSON.parse(new TextDecoder().decode(json)) as Manifest;
  if (manifest.seq !== seq) {
    throw new StorageDamage(path, newline + 1, `is snapshot ${manifest.seq}, not ${seq}`);
  }
  return manifest;
}

/** The manifest's checksum of `name`; StorageDamage when the manifest does not list it. */
function listed(manifest: Manifest, dir: string, name: string): FileChecksum {
  const checksum = manifest.files[name];
  if (checksum === undefined) {
    throw new StorageDamage(join(dir, "manifest.json"), 0, `lists no checksum for ${name}`);
  }
  return checksum;
}

/** A resident collection's vectors and documents, checked; the graph file checked, not read. */
async function readCollectionFiles(
  dir: string,
  manifest: Manifest,
  meta: CollectionMeta,
): Promise<{ vectors: Float32Array; docs: DocsFile; graphPath: string | null }> {
  const vectorsPath = join(dir, `${meta.id}.vectors`);
  const raw = await readListedFile(vectorsPath);
  const vectorBytes = meta.dimension * 4;
  if (raw.byteLength % vectorBytes !== 0) {
    const whole = raw.byteLength - raw.byteLength % vectorBytes;
    throw new StorageDamage(
      vectorsPath,
      whole,
      `ends in a partial vector (${raw.byteLength % vectorBytes} of ${vectorBytes} bytes)`,
    );
  }
  verifyChecksum(vectorsPath, raw, listed(manifest, dir, `${meta.id}.vectors`));
  const slots = manifest.slots[meta.id];
  if (raw.byteLength !== slots * vectorBytes) {
    throw new StorageDamage(
      vectorsPath,
      Math.min(raw.byteLength, slots * vectorBytes),
      `holds ${raw.byteLength} bytes, not ${slots} vectors of ${meta.dimension} floats`,
    );
  }
  const vectors = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const docsPath = join(dir, `${meta.id}.docs.json`);
  const docsBytes = await readVerified(docsPath, listed(manifest, dir, `${meta.id}.docs.json`));
  const docs = JSON.parse(new TextDecoder().decode(docsBytes)) as DocsFile;
  if (docs.docIds.length !== slots) {
    throw new StorageDamage(docsPath, 0, `holds ${docs.docIds.length} documents, not ${slots}`);
  }
  const graphName = `${meta.id}.usearch`;
  if (manifest.files[graphName] === undefined) return { vectors, docs, graphPath: null };
  await verifyFile(join(dir, graphName), manifest.files[graphName]);
  return { vectors, docs, graphPath: join(dir, graphName) };
}
