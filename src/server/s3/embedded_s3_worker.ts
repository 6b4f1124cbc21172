/// <reference lib="deno.worker" />
/**
 * Worker side of startEmbeddedS3: runs s3rver on this thread. Messages in: {directory} (start),
 * "close". Messages out: {port} or {error} after a start, "closed" after a close.
 */
import S3rver from "s3rver";

let server: S3rver | null = null;

self.onmessage = async (event: MessageEvent<{ directory: string } | "close">) => {
  if (event.data === "close") {
    await server?.close();
    self.postMessage("closed");
    return;
  }
  try {
    server = new S3rver({
      address: "127.0.0.1",
      port: 0,
      directory: event.data.directory,
      silent: true,
    });
    const info = await server.run();
    self.postMessage({ port: info.port });
  } catch (error) {
    self.postMessage({ error: String((error as Error)?.message ?? error) });
  }
};
