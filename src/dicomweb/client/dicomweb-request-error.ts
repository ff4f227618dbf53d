/**
 * A DICOMweb request that failed as a whole: the server answered with an error
 * status, could not be reached, or answered what PS3.18 does not allow. The
 * message names the method, the URL and the status (or what went wrong), and
 * what the server said, if anything.
 */
export class DicomwebRequestError extends Error {
  override readonly name = 'DicomwebRequestError';

  constructor(
    readonly method: string,
    readonly url: string,
    /** The error status the server answered; undefined when the failure is not an HTTP status. */
    readonly status: number | undefined,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${method} ${url}: ${status === undefined ? detail : `${status}${detail ? ` ${detail}` : ''}`}`, options);
  }
}

/** A short reason from an error response body: atrium's JSON `message`, else the start of the text. */
export function reasonFromBody(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object' && 'message' in parsed && typeof parsed.message === 'string') {
      return parsed.message;
    }
  } catch {
    // not JSON: fall through to the text itself
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** Words for a network failure (fetch wraps the useful part in `cause`). */
export function networkReason(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}
