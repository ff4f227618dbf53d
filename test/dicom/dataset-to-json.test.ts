import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { datasetToJson, type JsonConversionOptions } from '../../src/dicom/dataset-to-json.js';
import { readInstance } from '../../src/dicom/instance-reader.js';
import type { ByteRange } from '../../src/dicom/pixel-layout.js';
import type { DicomJsonDataset, Vr } from '../../src/dicom/json-model.js';
import type { RawElement } from '../../src/dicom/raw-element-reader.js';

const TESTDATA = fileURLToPath(new URL('../../../shared/testdata/', import.meta.url));
const read = (file: string) => readInstance(join(TESTDATA, file), { bulkDataUri: (p) => `bulk/${p}` });

let nextOffset = 1000;

function raw(tag: number, vr: Vr, value: Uint8Array | string, littleEndian = true): RawElement {
  const bytes = typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'latin1')) : value;
  const offset = nextOffset;
  nextOffset += bytes.length + 12;
  return { tag, vr, offset, length: bytes.length, end: offset + bytes.length, undefinedLength: false, littleEndian, value: bytes, items: undefined };
}

function sq(tag: number, items: RawElement[][]): RawElement {
  return { tag, vr: 'SQ', offset: 0, length: 0, end: 0, undefinedLength: true, littleEndian: true, value: undefined, items };
}

function bytesOf(write: (v: DataView) => void, size: number): Uint8Array {
  const b = new Uint8Array(size);
  write(new DataView(b.buffer));
  return b;
}

function convert(elements: RawElement[], overrides: Partial<JsonConversionOptions> = {}): { json: DicomJsonDataset; bulk: Record<string, ByteRange> } {
  const bulk: Record<string, ByteRange> = {};
  const json = datasetToJson(elements, { bulkDataUri: (p) => `bulk/${p}`, inlineBinaryMaxBytes: 16, bulkData: bulk, ...overrides });
  return { json, bulk };
}

describe('PS3.18 F.2 structure', () => {
  it('keys are 8 upper-case hex digits in ascending order; group lengths are left out', () => {
    const { json } = convert([
      raw(0x00100020, 'LO', 'ID1 '),
      raw(0x00080000, 'UL', bytesOf((v) => v.setUint32(0, 10, true), 4)),
      raw(0x0020000d, 'UI', '1.2.3\0'),
      raw(0x00080060, 'CS', 'CT'),
    ]);
    expect(Object.keys(json)).toEqual(['00080060', '00100020', '0020000D']);
  });

  it('a repeated tag keeps its first occurrence', () => {
    const { json } = convert([raw(0x00080060, 'CS', 'CT'), raw(0x00080060, 'CS', 'MR')]);
    expect(json['00080060']).toEqual({ vr: 'CS', Value: ['CT'] });
  });

  it('a zero-length or all-padding value has no Value (F.2.5)', () => {
    const { json } = convert([raw(0x00080050, 'SH', ''), raw(0x00080090, 'PN', '  '), raw(0x00101020, 'DS', ''), raw(0x00280010, 'US', new Uint8Array(0))]);
    expect(json).toEqual({ '00080050': { vr: 'SH' }, '00080090': { vr: 'PN' }, '00101020': { vr: 'DS' }, '00280010': { vr: 'US' } });
  });
});

