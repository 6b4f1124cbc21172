/** How the retry layer treats a failed S3 request. */
export interface S3Failure {
  /** 400/403/404 never succeed on retry: they go straight to the dead-letter queue. */
  permanent: boolean;
  /** HTTP status, when the server answered. */
  status?: number;
  /** S3 error code (SlowDown, InternalError, NoSuchKey, …) or the error's name. */
  code: string;
  message: string;
}

const PERMANENT_STATUSES = new Set([400, 403, 404]);

/** Classifies an error thrown by @aws-sdk/client-s3 (or by the network below it). */
export function classifyS3Error(error: unknown): S3Failure {
  const e = error as {
    name?: string;
    Code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e?.$metadata?.httpStatusCode;
  return {
    permanent: status !== undefined && PERMANENT_STATUSES.has(status),
    status,
    code: e?.Code ?? e?.name ?? "Error",
    message: e?.message ?? String(error),
  };
}
