let tail: Promise<unknown> = Promise.resolve();

/**
 * Runs `work` (a search that yields between slices) after every heavy search started before it,
 * one at a time in the whole process. Heavy searches are CPU-bound on the one request thread, so
 * running four at once only interleaves four slices per turn of the event loop, and a small
 * request waits for all four at each of its turns; one at a time, it waits for one slice.
 */
export function inHeavySearchLane<T>(work: () => Promise<T>): Promise<T> {
  const run = tail.then(work);
  tail = run.catch(() => {});
  return run;
}
