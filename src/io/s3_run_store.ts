import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { type RunStore, RunStoreError } from "./run_store.ts";

/**
 * An S3 prefix as a RunStore, through @aws-sdk/client-s3 with its usual configuration: the
 * credentials of the SDK's default chain (AWS_ACCESS_KEY_ID…, a pod's service account), the
 * region from AWS_REGION (default us-east-1), and for S3-compatible stores (MinIO, s3rver) the
 * endpoint from AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, addressed path-style. A failing call
 * becomes one line naming the object.
 */
export function s3RunStore(location: string): RunStore {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!m) throw new RunStoreError(`${location}: expected s3://BUCKET/PREFIX`);
  const bucket = m[1];
  const prefix = m[2] === "" || m[2].endsWith("/") ? m[2] : `${m[2]}/`;
  const endpoint = Deno.env.get("AWS_ENDPOINT_URL_S3") ?? Deno.env.get("AWS_ENDPOINT_URL");
  const client = new S3Client({
    region: Deno.env.get("AWS_REGION") ?? "us-east-1",
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
  const failed = (what: string, err: unknown) =>
    new RunStoreError(`s3://${bucket}/${prefix}${what}: ${(err as Error).message}`);
  return {
    location: `s3://${bucket}/${prefix.replace(/\/$/, "")}`,
    async read(name) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: prefix + name }));
        return await out.Body!.transformToString();
      } catch (err) {
        if ((err as Error).name === "NoSuchKey") return null;
        throw failed(name, err);
      }
    },
    async write(name, text) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: prefix + name,
            Body: text,
            ContentType: "application/json",
          }),
        );
      } catch (err) {
        throw failed(name, err);
      }
    },
    async list() {
      const names: string[] = [];
      let token: string | undefined;
      try {
        do {
          const out = await client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: prefix,
              Delimiter: "/",
              ContinuationToken: token,
            }),
          );
          for (const o of out.Contents ?? []) if (o.Key) names.push(o.Key.slice(prefix.length));
          token = out.IsTruncated ? out.NextContinuationToken : undefined;
        } while (token !== undefined);
      } catch (err) {
        throw failed("", err);
      }
      return names.sort();
    },
  };
}
