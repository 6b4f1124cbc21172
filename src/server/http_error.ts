import { excerpt } from "./excerpt.ts";

/** Most characters of any error message (several quotes and the words around them). */
const MESSAGE_CHARS = 1000;

type ErrorStatus = 400 | 403 | 404 | 408 | 409 | 413 | 415 | 422 | 500 | 503;

/**
 * An error of the HTTP layer (a body too large or late, bad JSON, a bad path parameter), or a
 * domain error mapped to its status (error_status.ts): a status and a JSON body
 * `{"error": message}`; the message is capped (excerpt) whatever its parts. `closeConnection`
 * answers with `Connection: close`: the request's body was not read to its end, so the
 * connection cannot carry another request.
 */
export class HttpError extends Error {
  readonly closeConnection: boolean;

  constructor(
    readonly status: ErrorStatus,
    message: string,
    options: { closeConnection?: boolean } = {},
  ) {
    super(excerpt(message, MESSAGE_CHARS));
    this.name = "HttpError";
    this.closeConnection = options.closeConnection ?? false;
  }
}
