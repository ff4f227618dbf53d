import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { getBoundary, readMultipart } from '../../../src/dicomweb/http/multipart-reader.js';
import { createMultipartWriter, multipartLength, randomBoundary } from '../../../src/dicomweb/http/multipart-writer.js';

async function readAll(stream: Readable): Promise<Buffer> {
  return Buffer.concat(await stream.toArray());
}

describe('createMultipartWriter (RFC 2046 5.1.1, PS3.18 8.6.1.2)', () => {
  it('starts with the dash-boundary and labels every part', async () => {
    const writer = createMultipartWriter('b0und');
    const body = readAll(writer.stream);
    await writer.writePart({ contentType: 'application/dicom; transfer-syntax=1.2.840.10008.1.2.1', body: Buffer.from('one') });
    await writer.writePart({
      contentType: 'application/octet-stream; transfer-syntax=1.2.840.10008.1.2.4.90',
      headers: { 'Content-Location': '/frames/2' },
      body: Readable.from([Buffer.from('tw'), Buffer.from('o')]),
    });
    await writer.end();
    expect((await body).toString()).toBe(
      '--b0und\r\nContent-Type: application/dicom; transfer-syntax=1.2.840.10008.1.2.1\r\n\r\none' +
        '\r\n--b0und\r\nContent-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.4.90\r\n' +
        'Content-Location: /frames/2\r\n\r\ntwo\r\n--b0und--\r\n',
    );
  });

  it('round-trips through readMultipart, binary and empty parts included', async () => {
    const writer = createMultipartWriter();
    const payloads = [Buffer.alloc(0), Buffer.from('\r\n--x\r\n'), Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 256))];
    const written = (async () => {
      for (const [i, body] of payloads.entries()) await writer.writePart({ contentType: `a/b; n=${i}`, body });
      await writer.end();
    })();
    const boundary = getBoundary(`multipart/related; type="a/b"; boundary=${writer.boundary}`);
    const got: { contentType: string | undefined; body: Buffer }[] = [];
    for await (const part of readMultipart(writer.stream, boundary ?? '')) {
      got.push({ contentType: part.contentType, body: Buffer.concat(await part.body.toArray()) });
    }
    await written;
    expect(got.map((p) => p.contentType)).toEqual(['a/b; n=0', 'a/b; n=1', 'a/b; n=2']);
    got.forEach((p, i) => expect(p.body.equals(payloads[i] as Buffer)).toBe(true));
  });

  it('writes only the close delimiter when there are no parts', async () => {
    const writer = createMultipartWriter('e');
    const body = readAll(writer.stream);
    await writer.end();
    expect((await body).toString()).toBe('--e--\r\n');
  });

  it('waits while the reader is slow (backpressure)', async () => {
    const writer = createMultipartWriter();
    let done = false;
    const writing = writer.writePart({ contentType: 'a/b', body: Buffer.alloc(1024 * 1024) }).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    writer.stream.resume();
    await writing;
    expect(done).toBe(true);
  });

  it('rejects writes once the client went away', async () => {
    const writer = createMultipartWriter();
    const writing = writer.writePart({ contentType: 'a/b', body: Buffer.alloc(1024 * 1024) });
    writer.stream.destroy();
    await expect(writing).rejects.toThrow(/closed/);
  });

  it('refuses header injection and bad boundaries', async () => {
    const writer = createMultipartWriter();
    await expect(writer.writePart({ contentType: 'a/b\r\nX-Evil: 1', body: Buffer.alloc(0) })).rejects.toThrow(RangeError);
    await expect(writer.writePart({ contentType: 'a/b', headers: { 'Bad Name': 'x' }, body: Buffer.alloc(0) })).rejects.toThrow(
      RangeError,
    );
    expect(() => createMultipartWriter('x'.repeat(71))).toThrow(RangeError);
  });

  it('generates distinct token boundaries', () => {
    const a = randomBoundary();
    expect(a).toMatch(/^[a-z0-9-]{1,70}$/);
    expect(randomBoundary()).not.toBe(a);
  });
});

describe('multipartLength', () => {
  it('equals the bytes the writer produces, for zero, one and several parts', async () => {
    const shapes = [
      [],
      [{ contentType: 'application/dicom; transfer-syntax=1.2.840.10008.1.2.1', headers: { 'Content-Length': '5' }, body: Buffer.from('abcde') }],
      [
        { contentType: 'application/octet-stream', body: Buffer.alloc(0) },
        { contentType: 'image/jp2', headers: { 'Content-Location': '/x/frames/2' }, body: Buffer.alloc(70_000, 7) },
        { contentType: 'application/octet-stream', body: Buffer.from('z') },
      ],
    ];
    for (const parts of shapes) {
      const writer = createMultipartWriter();
      const collected = (async () => Buffer.concat(await writer.stream.toArray()))();
      for (const part of parts) await writer.writePart(part);
      await writer.end();
      const bytes = await collected;
      const predicted = multipartLength(writer.boundary, parts.map((p) => ({ ...p, length: p.body.length })));
      expect(predicted).toBe(bytes.length);
    }
  });
});
