import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";

/** The part of the SDK's HTTP handler (smithy HttpHandler) that a wrapper of it relies on. */
export interface SdkHttpHandler {
  handle(request: unknown, options?: { abortSignal?: unknown }): Promise<{ response: unknown }>;
  destroy?(): void;
  updateHttpClientConfig?(key: never, value: never): void;
  httpHandlerConfigs?(): Record<string, unknown>;
}

/** The object operations tiering and snapshots need. Errors are thrown as the SDK's. */
export interface ObjectStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  /** Size in bytes, or null when there is no such object. */
  head(key: string): Promise<number | null>;
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix`, in key order. */
  list(prefix: string): Promise<string[]>;
}

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region?: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** CreateBucket's errors for a bucket that is already there. */
const BUCKET_EXISTS = new Set(["BucketAlreadyExists", "BucketAlreadyOwnedByYou"]);

/**
 * An S3 bucket through @aws-sdk/client-s3 (path-style). The SDK's own retries are off
 * (maxAttempts 1): retry, backoff and the circuit breaker are the ResilientObjectStore's job.
 * `wrapHandler` wraps the client's HTTP path (the fault injector puts its latency and errors
 * there), so this store knows nothing of faults.
 */
export class S3ObjectStore implements ObjectStore {
  private constructor(private readonly client: S3Client, private readonly bucket: string) {}

  static async open(
    settings: S3Settings,
    wrapHandler?: (inner: SdkHttpHandler) => SdkHttpHandler,
  ): Promise<S3ObjectStore> {
    const client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region ?? "us-east-1",
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: {
        accessKeyId: settings.accessKeyId,
        secretAccessKey: settings.secretAccessKey,
      },
    });
    if (wrapHandler !== undefined) {
      // Replaced before the first request, when the SDK resolves each command's handler.
      const config = client.config as unknown as { requestHandler: SdkHttpHandler };
      config.requestHandler = wrapHandler(config.requestHandler);
    }
    const head = () => client.send(new HeadBucketCommand({ Bucket: settings.bucket }));
    try {
      await head();
    } catch {
      try {
        await client.send(new CreateBucketCommand({ Bucket: settings.bucket }));
      } catch (error) {
        // HeadBucket failed although the bucket exists: a restarted server died of this once
        // (embedded S3 over the killed server's directory, in a busy test run; not reproduced).
        // A second HeadBucket says whether the bucket can be used.
        if (!BUCKET_EXISTS.has((error as Error).name)) throw error;
        await head();
      }
    }
    return new S3ObjectStore(client, settings.bucket);
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes }));
  }

  async get(key: string): Promise<Uint8Array> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (out.Body === undefined) throw new Error(`S3 object ${key} has no body`);
    return await out.Body.transformToByteArray();
  }

  async head(key: string): Promise<number | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.ContentLength ?? 0;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
        ?.httpStatusCode;
      if (status === 404) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of out.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
  }

  close(): void {
    this.client.destroy();
  }
}
