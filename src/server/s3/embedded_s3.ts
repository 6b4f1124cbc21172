/** An s3rver instance on 127.0.0.1 (random port) storing objects in a directory on disk. */
export interface EmbeddedS3 {
  /** http://127.0.0.1:PORT, for an S3 client with forcePathStyle. */
  readonly endpoint: string;
  readonly directory: string;
  close(): Promise<void>;
}

/** s3rver accepts any credentials; these are the ones its docs use. */
export const EMBEDDED_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/**
 * Starts s3rver embedded in this process, on a Worker thread of its own. On the server's event
 * loop its request handling and file-system calls were ~6 s of the 14 s spent in busy stretches
 * over 2 ms, in 210 s of the tiered scenario's load (CPU profile at 100 µs sampling), and the
 * searches queued behind them. When `directory` is omitted a temporary directory is made and
 * removed again on close.
 */
export async function startEmbeddedS3(directory?: string): Promise<EmbeddedS3> {
  const dir = directory ?? await Deno.makeTempDir({ prefix: "akidb-s3-" });
  const worker = new Worker(new URL("./embedded_s3_worker.ts", import.meta.url), {
    type: "module",
  });
  const reply = <T>() =>
    new Promise<T>((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`embedded S3: ${event.message}`));
      };
    });
  const started = reply<{ port: number } | { error: string }>();
  worker.postMessage({ directory: dir });
  const answer = await started.catch((error) => ({ error: String(error.message) }));
  if ("error" in answer) {
    worker.terminate();
    if (directory === undefined) await Deno.remove(dir, { recursive: true });
    throw new Error(`embedded S3 did not start: ${answer.error}`);
  }
  return {
    endpoint: `http://127.0.0.1:${answer.port}`,
    directory: dir,
    close: async () => {
      const closed = reply<string>();
      worker.postMessage("close");
      await closed;
      worker.terminate();
      if (directory === undefined) await Deno.remove(dir, { recursive: true });
    },
  };
}
