import { describe, expect, it } from 'vitest';
import { MatchKeyError, normalizeBound, parseMatchKey, rangeBounds } from '../../src/dicom/match-key.js';

describe('PS3.4 C.2.2.2.3 universal matching', () => {
  it('is an empty value, for every VR', () => {
    for (const vr of ['PN', 'UI', 'DA', 'TM', 'DT', 'CS', 'IS', 'SQ', 'OB'] as const) {
      expect(parseMatchKey(vr, '')).toEqual({ kind: 'universal' });
    }
  });

  it('is also a value of only "*" (C.2.2.2.4)', () => {
    expect(parseMatchKey('PN', '*')).toEqual({ kind: 'universal' });
    expect(parseMatchKey('LO', '**')).toEqual({ kind: 'universal' });
  });
});

describe('PS3.4 C.2.2.2.1 single value matching', () => {
  it('keeps the value as sent', () => {
    expect(parseMatchKey('PN', 'DOE^JOHN')).toEqual({ kind: 'single', value: 'DOE^JOHN' });
    expect(parseMatchKey('LO', 'DOE, JOHN')).toEqual({ kind: 'single', value: 'DOE, JOHN' });
    expect(parseMatchKey('DA', '20200101')).toEqual({ kind: 'single', value: '20200101' });
    expect(parseMatchKey('TM', '1010')).toEqual({ kind: 'single', value: '1010' });
    expect(parseMatchKey('IS', '12')).toEqual({ kind: 'single', value: '12' });
    expect(parseMatchKey('IS', '-3')).toEqual({ kind: 'single', value: '-3' });
  });

  it('rejects wild cards in VRs that do not take them', () => {
    expect(() => parseMatchKey('IS', '1*')).toThrow(MatchKeyError);
    expect(() => parseMatchKey('DA', '2020*')).toThrow(/single value or range/);
  });
});

describe('PS3.4 C.2.2.2.2 list of UID matching', () => {
  it('splits on backslash and, per PS3.18 8.3.4.1, on comma', () => {
    expect(parseMatchKey('UI', '1.2.3\\1.2.4')).toEqual({ kind: 'list', values: ['1.2.3', '1.2.4'] });
    expect(parseMatchKey('UI', '1.2.3,1.2.4,1.2.5')).toEqual({ kind: 'list', values: ['1.2.3', '1.2.4', '1.2.5'] });
    expect(parseMatchKey('UI', '1.2.3')).toEqual({ kind: 'single', value: '1.2.3' });
  });

  it('rejects what is not a UID, naming the problem', () => {
    expect(() => parseMatchKey('UI', '1.2.3-1.2.4')).toThrow(/range matching does not apply to UIDs/);
    expect(() => parseMatchKey('UI', '1.2.*')).toThrow(/wildcards are not allowed/);
    expect(() => parseMatchKey('UI', '1.2.x')).toThrow(/not a valid UID/);
    expect(() => parseMatchKey('UI', '1.2.3\\')).toThrow(MatchKeyError);
  });
});

describe('PS3.4 C.2.2.2.4 wild card matching', () => {
  it('applies to string VRs', () => {
    expect(parseMatchKey('PN', 'DOE*')).toEqual({ kind: 'wildcard', pattern: 'DOE*' });
    expect(parseMatchKey('LO', '?12*')).toEqual({ kind: 'wildcard', pattern: '?12*' });
    expect(parseMatchKey('CS', 'C?')).toEqual({ kind: 'wildcard', pattern: 'C?' });
  });
});

