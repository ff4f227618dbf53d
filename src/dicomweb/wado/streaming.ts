import type { FastifyReply, FastifyRequest } from 'fastify';
import { createMultipartWriter, type MultipartWriterPart } from '../http/multipart-writer.js';

/**
 * Sends a multipart/related body whose parts are produced one at a time, so a
 * study of any size streams from disk with backpressure instead of buffering.
 */
export function sendMultipart(
  request: FastifyRequest,
  reply: FastifyReply,
  contentType: (boundary: string) => string,
  parts: AsyncIterable<MultipartWriterPart> | Iterable<MultipartWriterPart>,
  /** When every part's size is known up front: the body length, from multipartLength(). */
  contentLength?: (boundary: string) => number,
): FastifyReply {
  const writer = createMultipartWriter();
  if (contentLength) reply.header('Content-Length', contentLength(writer.boundary));
  void (async () => {
    try {
      for await (const part of parts) await writer.writePart(part);
      await writer.end();
    } catch (err) {
      // Headers are gone already: a truncated body is how HTTP reports this.
      request.log.warn({ err }, 'multipart response aborted');
      writer.abort(err as Error);
    }
  })();
  return reply.type(contentType(writer.boundary)).send(writer.stream);
}
