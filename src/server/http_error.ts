/** Most characters of a client's input an error message quotes. */
export const QUOTE_CHARS = 100;
/** Most characters of any error message (several quotes and the words around them). */
const MESSAGE_CHARS = 1000;

/**
 * `text` as an error message may quote it: at most `max` characters, then "…" and the full
 * length, so a 5 MB string in a request is never echoed back whole.
 */
export function excerpt(text: string, max = QUOTE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

type ErrorStatus = 400 | 403 | 404 | 408 | 409 | 413 | 415 | 422 | 500 | 503;

/**
 * An error that maps to an HTTP status and a JSON body `{"error": message}`; the message is
 * capped (excerpt) whatever its parts. `closeConnection` answers with `Connection: close`: the
 * request's body was not read to its end, so the connection cannot carry another request.
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
