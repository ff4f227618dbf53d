import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { getBoundary, MultipartError, readMultipart } from '../../../src/dicomweb/http/multipart-reader.js';

interface RawPart {
  headers?: string[];
  body: string | Buffer;
}

/** A multipart body as RFC 2046 5.1.1 writes it (eol = "\n" for bare-LF senders). */
function build(parts: RawPart[], opts: { boundary?: string; preamble?: string; epilogue?: string; eol?: string } = {}) {
  const b = opts.boundary ?? 'XbX';
  const eol = opts.eol ?? '\r\n';
  const chunks: Buffer[] = [];
  if (opts.preamble !== undefined) chunks.push(Buffer.from(opts.preamble + eol));
  parts.forEach((p, i) => {
    chunks.push(Buffer.from(`${i === 0 ? '' : eol}--${b}${eol}${(p.headers ?? []).map((h) => h + eol).join('')}${eol}`));
    chunks.push(Buffer.from(p.body));
  });
  chunks.push(Buffer.from(`${eol}--${b}--`));
  if (opts.epilogue !== undefined) chunks.push(Buffer.from(eol + opts.epilogue));
  return Buffer.concat(chunks);
}

/** A byte stream delivering `buf` in chunks of `size` bytes. */
function source(buf: Buffer, size = buf.length): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  return Readable.from(chunks, { objectMode: false });
}

async function collect(body: Readable | AsyncIterable<Buffer>, boundary = 'XbX') {
  const out: { headers: Record<string, string>; contentType: string | undefined; body: string }[] = [];
  for await (const part of readMultipart(body, boundary)) {
    const chunks: Buffer[] = [];
    for await (const c of part.body) chunks.push(c as Buffer);
    out.push({ headers: Object.fromEntries(part.headers), contentType: part.contentType, body: Buffer.concat(chunks).toString('latin1') });
  }
  return out;
}

const SAMPLE: RawPart[] = [
  { headers: ['Content-Type: application/dicom', 'Content-Location: /a'], body: 'first\r\nwith CRLF\r\n' },
  { headers: [], body: '' },
  { headers: ['content-type:text/plain', 'X-Folded: one', '  two'], body: '--XbX is not a delimiter here; \r\n--XbXY neither\r' },
  { headers: ['Content-Type: application/octet-stream'], body: Buffer.from([0, 13, 10, 45, 45, 13, 255]) },
];
const EXPECTED = [
  { headers: { 'content-type': 'application/dicom', 'content-location': '/a' }, contentType: 'application/dicom', body: 'first\r\nwith CRLF\r\n' },
  { headers: {}, contentType: undefined, body: '' },
  { headers: { 'content-type': 'text/plain', 'x-folded': 'one two' }, contentType: 'text/plain', body: '--XbX is not a delimiter here; \r\n--XbXY neither\r' },
  { headers: { 'content-type': 'application/octet-stream' }, contentType: 'application/octet-stream', body: '\0\r\n--\r\xff' },
];

describe('readMultipart (RFC 2046 5.1.1)', () => {
  it('reads parts whatever the chunking, down to 1-byte chunks', async () => {
    const body = build(SAMPLE, { preamble: 'ignore me', epilogue: 'and me' });
    for (let size = 1; size <= body.length; size += size < 40 ? 1 : 13) {
      expect(await collect(source(body, size)), `chunk size ${size}`).toEqual(EXPECTED);
    }
  });

  it('accepts the first delimiter at byte 0, or after a preamble', async () => {
    expect(await collect(source(build(SAMPLE)))).toEqual(EXPECTED);
    expect(await collect(source(build(SAMPLE, { preamble: '' })))).toEqual(EXPECTED);
  });

  it('tolerates transport padding after boundaries and bare-LF line endings', async () => {
    const padded = build(SAMPLE).toString('latin1').replaceAll('--XbX\r\n', '--XbX \t \r\n').replace(/--$/, '-- \r\n');
    expect(await collect(source(Buffer.from(padded, 'latin1'), 3))).toEqual(EXPECTED);
    const lf = build([{ headers: ['Content-Type: a/b'], body: 'x\ny' }, { body: 'z' }], { eol: '\n' });
    expect(await collect(source(lf, 2))).toEqual([
      { headers: { 'content-type': 'a/b' }, contentType: 'a/b', body: 'x\ny' },
      { headers: {}, contentType: undefined, body: 'z' },
    ]);
  });

  it('reads an empty body whose delimiter lacks its CRLF', async () => {
    const text = '--XbX\r\nContent-Type: a/b\r\n\r\n--XbX\r\n\r\nz\r\n--XbX--';
    expect((await collect(source(Buffer.from(text), 1))).map((p) => p.body)).toEqual(['', 'z']);
  });

  it('yields nothing for a body that is only the close delimiter', async () => {
    expect(await collect(source(Buffer.from('--XbX--\r\n')))).toEqual([]);
  });

  it('reads thousands of parts', async () => {
    const parts = Array.from({ length: 5000 }, (_, i) => ({ headers: [`Content-Type: a/b; n=${i}`], body: `part ${i}` }));
    const got = await collect(source(build(parts), 4096));
    expect(got).toHaveLength(5000);
    expect(got[4999]).toMatchObject({ contentType: 'a/b; n=4999', body: 'part 4999' });
  });

  it('skips bodies left unread or destroyed', async () => {
    const seen: string[] = [];
    let i = 0;
    for await (const part of readMultipart(source(build(SAMPLE), 5), 'XbX')) {
      if (i === 0) part.body.destroy();
      if (i === 2) {
        for await (const c of part.body) {
          seen.push((c as Buffer).toString('latin1'));
          break; // destroys the body after one chunk
        }
      }
      if (i === 3) seen.push(Buffer.concat(await part.body.toArray()).toString('latin1'));
      i++;
    }
    expect(i).toBe(4);
    expect(seen.at(-1)).toBe(EXPECTED[3]?.body);
  });

  it('also reads plain async iterables', async () => {
    async function* gen() {
      yield build(SAMPLE);
    }
    expect(await collect(gen())).toEqual(EXPECTED);
  });
});

