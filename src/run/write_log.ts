/**
 * Acknowledged writes per collection, in acknowledgement order: inserted vectors (run inserts
 * and update re-inserts) and removed base rows (deletes and the delete half of updates).
 * A snapshot is just the two log lengths, so a search can note the state it was sent against
 * for free and have its ground truth computed later.
 */
export class WriteLog {
  readonly inserted: { docId: string; vector: Float32Array }[] = [];
  /** Base row → position in the removal order. */
  readonly removed = new Map<number, number>();
  /** The removed base rows in removal order (what a copy of the log needs to catch up). */
  readonly removedRows: number[] = [];

  insert(docId: string, vector: Float32Array): void {
    this.inserted.push({ docId, vector });
  }

  remove(row: number): void {
    if (this.removed.has(row)) return;
    this.removed.set(row, this.removed.size);
    this.removedRows.push(row);
  }

  snapshot(): WriteSnapshot {
    return { inserted: this.inserted.length, removed: this.removed.size };
  }

  /** True when `row` had been removed in `snap`. */
  removedIn(row: number, snap: WriteSnapshot): boolean {
    const at = this.removed.get(row);
    return at !== undefined && at < snap.removed;
  }
}

export interface WriteSnapshot {
  inserted: number;
  removed: number;
}