describe('PS3.4 C.2.2.2.5 range matching', () => {
  it('takes closed and open ranges on DA', () => {
    expect(parseMatchKey('DA', '20200101-20201231')).toEqual({ kind: 'range', from: '20200101', to: '20201231' });
    expect(parseMatchKey('DA', '20200101-')).toEqual({ kind: 'range', from: '20200101' });
    expect(parseMatchKey('DA', '-20201231')).toEqual({ kind: 'range', to: '20201231' });
  });

  it('takes TM and DT ranges, including DT values with a negative UTC offset', () => {
    expect(parseMatchKey('TM', '0800-1230')).toEqual({ kind: 'range', from: '0800', to: '1230' });
    expect(parseMatchKey('TM', '101010.123-')).toEqual({ kind: 'range', from: '101010.123' });
    expect(parseMatchKey('DT', '20200101-0500-20200102')).toEqual({
      kind: 'range',
      from: '20200101-0500',
      to: '20200102',
    });
    expect(parseMatchKey('DT', '2020-2021')).toEqual({ kind: 'range', from: '2020', to: '2021' });
  });

  it('rejects malformed dates and times with a message naming the value', () => {
    expect(() => parseMatchKey('DA', '2020-01-01')).toThrow(MatchKeyError);
    expect(() => parseMatchKey('DA', '2020-01-01x')).toThrow(MatchKeyError);
    expect(() => parseMatchKey('DA', '20200230')).toThrow(/malformed DA value "20200230"/);
    expect(() => parseMatchKey('DA', '20201301-')).toThrow(/"20201301"/);
    expect(() => parseMatchKey('DA', '-')).toThrow(/at least one end/);
    expect(() => parseMatchKey('DA', '20210101-20200101')).toThrow(/reverse order/);
    expect(() => parseMatchKey('TM', '2500')).toThrow(/malformed TM/);
    expect(() => parseMatchKey('TM', '10:10')).toThrow(MatchKeyError);
    expect(() => parseMatchKey('TM', '101010.1234567')).toThrow(MatchKeyError);
    expect(() => parseMatchKey('DT', '20201301')).toThrow(/malformed DT/);
  });

  it('accepts a leap day', () => {
    expect(parseMatchKey('DA', '20240229')).toEqual({ kind: 'single', value: '20240229' });
    expect(() => parseMatchKey('DA', '20230229')).toThrow(MatchKeyError);
  });
});

describe('PS3.4 C.2.2.2.8 multiple values', () => {
  it('lists string values split on backslash, CS also on comma', () => {
    expect(parseMatchKey('CS', 'CT\\MR')).toEqual({ kind: 'list', values: ['CT', 'MR'] });
    expect(parseMatchKey('CS', 'CT,MR')).toEqual({ kind: 'list', values: ['CT', 'MR'] });
    expect(parseMatchKey('IS', '1\\2')).toEqual({ kind: 'list', values: ['1', '2'] });
  });

  it('refuses wild cards inside a list', () => {
    expect(() => parseMatchKey('CS', 'CT\\M*')).toThrow(MatchKeyError);
  });
});

describe('binary and sequence attributes', () => {
  it('take universal matching only', () => {
    expect(() => parseMatchKey('SQ', 'x')).toThrow(/universal/);
    expect(() => parseMatchKey('OB', 'x')).toThrow(MatchKeyError);
  });
});

describe('normalizeBound', () => {
  it('pads TM to HHMMSS.FFFFFF as a lower and an upper bound', () => {
    expect(normalizeBound('TM', '10', 'lower')).toBe('100000.000000');
    expect(normalizeBound('TM', '10', 'upper')).toBe('105959.999999');
    expect(normalizeBound('TM', '1010', 'upper')).toBe('101059.999999');
    expect(normalizeBound('TM', '101010.5', 'lower')).toBe('101010.500000');
    expect(normalizeBound('TM', '101010.5', 'upper')).toBe('101010.599999');
  });

  it('pads DT to date and time, month ends included', () => {
    expect(normalizeBound('DT', '2020', 'lower')).toBe('20200101000000.000000');
    expect(normalizeBound('DT', '2020', 'upper')).toBe('20201231235959.999999');
    expect(normalizeBound('DT', '202402', 'upper')).toBe('20240229235959.999999');
    expect(normalizeBound('DT', '20200101-0500', 'lower')).toBe('20200101000000.000000');
  });

  it('gives single keys the interval they name', () => {
    expect(rangeBounds('TM', { kind: 'single', value: '1010' })).toEqual({
      from: '101000.000000',
      to: '101059.999999',
    });
    expect(rangeBounds('DA', { kind: 'range', from: '20200101' })).toEqual({ from: '20200101' });
  });
});
