import { join } from "node:path";
import { encodeWalRecord, scanWalRecords, type WalRecord, type WalScan } from "./wal_record.ts";
import { DomainError } from "./domain_error.ts";
import { syncDir } from "./durable_file.ts";
import { testHookPath } from "./test_hook.ts";
import { writeWalHead } from "./wal_head.ts";

interface PendingWrite {
  frame: Uint8Array;
  apply: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** File name of WAL segment `seq`. */
export function walSegmentName(seq: number): string {
  return `wal-${String(seq).padStart(10, "0")}.log`;
}

/** Sequence numbers of the WAL segments in `dir`, ascending. */
export async function listWalSegments(dir: string): Promise<number[]> {
  const seqs: number[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const match = /^wal-(\d{10})\.log$/.exec(entry.name);
    if (match) seqs.push(Number(match[1]));
  }
  return seqs.sort((a, b) => a - b);
}

/** Reads a WAL segment (changing nothing): its records and the damage that ends them, if any. */
export async function readWalSegment(path: string): Promise<WalScan & { bytes: number }> {
  const bytes = await Deno.readFile(path);
  return { ...scanWalRecords(bytes), bytes: bytes.length };
}

/**
 * Test hook: with AKIBENCH_TEST_WAL_STALL=PATH set, the first write of 64 KiB or more (an insert
 * batch) writes and syncs only its first half, creates PATH and never finishes; the server
 * keeps serving, so a test can read it and then kill it at that exact moment.
 */
const STALL_MIN_BYTES = 64 * 1024;

/**
 * Append-only write-ahead log with group commit: writes that arrive while a flush is running
 * are batched into the next single write + fdatasync. Each write's `apply` runs, in log order,
 * only after its record is durable; the write's promise then settles with apply's result.
 */
export class Wal {
  #file: Deno.FsFile;
  #seq: number;
  #pending: PendingWrite[] = [];
  #flushing: Promise<void> | null = null;
  #failure: unknown = null;
  #bytes = 0;
  #stallMarker = testHookPath("AKIBENCH_TEST_WAL_STALL");
  /** Number of write+fdatasync batches so far (for metrics). */
  syncs = 0;

  private constructor(readonly dir: string, file: Deno.FsFile, seq: number, bytes: number) {
    this.#file = file;
    this.#seq = seq;
    this.#bytes = bytes;
  }

  /**
   * Opens segment `seq` in `dir` for appending (creating it when missing) and makes WAL_HEAD
   * name it (a start may append to an older segment than WAL_HEAD named, after recovery).
   */
  static async open(dir: string, seq: number): Promise<Wal> {
    const path = join(dir, walSegmentName(seq));
    const file = await Deno.open(path, { create: true, append: true });
    const { size } = await file.stat();
    await syncDir(dir);
    await writeWalHead(dir, seq);
    return new Wal(dir, file, seq, size);
  }

  /** Current segment sequence number. */
  get seq(): number {
    return this.#seq;
  }

  /** Bytes in the current segment. */
  get sizeBytes(): number {
    return this.#bytes;
  }

  /** Logs `record`, then runs `apply`; resolves with apply's result once durable. */
  append<T>(record: WalRecord, apply: () => T): Promise<T> {
    if (this.#failure) {
      return Promise.reject(
        new DomainError("unavailable", `write-ahead log failed: ${this.#failure}`),
      );
    }
    const frame = encodeWalRecord(record);
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ frame, apply, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#flushing) this.#flushing = this.#flushLoop();
    });
  }

  /** Waits until every write queued so far is durable and applied. */
  async drain(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  /**
   * Waits for in-flight writes, then switches to a new segment; runs `atBoundary` synchronously
   * at the switch so it sees exactly the state the old segments describe.
   */
  async rotate<T>(atBoundary: () => T): Promise<T> {
    // The next segment exists durably and WAL_HEAD names it before any record goes into it, so
    // a start sees its loss. Done first, while appends still go to the current segment, so the
    // switch holds no append back (a crash in between leaves an empty newest segment: no loss).
    const next = this.#seq + 1;
    const file = await Deno.open(join(this.dir, walSegmentName(next)), {
      create: true,
      append: true,
    });
    try {
      await syncDir(this.dir);
      await writeWalHead(this.dir, next);
      while (this.#flushing) await this.#flushing;
    } catch (error) {
      file.close();
      throw error;
    }
    const result = atBoundary();
    this.#file.close();
    this.#file = file;
    this.#seq = next;
    this.#bytes = 0;
    return result;
  }

  /** Flushes pending writes and closes the file. */
  async close(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    this.#file.close();
  }

  async #flushLoop(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      const size = batch.reduce((sum, p) => sum + p.frame.length, 0);
      const buffer = new Uint8Array(size);
      let offset = 0;
      for (const p of batch) {
        buffer.set(p.frame, offset);
        offset += p.frame.length;
      }
      try {
        if (this.#stallMarker !== undefined && size >= STALL_MIN_BYTES) {
          await this.#file.write(buffer.subarray(0, size >> 1));
          await this.#file.syncData();
          await Deno.writeTextFile(this.#stallMarker, "stalled");
          await new Promise(() => {});
        }
        let written = 0;
        while (written < size) written += await this.#file.write(buffer.subarray(written));
        await this.#file.syncData();
        this.#bytes += size;
        this.syncs++;
      } catch (error) {
        this.#failure = error;
        for (const p of [...batch, ...this.#pending]) {
          p.reject(new DomainError("unavailable", `write-ahead log failed: ${error}`));
        }
        this.#pending = [];
        break;
      }
      for (const p of batch) {
        try {
          p.resolve(p.apply());
        } catch (error) {
          p.reject(error);
        }
      }
    }
    this.#flushing = null;
  }
}