describe('readMultipart errors', () => {
  it('a truncated body errors the part and the iterator with MultipartError', async () => {
    const body = build(SAMPLE).subarray(0, 75);
    const parts = readMultipart(source(body, 7), 'XbX');
    const first = await parts.next();
    expect(first.done).toBe(false);
    const read = first.done ? Promise.resolve() : first.value.body.toArray();
    await expect(read).rejects.toThrow(/truncated/);
    await expect(parts.next()).rejects.toBeInstanceOf(MultipartError);
  });

  it('truncation in an unread part throws from the iterator', async () => {
    await expect(collectHeadersOnly(build(SAMPLE).subarray(0, 120))).rejects.toThrow(/close delimiter "--XbX--"/);
  });

  it('a body without the boundary says so', async () => {
    await expect(collect(source(Buffer.from('hello world, no boundary here')))).rejects.toThrow(MultipartError);
  });

  it('limits the part header block', async () => {
    const big = build([{ headers: [`X-Big: ${'a'.repeat(20_000)}`], body: 'x' }]);
    await expect(collect(source(big, 1000))).rejects.toThrow(/header block exceeds 16384/);
    const unterminated = Buffer.from(`--XbX\r\nX-Big: ${'a'.repeat(20_000)}`);
    await expect(collect(source(unterminated, 1000))).rejects.toThrow(/header block exceeds/);
  });

  it('validates the boundary: RFC 2046 says 1-70 characters; up to 256 are read, as peers send more', async () => {
    await expect(collect(source(build(SAMPLE)), '')).rejects.toThrow(/invalid multipart boundary/);
    await expect(collect(source(build(SAMPLE)), 'x'.repeat(257))).rejects.toThrow(MultipartError);
  });
});

async function collectHeadersOnly(body: Buffer): Promise<number> {
  let n = 0;
  for await (const _part of readMultipart(source(body, 9), 'XbX')) n++;
  return n;
}

describe('getBoundary', () => {
  it.each([
    ['multipart/related; type="application/dicom"; boundary="a b:c"', 'a b:c'],
    ['multipart/related; type=application/dicom; boundary=abc123', 'abc123'],
    ['Multipart/Related;Boundary=XYZ', 'XYZ'],
    ['application/dicom; boundary=abc', null],
    ['multipart/related; type="application/dicom"', null],
    // Orthanc's DICOMweb client sends two UUIDs: 73 characters.
    [`multipart/related; boundary=${'x'.repeat(73)}`, 'x'.repeat(73)],
    [`multipart/related; boundary=${'x'.repeat(257)}`, null],
    ['multipart/related; boundary="trailing "', null],
  ])('%s → %s', (contentType, expected) => {
    expect(getBoundary(contentType)).toBe(expected);
  });
});

describe('readMultipart backpressure and memory', () => {
  it('does not read the source ahead of the consumer', async () => {
    let pulled = 0;
    const chunk = Buffer.alloc(64 * 1024, 1);
    async function* gen() {
      yield Buffer.from('--XbX\r\n\r\n');
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield chunk;
      }
      yield Buffer.from('\r\n--XbX--');
    }
    const parts = readMultipart(gen(), 'XbX');
    const first = await parts.next();
    if (first.done) throw new Error('no part');
    const body = first.value.body;
    await new Promise<void>((resolve) => body.once('readable', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pulled).toBeLessThan(5);
    let total = 0;
    for await (const c of body) total += (c as Buffer).length;
    expect(total).toBe(1000 * chunk.length);
    expect(await parts.next()).toEqual({ done: true, value: undefined });
  });

  it('streams a 200 MB body in bounded memory', async () => {
    const boundary = 'atrium-0123456789abcdef';
    const partSize = 20 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x2d); // dashes: worst case for the delimiter search
    async function* gen() {
      for (let p = 0; p < 10; p++) {
        yield Buffer.from(`${p === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`);
        for (let sent = 0; sent < partSize; sent += chunk.length) yield Buffer.from(chunk);
      }
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    }
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakArrayBuffers = before.arrayBuffers;
    let total = 0;
    let parts = 0;
    const started = performance.now();
    for await (const part of readMultipart(Readable.from(gen(), { objectMode: false }), boundary)) {
      parts++;
      for await (const c of part.body) {
        total += (c as Buffer).length;
        if (total % (8 * 1024 * 1024) < 65536) {
          const m = process.memoryUsage();
          peakRss = Math.max(peakRss, m.rss);
          peakArrayBuffers = Math.max(peakArrayBuffers, m.arrayBuffers);
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    expect(parts).toBe(10);
    expect(total).toBe(10 * partSize);
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    console.log(
      `200 MB through readMultipart: ${Math.round(200 / seconds)} MB/s; rss +${mb(peakRss - before.rss)} MB, arrayBuffers +${mb(peakArrayBuffers - before.arrayBuffers)} MB`,
    );
    expect(peakRss - before.rss).toBeLessThan(100 * 1024 * 1024);
    expect(peakArrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
  });
});
