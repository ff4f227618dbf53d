/** VR facts from PS3.5 6.2 and 7.1.2. */
import { describe, expect, it } from 'vitest';
import type { Vr } from '../../src/dicom/json-model.js';
import {
  hasLongLength, isBinaryVr, isMultiValuedStringVr, isNumericVr, isStringVr, numericElementSize, paddingByte,
} from '../../src/dicom/vr.js';

const ALL: Vr[] = [
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW',
  'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV',
];
const pick = (f: (vr: Vr) => boolean) => ALL.filter(f).sort();

describe('VR classes', () => {
  it('string, binary and numeric VRs partition all but AT and SQ', () => {
    expect(pick(isStringVr)).toEqual(
      ['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT'],
    );
    expect(pick(isBinaryVr)).toEqual(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
    expect(pick(isNumericVr)).toEqual(['FD', 'FL', 'SL', 'SS', 'SV', 'UL', 'US', 'UV']);
    const none = ALL.filter((vr) => !isStringVr(vr) && !isBinaryVr(vr) && !isNumericVr(vr));
    expect(none.sort()).toEqual(['AT', 'SQ']);
  });

  it('PS3.5 6.4: LT, ST, UT, UR are single-valued', () => {
    expect(pick(isMultiValuedStringVr)).toEqual(
      ['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'PN', 'SH', 'TM', 'UC', 'UI'],
    );
  });

  it('PS3.5 7.1.2: 32-bit explicit lengths', () => {
    expect(pick(hasLongLength)).toEqual(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
  });
});

describe('numericElementSize', () => {
  it('bytes per value', () => {
    expect(['SS', 'US', 'FL', 'SL', 'UL', 'FD', 'SV', 'UV'].map((vr) => numericElementSize(vr as Vr))).toEqual(
      [2, 2, 4, 4, 4, 8, 8, 8],
    );
    expect(numericElementSize('AT')).toBe(4);
    expect(numericElementSize('OW')).toBe(2);
    expect(numericElementSize('OB')).toBe(1);
    expect(numericElementSize('PN')).toBeUndefined();
    expect(numericElementSize('SQ')).toBeUndefined();
  });
});

describe('paddingByte (PS3.5 6.2)', () => {
  it('UI pads with NULL, text with SPACE, binary with NULL', () => {
    expect(paddingByte('UI')).toBe(0x00);
    expect(paddingByte('PN')).toBe(0x20);
    expect(paddingByte('CS')).toBe(0x20);
    expect(paddingByte('UT')).toBe(0x20);
    expect(paddingByte('OB')).toBe(0x00);
    expect(paddingByte('UN')).toBe(0x00);
  });
});