describe('strings', () => {
  it('split on backslash, padding trimmed, empty values null', () => {
    const { json } = convert([
      raw(0x00080008, 'CS', ' ORIGINAL\\PRIMARY \\AXIAL '),
      raw(0x00081155, 'UI', '1.2.840.10008.1.2\0'),
      raw(0x00081030, 'LO', 'A\\\\B '),
    ]);
    expect(json['00080008']?.Value).toEqual(['ORIGINAL', 'PRIMARY', 'AXIAL']);
    expect(json['00081155']?.Value).toEqual(['1.2.840.10008.1.2']);
    expect(json['00081030']?.Value).toEqual(['A', null, 'B']);
  });

  it('LT, ST, UT and UR are single-valued and keep leading spaces', () => {
    const { json } = convert([raw(0x00204000, 'LT', '  line one\\two  '), raw(0x00081190, 'UR', 'http://x/a\\b ')]);
    expect(json['00204000']?.Value).toEqual(['  line one\\two']);
    expect(json['00081190']?.Value).toEqual(['http://x/a\\b']);
  });

  it('DS and IS become numbers; values that are not numbers are kept as strings', () => {
    const { json } = convert([
      raw(0x00280030, 'DS', '0.5\\ -2e3 '),
      raw(0x00180050, 'DS', '.25 '),
      raw(0x00281050, 'DS', 'abc '),
      raw(0x00200013, 'IS', '+12\\x1'),
    ]);
    expect(json['00280030']?.Value).toEqual([0.5, -2000]);
    expect(json['00180050']?.Value).toEqual([0.25]);
    expect(json['00281050']?.Value).toEqual(['abc']);
    expect(json['00200013']?.Value).toEqual([12, 'x1']);
  });

  it('PN becomes component group objects; a lone empty name is no Value', () => {
    const { json } = convert([
      raw(0x00100010, 'PN', 'Doe^John^^^'),
      raw(0x00081070, 'PN', 'A^B\\C^D'),
      raw(0x00080090, 'PN', '^'),
    ]);
    expect(json['00100010']?.Value).toEqual([{ Alphabetic: 'Doe^John' }]);
    expect(json['00081070']?.Value).toEqual([{ Alphabetic: 'A^B' }, { Alphabetic: 'C^D' }]);
    expect(json['00080090']).toEqual({ vr: 'PN' });
  });

  it('decodes with the Specific Character Set, and an item may bring its own', () => {
    const { json } = convert([
      raw(0x00080005, 'CS', 'ISO_IR 192'),
      raw(0x00100010, 'PN', Buffer.from('Yamada^Tarou=山田^太郎', 'utf8')),
      sq(0x00321064, [[raw(0x00080005, 'CS', 'ISO_IR 100'), raw(0x00100010, 'PN', Buffer.from('Müller^Jörg', 'latin1'))]]),
    ]);
    expect(json['00100010']?.Value).toEqual([{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎' }]);
    const item = json['00321064']?.Value?.[0] as DicomJsonDataset;
    expect(item['00100010']?.Value).toEqual([{ Alphabetic: 'Müller^Jörg' }]);
  });

  it('an item inherits the enclosing Specific Character Set', () => {
    const { json } = convert([
      raw(0x00080005, 'CS', 'ISO_IR 100'),
      sq(0x00321064, [[raw(0x00081030, 'LO', Buffer.from('Kopf ä', 'latin1'))]]),
    ]);
    expect((json['00321064']?.Value?.[0] as DicomJsonDataset)['00081030']?.Value).toEqual(['Kopf ä']);
  });
});

describe('binary numbers and AT', () => {
  it('US SS UL SL FL FD in either byte order', () => {
    for (const le of [true, false]) {
      const { json } = convert([
        raw(0x00280010, 'US', bytesOf((v) => (v.setUint16(0, 512, le), v.setUint16(2, 65535, le)), 4), le),
        raw(0x00280106, 'SS', bytesOf((v) => v.setInt16(0, -1024, le), 2), le),
        raw(0x00181310, 'UL', bytesOf((v) => v.setUint32(0, 4000000000, le), 4), le),
        raw(0x00189219, 'SL', bytesOf((v) => v.setInt32(0, -7, le), 4), le),
        raw(0x00189087, 'FL', bytesOf((v) => (v.setFloat32(0, 0.5, le), v.setFloat32(4, NaN, le)), 8), le),
        raw(0x00189089, 'FD', bytesOf((v) => v.setFloat64(0, -1.25, le), 8), le),
      ]);
      expect(json['00280010']?.Value).toEqual([512, 65535]);
      expect(json['00280106']?.Value).toEqual([-1024]);
      expect(json['00181310']?.Value).toEqual([4000000000]);
      expect(json['00189219']?.Value).toEqual([-7]);
      expect(json['00189087']?.Value).toEqual([0.5, 'NaN']); // JSON has no NaN
      expect(json['00189089']?.Value).toEqual([-1.25]);
    }
  });

  it('SV and UV beyond 2^53 are strings (F.2.3.1)', () => {
    const { json } = convert([
      raw(0x00720082, 'SV', bytesOf((v) => (v.setBigInt64(0, -5n, true), v.setBigInt64(8, -(2n ** 60n), true)), 16)),
      raw(0x00720083, 'UV', bytesOf((v) => (v.setBigUint64(0, 7n, true), v.setBigUint64(8, 2n ** 64n - 1n, true)), 16)),
    ]);
    expect(json['00720082']?.Value).toEqual([-5, String(-(2n ** 60n))]);
    expect(json['00720083']?.Value).toEqual([7, '18446744073709551615']);
  });

  it('AT values are GGGGEEEE strings', () => {
    const le = bytesOf((v) => (v.setUint16(0, 0x0054, true), v.setUint16(2, 0x0010, true), v.setUint16(4, 0x0020, true), v.setUint16(6, 0x000d, true)), 8);
    const be = bytesOf((v) => (v.setUint16(0, 0x0054, false), v.setUint16(2, 0x0080, false)), 4);
    const { json } = convert([raw(0x00280009, 'AT', le), raw(0x00209165, 'AT', be, false)]);
    expect(json['00280009']?.Value).toEqual(['00540010', '0020000D']);
    expect(json['00209165']?.Value).toEqual(['00540080']);
  });
});

describe('binary values', () => {
  it('InlineBinary up to inlineBinaryMaxBytes, then BulkDataURI with its file range', () => {
    const small = raw(0x00091001, 'OB', new Uint8Array(16).fill(7));
    const big = raw(0x00091002, 'OB', new Uint8Array(17).fill(7));
    const { json, bulk } = convert([small, big]);
    expect(json['00091001']).toEqual({ vr: 'OB', InlineBinary: Buffer.alloc(16, 7).toString('base64') });
    expect(json['00091002']).toEqual({ vr: 'OB', BulkDataURI: 'bulk/00091002' });
    expect(bulk).toEqual({ '00091002': { offset: big.offset, length: 17 } });
  });

  it('Pixel Data is always BulkDataURI, however small', () => {
    const { json, bulk } = convert([raw(0x7fe00010, 'OW', new Uint8Array(4)), raw(0x7fe00008, 'OF', new Uint8Array(4))]);
    expect(json['7FE00010']).toEqual({ vr: 'OW', BulkDataURI: 'bulk/7FE00010' });
    expect(json['7FE00008']).toEqual({ vr: 'OF', BulkDataURI: 'bulk/7FE00008' });
    expect(Object.keys(bulk)).toEqual(['7FE00008', '7FE00010']);
  });

  it('without file ranges (deflated), everything is inline', () => {
    const { json } = convert([raw(0x7fe00010, 'OB', new Uint8Array([1, 2, 3]))], { bulkData: null });
    expect(json['7FE00010']).toEqual({ vr: 'OB', InlineBinary: 'AQID' });
  });

  it('InlineBinary of a big endian OW is little endian (F.2.7)', () => {
    const { json } = convert([raw(0x00283006, 'OW', new Uint8Array([0x01, 0x02, 0x03, 0x04]), false)]);
    expect(Buffer.from(json['00283006']?.InlineBinary ?? '', 'base64')).toEqual(Buffer.from([0x02, 0x01, 0x04, 0x03]));
  });

  it('tag paths inside sequences are SEQ/ITEM/TAG, 0-based', () => {
    const nested = raw(0x00181072, 'OB', new Uint8Array(40));
    const { json, bulk } = convert([sq(0x00540016, [[raw(0x00181071, 'DS', '1 ')], [nested]])]);
    expect(json['00540016']?.Value?.[1]).toEqual({ '00181072': { vr: 'OB', BulkDataURI: 'bulk/00540016/1/00181072' } });
    expect(bulk['00540016/1/00181072']).toEqual({ offset: nested.offset, length: 40 });
  });

  it('an empty sequence has no Value; an empty item is {}', () => {
    const { json } = convert([sq(0x00081115, []), sq(0x00081140, [[]])]);
    expect(json['00081115']).toEqual({ vr: 'SQ' });
    expect(json['00081140']).toEqual({ vr: 'SQ', Value: [{}] });
  });
});

describe('real files', () => {
  it('explicit VR little endian CT: numbers, strings, PN, bulk Pixel Data, meta', async () => {
    const info = await read('files/DICOMHTJ2K/CT2_UNC.dcm');
    const ds = info.dataset;
    expect(ds['00280010']).toEqual({ vr: 'US', Value: [512] });
    expect(ds['00280030']?.vr).toBe('DS');
    expect((ds['00280030']?.Value ?? []).every((v) => typeof v === 'number')).toBe(true);
    expect(ds['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'CompressedSamples^CT2' }] });
    expect(ds['7FE00010']).toEqual({ vr: 'OW', BulkDataURI: 'bulk/7FE00010' });
    expect(ds['00020010']).toBeUndefined();
    expect(info.meta['00020001']).toEqual({ vr: 'OB', InlineBinary: 'AAE=' });
    expect(info.meta['00020010']).toEqual({ vr: 'UI', Value: ['1.2.840.10008.1.2.1'] });
  });

  it('explicit VR big endian: numbers decoded big endian', async () => {
    const ds = (await read('files/pydicom/MR_small_expb.dcm')).dataset;
    expect(ds['00280010']).toEqual({ vr: 'US', Value: [64] });
    expect(ds['00280103']).toEqual({ vr: 'US', Value: [1] });
    expect(ds['00280107']).toEqual({ vr: 'SS', Value: [4000] });
    expect(ds['00200037']).toEqual({ vr: 'DS', Value: [1, 0, 0, 0, 1, 0] });
  });

  it('implicit VR: VRs from the dictionary, US or SS by Pixel Representation, private tags UN', async () => {
    const ds = (await read('files/dicomParser/CT1_UNC.implicit_little_endian.dcm')).dataset;
    expect(ds['00280010']).toEqual({ vr: 'US', Value: [512] });
    expect(ds['00280103']?.Value).toEqual([1]);
    expect(ds['00280120']?.vr).toBe('SS'); // Pixel Padding Value: "US or SS", signed data
    expect(ds['00100010']?.vr).toBe('PN');
    expect(ds['00091030']).toEqual({ vr: 'UN' });
    expect(ds['00090010']?.vr).toBe('LO'); // a private creator (PS3.5 7.8.1)
    expect(ds['7FE00010']).toEqual({ vr: 'OW', BulkDataURI: 'bulk/7FE00010' });
  });

  it('a retired SQ tag holding text in an implicit file is kept as UN, not misread', async () => {
    const ds = (await read('files/dcm4che/Tag-0040-A170-VR-CS.dcm')).dataset;
    const template = ds['0040A020']?.Value?.[0] as DicomJsonDataset;
    const el = (template['0040A730']?.Value?.[0] as DicomJsonDataset)['0040A170'];
    expect(el?.vr).toBe('UN');
    expect(Buffer.from(el?.InlineBinary ?? '', 'base64').toString('latin1').trim()).toBe('NAMED TYPE');
  });

  it('public attributes sent as UN are read with their dictionary VR; private ones stay UN', async () => {
    const ds = (await read('files/pydicom-data/explicit_VR-UN.dcm')).dataset;
    expect(ds['0020000D']?.vr).toBe('UI');
    expect(typeof ds['0020000D']?.Value?.[0]).toBe('string');
    expect(ds['00100010']?.Value).toEqual([{ Alphabetic: 'PANCREAS_0001' }]);
    expect(ds['00131010']?.vr).toBe('UN');
  });

  it('ISO 2022 character sets, in a sequence item too', async () => {
    const jap = (await read('files/pydicom/charset/chrJapMultiExplicitIR6.dcm')).dataset;
    expect(jap['00100010']?.Value).toEqual([{ Alphabetic: 'やまだ^たろう' }]);
    const sqFile = (await read('files/pydicom/charset/chrSQEncoding1.dcm')).dataset;
    const item = sqFile['00321064']?.Value?.[0] as DicomJsonDataset;
    expect(item['00100010']?.Value).toEqual([{ Alphabetic: 'ﾔﾏﾀﾞ^ﾀﾛｳ', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' }]);
  });

  it('AT values', async () => {
    const ds = (await read('files/DICOMHTJ2K/NM1_UNC.dcm')).dataset;
    expect(ds['00280009']).toEqual({ vr: 'AT', Value: ['00540010', '00540020'] });
  });

  it('nested sequences (an SR) in a deflated file; everything inline, no bulk ranges, no pixel layout', async () => {
    const sr = await read('files/dicomParser/deflate/report_dfl.dcm');
    const content = sr.dataset['0040A730']?.Value?.[0] as DicomJsonDataset;
    expect(content['0040A123']?.Value).toEqual([{ Alphabetic: 'Packer^David M.^^^M. D.' }]);
    expect((content['0040A043']?.Value?.[0] as DicomJsonDataset)['00080100']?.Value).toEqual(['1112']);

    const image = await read('files/pydicom/image_dfl.dcm');
    expect(image.pixel).toBeNull();
    expect(image.bulkData).toEqual({});
    const pixels = Buffer.from(image.dataset['7FE00010']?.InlineBinary ?? '', 'base64');
    expect(pixels.length).toBe(512 * 512);
    expect(image.dataset['00280010']).toEqual({ vr: 'US', Value: [512] });
  });
});
