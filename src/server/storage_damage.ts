/**
 * Damage found in a data directory: which file, at which byte offset, and what is wrong. The
 * server stops on it with this one line instead of guessing (SQLite, PostgreSQL and etcd do
 * the same); `serve --recover` and `fsck` start from it.
 */
export class StorageDamage extends Error {
  /** `offset` null: the damage is the file as a whole (missing, wrong format). */
  constructor(readonly file: string, readonly offset: number | null, readonly what: string) {
    super(`${file}: ${offset === null ? "" : `at byte ${offset}: `}${what}`);
    this.name = "StorageDamage";
  }
}
