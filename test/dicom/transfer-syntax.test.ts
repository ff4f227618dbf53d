import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  allTransferSyntaxes,
  DeflatedExplicitVRLittleEndian,
  ExplicitVRBigEndian,
  ExplicitVRLittleEndian,
  getTransferSyntax,
  HTJ2KLossless,
  ImplicitVRLittleEndian,
  JPEG2000,
  JPEGBaseline8Bit,
  JPEGLSLossless,
  RLELossless,
} from '../../src/dicom/transfer-syntax.js';

describe('transfer syntax table (PS3.5 10, PS3.6 Annex A)', () => {
  it('describes the native syntaxes', () => {
    expect(getTransferSyntax(ImplicitVRLittleEndian)).toMatchObject({ explicitVr: false, littleEndian: true, encapsulated: false, deflated: false });
    expect(getTransferSyntax(ExplicitVRLittleEndian)).toMatchObject({ explicitVr: true, littleEndian: true, encapsulated: false, deflated: false });
    expect(getTransferSyntax(ExplicitVRBigEndian)).toMatchObject({ explicitVr: true, littleEndian: false, encapsulated: false });
    expect(getTransferSyntax(DeflatedExplicitVRLittleEndian)).toMatchObject({ explicitVr: true, deflated: true, encapsulated: false });
  });

  it('describes compressed syntaxes as encapsulated, explicit VR little endian, lossy or not', () => {
    for (const [uid, lossy] of [
      [JPEGBaseline8Bit, true],
      ['1.2.840.10008.1.2.4.51', true],
      ['1.2.840.10008.1.2.4.57', false],
      ['1.2.840.10008.1.2.4.70', false],
      [JPEGLSLossless, false],
      ['1.2.840.10008.1.2.4.81', true],
      ['1.2.840.10008.1.2.4.90', false],
      [JPEG2000, true],
      ['1.2.840.10008.1.2.4.92', false],
      ['1.2.840.10008.1.2.4.93', true],
      [HTJ2KLossless, false],
      ['1.2.840.10008.1.2.4.202', false],
      ['1.2.840.10008.1.2.4.203', true],
      [RLELossless, false],
      ['1.2.840.10008.1.2.1.98', false],
      ['1.2.840.10008.1.2.8.1', false],
      ['1.2.840.10008.1.2.4.110', false],
      ['1.2.840.10008.1.2.4.112', true],
      ['1.2.840.10008.1.2.4.100', true],
      ['1.2.840.10008.1.2.4.102.1', true],
      ['1.2.840.10008.1.2.4.108', true],
    ] as const) {
      expect(getTransferSyntax(uid), uid).toMatchObject({ uid, explicitVr: true, littleEndian: true, encapsulated: true, deflated: false, lossy });
    }
  });

  it('returns undefined for unknown and private UIDs', () => {
    expect(getTransferSyntax('1.2.840.10008.1.2.4.999')).toBeUndefined();
    expect(getTransferSyntax('1.3.46.670589.33.1.4.1')).toBeUndefined();
    expect(getTransferSyntax('')).toBeUndefined();
  });

  it('has unique UIDs and names, and frozen entries', () => {
    const all = allTransferSyntaxes();
    expect(new Set(all.map((t) => t.uid)).size).toBe(all.length);
    expect(new Set(all.map((t) => t.name)).size).toBe(all.length);
    expect(all.every((t) => Object.isFrozen(t))).toBe(true);
  });

  it('knows every transfer syntax in the test data', () => {
    const manifest = readFileSync(fileURLToPath(new URL('../../../shared/testdata/MANIFEST.tsv', import.meta.url)), 'utf8');
    const [header, ...rows] = manifest.trimEnd().split('\n');
    const column = (header as string).split('\t').indexOf('transfer_syntax_uid');
    const uids = new Set(rows.map((r) => r.split('\t')[column] ?? '').filter((u) => /^[\d.]+$/.test(u)));
    expect(uids.size).toBeGreaterThan(10);
    for (const uid of uids) expect(getTransferSyntax(uid), uid).toBeDefined();
  });
});
