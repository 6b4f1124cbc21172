import { folderStore, type RunStore } from "./run_store.ts";
import { s3RunStore } from "./s3_run_store.ts";

/** The RunStore of a place: s3://BUCKET/PREFIX, or else a local folder. */
export function openRunStore(location: string): RunStore {
  return location.startsWith("s3://") ? s3RunStore(location) : folderStore(location);
}
