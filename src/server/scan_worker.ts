/** A scan worker (scan_pool.ts): runs one exact scan per message and posts its result back. */
import { exactScan, type ExactScanJob } from "./exact_scan.ts";

const worker = self as unknown as Worker;
worker.onmessage = async (event: MessageEvent<ExactScanJob>) => {
  try {
    const result = await exactScan(event.data);
    worker.postMessage({ result }, [result.slots.buffer, result.scores.buffer]);
  } catch (error) {
    worker.postMessage({ error: String((error as Error)?.stack ?? error) });
  }
};
