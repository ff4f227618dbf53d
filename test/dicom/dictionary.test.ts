/** PS3.6 data dictionary lookups, incl. PS3.5 7.6 repeating groups and 7.8 private tags. */
import { describe, expect, it } from 'vitest';
import { lookupTag, parseTagOrKeyword, tagForKeyword } from '../../src/dicom/dictionary.js';

describe('lookupTag', () => {
  it('standard attributes', () => {
    expect(lookupTag('00100010')).toEqual({
      tag: '00100010', keyword: 'PatientName', vr: 'PN', vrs: ['PN'], vm: '1', retired: false,
    });
    expect(lookupTag('0020000D')).toMatchObject({ keyword: 'StudyInstanceUID', vr: 'UI' });
    expect(lookupTag('00080005')).toMatchObject({ keyword: 'SpecificCharacterSet', vr: 'CS', vm: '1-n' });
    expect(lookupTag('00020010')).toMatchObject({ keyword: 'TransferSyntaxUID', vr: 'UI' });
  });

  it('lower-case hex is accepted', () => {
    expect(lookupTag('0020000d')?.keyword).toBe('StudyInstanceUID');
  });

  it('multi-VR cells: first VR and all of them', () => {
    expect(lookupTag('7FE00010')).toMatchObject({ keyword: 'PixelData', vr: 'OB', vrs: ['OB', 'OW'] });
    expect(lookupTag('00280106')).toMatchObject({ keyword: 'SmallestImagePixelValue', vr: 'US', vrs: ['US', 'SS'] });
    expect(lookupTag('00283006')).toMatchObject({ keyword: 'LUTData', vr: 'US', vrs: ['US', 'OW'] });
    expect(lookupTag('00041400')).toMatchObject({ keyword: 'OffsetOfTheNextDirectoryRecord', vr: 'UL' });
  });

  it('retired attributes drop the RETIRED_ prefix and say so', () => {
    expect(lookupTag('00080040')).toMatchObject({ keyword: 'DataSetType', retired: true });
  });

  it('repeating groups 50xx, 60xx, 7Fxx (PS3.5 7.6)', () => {
    expect(lookupTag('60003000')).toMatchObject({ tag: '60003000', keyword: 'OverlayData', vrs: ['OB', 'OW'] });
    expect(lookupTag('60023000')).toMatchObject({ tag: '60023000', keyword: 'OverlayData' });
    expect(lookupTag('601E0010')).toMatchObject({ tag: '601E0010', keyword: 'OverlayRows', vr: 'US' });
    expect(lookupTag('50023000')).toMatchObject({ tag: '50023000', keyword: 'CurveData', retired: true });
    expect(lookupTag('7F020010')).toMatchObject({ tag: '7F020010', keyword: 'VariablePixelData', retired: true });
    expect(lookupTag('60023000')).toBe(lookupTag('60023000')); // cached
  });

  it('group length (gggg,0000) is UL', () => {
    expect(lookupTag('00020000')).toMatchObject({ keyword: 'FileMetaInformationGroupLength', vr: 'UL' });
    expect(lookupTag('00080000')).toMatchObject({ vr: 'UL', vm: '1' });
    expect(lookupTag('00090000')).toMatchObject({ vr: 'UL' });
  });

  it('private tags: creators are LO, other elements unknown (PS3.5 7.8.1)', () => {
    expect(lookupTag('00090010')).toMatchObject({ tag: '00090010', vr: 'LO', keyword: 'PrivateCreator' });
    expect(lookupTag('001900FF')).toMatchObject({ vr: 'LO' });
    expect(lookupTag('00091001')).toBeUndefined();
    expect(lookupTag('60013000')).toBeUndefined();
    expect(lookupTag('0009000F')).toBeUndefined();
  });

  it('unknown and malformed tags', () => {
    expect(lookupTag('00109999')).toBeUndefined();
    expect(lookupTag('PatientName')).toBeUndefined();
    expect(lookupTag('0010001')).toBeUndefined();
  });

  it('item and delimitation tags are not data elements', () => {
    expect(lookupTag('FFFEE000')).toBeUndefined();
  });
});

describe('tagForKeyword', () => {
  it('maps keywords to tags', () => {
    expect(tagForKeyword('PatientName')).toBe('00100010');
    expect(tagForKeyword('StudyInstanceUID')).toBe('0020000D');
    expect(tagForKeyword('ModalitiesInStudy')).toBe('00080061');
    expect(tagForKeyword('OverlayData')).toBe('60003000');
    expect(tagForKeyword('DataSetType')).toBe('00080040');
    expect(tagForKeyword('patientname')).toBeUndefined();
    expect(tagForKeyword('NoSuchKeyword')).toBeUndefined();
  });

  it('round-trips every keyword it knows', () => {
    for (const kw of ['PatientID', 'AccessionNumber', 'NumberOfFrames', 'Rows', 'PixelSpacing']) {
      const tag = tagForKeyword(kw);
      expect(tag && lookupTag(tag)?.keyword).toBe(kw);
    }
  });
});

describe('parseTagOrKeyword (QIDO-RS query keys, includefield)', () => {
  it('keywords and tags, normalised to upper case', () => {
    expect(parseTagOrKeyword('PatientName')).toBe('00100010');
    expect(parseTagOrKeyword('00100010')).toBe('00100010');
    expect(parseTagOrKeyword('0020000d')).toBe('0020000D');
    expect(parseTagOrKeyword('(0020,000d)')).toBe('0020000D');
    expect(parseTagOrKeyword(' 00081030 ')).toBe('00081030');
  });

  it('private tags need no dictionary entry', () => {
    expect(parseTagOrKeyword('00091001')).toBe('00091001');
  });

  it('rejects what is neither', () => {
    expect(parseTagOrKeyword('')).toBeUndefined();
    expect(parseTagOrKeyword('NotAKeyword')).toBeUndefined();
    expect(parseTagOrKeyword('0010001G')).toBeUndefined();
    expect(parseTagOrKeyword('001000100')).toBeUndefined();
  });
});
