/**
 * One table of coded HTTP errors (modelled on fastify's FST_ERR_*): every
 * failure a client can cause maps to a code, a status and a clear message.
 */

export class AtriumHttpError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AtriumHttpError';
  }
}

type ErrorFactory = (detail: string) => AtriumHttpError;

function coded(code: string, statusCode: number, prefix: string): ErrorFactory {
  return (detail) => new AtriumHttpError(code, statusCode, detail ? `${prefix}: ${detail}` : prefix);
}

export const errors = {
  badRequest: coded('ATRIUM_ERR_BAD_REQUEST', 400, 'Bad request'),
  badQuery: coded('ATRIUM_ERR_BAD_QUERY', 400, 'Invalid query parameter'),
  badMultipart: coded('ATRIUM_ERR_BAD_MULTIPART', 400, 'Malformed multipart/related body'),
  unsupportedMediaType: coded('ATRIUM_ERR_UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type'),
  notAcceptable: coded('ATRIUM_ERR_NOT_ACCEPTABLE', 406, 'Not acceptable'),
  notFound: coded('ATRIUM_ERR_NOT_FOUND', 404, 'Not found'),
  conflict: coded('ATRIUM_ERR_CONFLICT', 409, 'Conflict'),
} as const;
