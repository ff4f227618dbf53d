import { describe, expect, it } from 'vitest';
import {
  type AcceptRange,
  negotiate,
  negotiateRetrieve,
  notAcceptableMessage,
  parseAccept,
  partContentType,
  responseContentType,
  retrieveOffers,
  type RetrieveTarget,
} from '../../../src/dicomweb/http/accept.js';

const ELE = '1.2.840.10008.1.2.1';
const IMPLICIT = '1.2.840.10008.1.2';
const J2K = '1.2.840.10008.1.2.4.90';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.70';

const pick = (accept: string | undefined, target: RetrieveTarget) => negotiateRetrieve(parseAccept(accept), target);

describe('parseAccept (RFC 9110 12.5.1, PS3.18 8.4.1.1)', () => {
  it('reads a missing or empty header as */*', () => {
    for (const h of [undefined, '', '  ']) expect(parseAccept(h)).toMatchObject([{ type: '*', subtype: '*', q: 1 }]);
  });

  it('keeps order, q-values and parameters, without q', () => {
    const ranges = parseAccept('multipart/related; type="application/dicom"; transfer-syntax=*; q=0.5, application/dicom+json');
    expect(ranges.map((r) => [r.type, r.subtype, r.q, r.order])).toEqual([
      ['multipart', 'related', 0.5, 0],
      ['application', 'dicom+json', 1, 1],
    ]);
    expect(Object.fromEntries(ranges[0]?.params ?? [])).toEqual({ type: 'application/dicom', 'transfer-syntax': '*' });
  });

  it('joins several header fields and ignores invalid elements', () => {
    const ranges = parseAccept(['text/html, garbage', 'image/*;q=0.2, a/b;q=x, */x, c/d;q=7']);
    expect(ranges.map((r) => `${r.type}/${r.subtype};${r.q}`)).toEqual(['text/html;1', 'image/*;0.2', 'c/d;1']);
  });

  it('keeps commas inside quoted values and reads a bare "*" as */*', () => {
    expect(parseAccept('a/b; x="1,2", *; q=.2').map((r) => [r.params.get('x'), r.type, r.q])).toEqual([
      ['1,2', 'a', 1],
      [undefined, '*', 0.2],
    ]);
  });
});

describe('negotiate (generic)', () => {
  const offers = [
    { mediaType: 'application/dicom+json', value: 'json' },
    { mediaType: 'application/json', value: 'plain' },
    { mediaType: 'text/html', value: 'html' },
  ];
  const choose = (accept: string) => negotiate(parseAccept(accept), offers);

  it('prefers the highest q, then the earliest range', () => {
    expect(choose('text/html;q=0.5, application/json')).toBe('plain');
    expect(choose('text/html, application/json')).toBe('html');
  });

  it('lets a specific q=0 exclude what a wildcard allows', () => {
    expect(choose('application/dicom+json;q=0, application/*')).toBe('plain');
    expect(choose('*/*;q=0')).toBeNull();
  });

  it('gives wildcards to the first (default) offer', () => {
    expect(choose('*/*')).toBe('json');
    expect(choose('text/*, */*;q=0.1')).toBe('html');
  });

  it('returns null when nothing matches', () => {
    expect(choose('image/png')).toBeNull();
    expect(negotiate([] as AcceptRange[], offers)).toBeNull();
  });
});

describe('negotiateRetrieve: instances (PS3.18 8.7.3, 10.4)', () => {
  const instance = (stored: string, extra: Partial<RetrieveTarget> = {}): RetrieveTarget => ({
    kind: 'instance',
    storedTransferSyntax: stored,
    ...extra,
  });

  it('Orthanc: transfer-syntax=* returns the stored syntax as is', () => {
    const rep = pick('multipart/related; type="application/dicom"; transfer-syntax=*', instance(J2K));
    expect(rep).toEqual({ mediaType: 'multipart/related', partType: 'application/dicom', transferSyntax: J2K, transcode: false });
    expect(responseContentType(rep!, 'xyz')).toBe(
      `multipart/related; type="application/dicom"; transfer-syntax=${J2K}; boundary=xyz`,
    );
    expect(partContentType(rep!)).toBe(`application/dicom; transfer-syntax=${J2K}`);
  });

  it('a missing transfer-syntax means Explicit VR Little Endian (8.7.3.4)', () => {
    expect(pick('multipart/related; type=application/dicom', instance(ELE))?.transferSyntax).toBe(ELE);
    // Stored lossless JPEG 2000 and no decoder yet: not acceptable.
    expect(pick('multipart/related; type=application/dicom', instance(J2K))).toBeNull();
    // With a decoder it is transcoded.
    const canProduce = (from: string, to: string) => from === to || to === ELE;
    expect(pick('multipart/related; type=application/dicom', instance(J2K, { canProduce }))).toMatchObject({
      transferSyntax: ELE,
      transcode: true,
    });
  });

  it('lossy data may be sent as stored when the default was asked for (8.7.3.4)', () => {
    expect(pick('multipart/related; type="application/dicom"', instance(JPEG_BASELINE))).toMatchObject({
      transferSyntax: JPEG_BASELINE,
      transcode: false,
    });
  });

  it('Implicit VR is converted to Explicit VR LE, never sent (8.7.3)', () => {
    expect(pick('multipart/related; type="application/dicom"; transfer-syntax=*', instance(IMPLICIT))).toMatchObject({
      transferSyntax: ELE,
      transcode: true,
    });
    const asIsOnly = (from: string, to: string) => from === to;
    expect(pick('*/*', instance(IMPLICIT, { canProduce: asIsOnly }))?.transferSyntax).toBe(IMPLICIT);
  });

  it('a range that leaves the syntax open gets the data as stored even when it could be converted', () => {
    const anything = () => true;
    for (const accept of ['*/*', 'multipart/related', 'multipart/related; type="application/dicom"; transfer-syntax=*', undefined]) {
      expect(pick(accept, instance(J2K, { canProduce: anything })), String(accept)).toMatchObject({ transferSyntax: J2K, transcode: false });
    }
    // A named media type without a syntax means its default (PS3.18 8.7.3.5.2).
    expect(pick('multipart/related; type="application/dicom"', instance(J2K, { canProduce: anything }))).toMatchObject({ transferSyntax: ELE, transcode: true });
  });

  it('a named syntax needs a codec; q orders alternatives', () => {
    const accept = `multipart/related; type="application/dicom"; transfer-syntax=${JPEG_LOSSLESS}`;
    expect(pick(accept, instance(J2K))).toBeNull();
    const canProduce = (from: string, to: string) => from === to || to === JPEG_LOSSLESS;
    expect(pick(accept, instance(J2K, { canProduce }))).toMatchObject({ transferSyntax: JPEG_LOSSLESS, transcode: true });
    const both = `${accept}; q=0.5, multipart/related; type="application/dicom"; transfer-syntax=${J2K}`;
    expect(pick(both, instance(J2K, { canProduce }))).toMatchObject({ transferSyntax: J2K, transcode: false });
  });

  it('*/* picks the default media type; single part only when allowed (10.4.4)', () => {
    expect(pick('*/*', instance(ELE))).toMatchObject({ mediaType: 'multipart/related', partType: 'application/dicom' });
    expect(pick('application/dicom', instance(ELE))).toBeNull();
    const rep = pick('application/dicom', instance(ELE, { singlePart: true }));
    expect(rep).toEqual({ mediaType: 'application/dicom', transferSyntax: ELE, transcode: false });
    expect(responseContentType(rep!)).toBe(`application/dicom; transfer-syntax=${ELE}`);
  });

  it('explains a 406 with what could be sent', () => {
    const accept = 'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.80';
    expect(pick(accept, instance(J2K))).toBeNull();
    const message = notAcceptableMessage(accept, retrieveOffers(instance(J2K)));
    expect(message).toContain(accept);
    expect(message).toContain(`multipart/related; type="application/dicom"; transfer-syntax=${J2K} (as stored)`);
  });
});

