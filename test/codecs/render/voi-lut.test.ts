import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../src/dicom/json-model.js';
import { applyVoi, applyWindow, datasetVoi } from '../../../src/codecs/render/voi-lut.js';

const none = new Map<string, Uint8Array>();

describe('window functions (PS3.3 C.11.2.1.2, C.11.2.1.3.1)', () => {
  it('LINEAR with center 2^(n-1) and width 2^n is the identity over n-bit input (C.11.2.1.2.1 note 4)', () => {
    const w = { center: 2048, width: 4096, fn: 'LINEAR' } as const;
    for (const x of [0, 1, 1000, 2047, 2048, 4094, 4095]) expect(applyWindow(w, x) * 4095).toBeCloseTo(x, 9);
  });

  it('LINEAR with width 1 is a threshold at the center (note 5)', () => {
    const w = { center: 100, width: 1, fn: 'LINEAR' } as const;
    expect([98, 99, 99.4, 99.6, 100, 101].map((x) => applyWindow(w, x))).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('LINEAR: below c - 0.5 - (w-1)/2 is ymin, above c - 0.5 + (w-1)/2 is ymax, linear between', () => {
    const w = { center: 40, width: 400, fn: 'LINEAR' } as const;
    expect(applyWindow(w, -160)).toBe(0);
    expect(applyWindow(w, 240)).toBe(1);
    expect(applyWindow(w, 40)).toBeCloseTo((40 - 39.5) / 399 + 0.5, 12);
    expect(applyWindow(w, -100)).toBeCloseTo((-100 - 39.5) / 399 + 0.5, 12);
  });

  it('LINEAR_EXACT maps c - w/2 .. c + w/2 exactly onto ymin .. ymax', () => {
    const w = { center: 0, width: 100, fn: 'LINEAR_EXACT' } as const;
    expect([-60, -50, -25, 0, 25, 50, 60].map((x) => applyWindow(w, x))).toEqual([0, 0, 0.25, 0.5, 0.75, 1, 1]);
  });

  it('SIGMOID is 1/(1+exp(-4(x-c)/w)): one half at the center, symmetric', () => {
    const w = { center: 300, width: 200, fn: 'SIGMOID' } as const;
    expect(applyWindow(w, 300)).toBe(0.5);
    expect(applyWindow(w, 400)).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(applyWindow(w, 250) + applyWindow(w, 350)).toBeCloseTo(1, 12);
  });
});

describe('the VOI a data set suggests', () => {
  it('is the first of several windows, with the VOI LUT Function of the data set', () => {
    const ds: DicomJsonDataset = {
      '00281050': { vr: 'DS', Value: [40, 400] },
      '00281051': { vr: 'DS', Value: [400, 2000] },
      '00281056': { vr: 'CS', Value: ['SIGMOID'] },
    };
    expect(datasetVoi(ds, 1, true, none)).toEqual({ kind: 'window', window: { center: 40, width: 400, fn: 'SIGMOID' } });
  });

  it('skips a window of width 0 and falls back to the VOI LUT Sequence, scaled by its bits per entry', () => {
    const ds: DicomJsonDataset = {
      '00281050': { vr: 'DS', Value: [40] },
      '00281051': { vr: 'DS', Value: [0] },
      '00283010': {
        vr: 'SQ',
        Value: [{ '00283002': { vr: 'US', Value: [3, 65535, 8] }, '00283006': { vr: 'US', Value: [0, 128, 255] } }],
      },
    };
    const voi = datasetVoi(ds, 1, true, none)!;
    expect(voi.kind).toBe('lut');
    // First mapped value 65535 read as signed input is -1: inputs -1, 0, 1; outside clamps.
    expect([-5, -1, 0, 1, 9].map((x) => applyVoi(voi, x))).toEqual([0, 0, 128 / 255, 1, 1]);
  });

  it('is absent when the data set has neither', () => {
    expect(datasetVoi({}, 1, false, none)).toBeUndefined();
  });
});
