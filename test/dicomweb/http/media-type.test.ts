import { describe, expect, it } from 'vitest';
import { formatMediaType, parseMediaType } from '../../../src/dicomweb/http/media-type.js';

const params = (s: string) => Object.fromEntries(parseMediaType(s)?.params ?? []);

describe('parseMediaType (RFC 9110 8.3.1, 5.6.6)', () => {
  it('lower-cases type, subtype and parameter names but keeps value case', () => {
    const mt = parseMediaType('Multipart/Related; Type="Application/DICOM"; Boundary=AbC');
    expect(mt?.type).toBe('multipart');
    expect(mt?.subtype).toBe('related');
    expect(Object.fromEntries(mt?.params ?? [])).toEqual({ type: 'Application/DICOM', boundary: 'AbC' });
  });

  it('treats quoted and unquoted values alike (PS3.18 8.7)', () => {
    expect(params('multipart/related; type="application/dicom"')).toEqual(params('multipart/related; type=application/dicom'));
  });

  it('unescapes quoted-pairs and keeps ";" and "," inside quotes', () => {
    expect(params('a/b; x="q\\"u\\\\o;t,e"; y=1')).toEqual({ x: 'q"u\\o;t,e', y: '1' });
  });

  it('tolerates whitespace, empty parameters and names without a value', () => {
    expect(params('  text/plain ;charset = utf-8 ;; junk ;  q=0.5  ')).toEqual({ charset: 'utf-8', q: '0.5' });
    expect(parseMediaType('text/plain')?.params.size).toBe(0);
  });

  it('keeps the first of repeated parameters', () => {
    expect(params('a/b; x=1; X=2')).toEqual({ x: '1' });
  });

  it('reads an unterminated quoted-string to the end', () => {
    expect(params('a/b; boundary="abc')).toEqual({ boundary: 'abc' });
  });

  it('accepts wildcards as tokens and rejects malformed types', () => {
    expect(parseMediaType('*/*')).toMatchObject({ type: '*', subtype: '*' });
    for (const bad of ['', 'text', '/plain', 'text/', 'te xt/plain', 'text/pl(ain', '"a"/b']) {
      expect(parseMediaType(bad), bad).toBeNull();
    }
  });
});

describe('formatMediaType', () => {
  it('quotes values that are not tokens and skips undefined ones', () => {
    expect(
      formatMediaType('multipart/related', [
        ['type', 'application/dicom'],
        ['transfer-syntax', '1.2.840.10008.1.2.1'],
        ['charset', undefined],
        ['boundary', 'a"b'],
      ]),
    ).toBe('multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.1; boundary="a\\"b"');
  });

  it('round-trips through parseMediaType', () => {
    const text = formatMediaType('a/b', [['x', 'sp ace;"q"\\'], ['y', '']]);
    expect(params(text)).toEqual({ x: 'sp ace;"q"\\', y: '' });
  });
});