describe('negotiateRetrieve: frames and bulkdata (PS3.18 8.7.3.3, Table 8.7.3-5)', () => {
  const frames = (stored: string, extra: Partial<RetrieveTarget> = {}): RetrieveTarget => ({
    kind: 'frames',
    storedTransferSyntax: stored,
    ...extra,
  });
  const OHIF = [
    'multipart/related; type=application/octet-stream; transfer-syntax=*',
    'multipart/related; type="application/octet-stream"; transfer-syntax="*"',
  ];

  it('OHIF: octet-stream with transfer-syntax=* gets the stored frames, labelled', () => {
    for (const accept of OHIF) {
      const rep = pick(accept, frames(J2K));
      expect(rep).toEqual({ mediaType: 'multipart/related', partType: 'application/octet-stream', transferSyntax: J2K, transcode: false });
      expect(partContentType(rep!)).toBe(`application/octet-stream; transfer-syntax=${J2K}`);
      // Native frames of an Implicit VR file are the same bytes as Explicit VR LE.
      expect(pick(accept, frames(IMPLICIT))).toMatchObject({ transferSyntax: ELE, transcode: false });
    }
  });

  it('compressed media types of Table 8.7.3-5, with and without a syntax', () => {
    expect(pick('multipart/related; type="image/jp2"', frames(J2K))).toMatchObject({ partType: 'image/jp2', transferSyntax: J2K });
    expect(pick('multipart/related; type="image/*"; transfer-syntax=*', frames(J2K))).toMatchObject({ partType: 'image/jp2' });
    // image/jpeg defaults to JPEG lossless; baseline is lossy so it may stay as is.
    expect(pick('multipart/related; type="image/jpeg"', frames(JPEG_BASELINE))).toMatchObject({ transferSyntax: JPEG_BASELINE });
    expect(pick('multipart/related; type="image/jpeg"', frames(J2K))).toBeNull();
  });

  it('uncompressed frames default to application/octet-stream; q=0 excludes', () => {
    expect(pick('*/*', frames(ELE))).toMatchObject({ partType: 'application/octet-stream', transferSyntax: ELE });
    expect(pick(`multipart/related; type=application/octet-stream; transfer-syntax=${ELE}; q=0, */*`, frames(ELE))).toBeNull();
    expect(pick('multipart/related; type="application/dicom"; transfer-syntax=*', frames(ELE))).toBeNull();
  });

  it('single-part octet-stream for one frame or bulkdata item', () => {
    const target: RetrieveTarget = { kind: 'bulkdata', storedTransferSyntax: ELE, singlePart: true };
    expect(pick('application/octet-stream', target)).toEqual({
      mediaType: 'application/octet-stream',
      transferSyntax: ELE,
      transcode: false,
    });
  });
});

describe('negotiateRetrieve: metadata (PS3.18 10.4.4)', () => {
  const metadata: RetrieveTarget = { kind: 'metadata' };
  it.each([
    ['application/dicom+json', 'application/dicom+json'],
    ['*/*', 'application/dicom+json'],
    [undefined, 'application/dicom+json'],
    ['application/json', 'application/json'],
    ['application/dicom+json; transfer-syntax=*', 'application/dicom+json'],
    ['application/dicom+xml', null],
    ['multipart/related; type="application/dicom+xml"', null],
  ])('%s → %s', (accept, expected) => {
    const rep = pick(accept, metadata);
    expect(rep === null ? null : responseContentType(rep)).toBe(expected);
  });
});
