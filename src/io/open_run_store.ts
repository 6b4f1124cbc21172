import { folderStore, type RunStore } from "./run_store.ts";

/** The RunStore of a place: a local folder (s3://BUCKET/PREFIX arrives with s3_run_store.ts). */
export function openRunStore(location: string): RunStore {
  return folderStore(location);
}
