import S3rver from "s3rver";

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
 * Starts s3rver embedded in this process. When `directory` is omitted a temporary directory is
 * made and removed again on close.
 */
export async function startEmbeddedS3(directory?: string): Promise<EmbeddedS3> {
  const dir = directory ?? await Deno.makeTempDir({ prefix: "akidb-s3-" });
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory: dir, silent: true });
  const info = await server.run();
  return {
    endpoint: `http://127.0.0.1:${info.port}`,
    directory: dir,
    close: async () => {
      await server.close();
      if (directory === undefined) await Deno.remove(dir, { recursive: true });
    },
  };
}
