/** An error that maps to an HTTP status and a JSON body `{"error": message}`. */
export class HttpError extends Error {
  constructor(readonly status: 400 | 403 | 404 | 409 | 413 | 415 | 500 | 503, message: string) {
    super(message);
    this.name = "HttpError";
  }
}
