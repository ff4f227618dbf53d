import { describe, expect, it } from 'vitest';
import type { NativeFrame } from '../../../src/codecs/codec.js';
import { bulkLutPaths } from '../../../src/codecs/render/lookup-table.js';
import { renderFrame } from '../../../src/codecs/render/render-frame.js';
import { applyWindow, type VoiWindow } from '../../../src/codecs/render/voi-lut.js';
import type { DicomJsonDataset } from '../../../src/dicom/json-model.js';
import { dcmtkRender, difference } from './dcmtk.js';
import { loadFrame } from './fixtures.js';

const CT = 'files/DICOMHTJ2K/CT2_UNC.dcm';
const byte = (y: number) => Math.round(Math.min(1, Math.max(0, y)) * 255);

/** The dataset without the attributes named, so the renderer has to find its VOI elsewhere. */
function without(ds: DicomJsonDataset, ...tags: string[]): DicomJsonDataset {
  return Object.fromEntries(Object.entries(ds).filter(([tag]) => !tags.includes(tag)));
}

/** The same frame with each 16-bit word changed. */
function mapWords(frame: NativeFrame, f: (word: number) => number, description = frame.description): NativeFrame {
  const words = new Uint16Array(new Uint8Array(frame.data).buffer);
  for (let i = 0; i < words.length; i++) words[i] = f(words[i]!);
  return { data: new Uint8Array(words.buffer), description };
}

describe('grayscale rendering (PS3.4 N.2.1) of real images', () => {
  it('a CT: stored → Rescale Slope/Intercept → the requested LINEAR window, pixel by pixel', async () => {
    const { frame, dataset } = await loadFrame(CT);
    const window: VoiWindow = { center: 40, width: 400, fn: 'LINEAR' };
    const image = renderFrame(frame, dataset, { frameNumber: 1, window });
    const slope = Number(dataset['00281053']!.Value![0]);
    const intercept = Number(dataset['00281052']!.Value![0]);
    const view = new DataView(frame.data.buffer, frame.data.byteOffset);
    expect(image).toMatchObject({ width: 512, height: 512, channels: 1 });
    for (const i of [0, 1000, 70_000, 131_328, 200_000, 262_143]) {
      expect(image.data[i]).toBe(byte(applyWindow(window, view.getInt16(i * 2, true) * slope + intercept)));
    }
  });

  // DCMTK quantizes the windowed value by truncation where atrium rounds to
  // the nearest level (PS3.3 leaves this open): outputs differ by at most one level.
  it.each([
    ['a signed CT, requested window', CT, { center: 40, width: 400, fn: 'LINEAR' }, ['+Ww', '40', '400']],
    ['a signed CT, the data set window', CT, undefined, ['+Wi', '1']],
    ['a 14-bit signed CT (bits stored < allocated)', 'files/pydicom-data/693_UNCR.dcm', { center: 40, width: 80, fn: 'LINEAR' }, ['+Ww', '40', '80']],
    ['a 12-bit MR', 'files/DICOMHTJ2K/MR4_UNC.dcm', undefined, ['+Wi', '1']],
    ['a MONOCHROME1 CR', 'files/fo-dicom/CR-MONO1-10-chest.dcm', { center: 500, width: 800, fn: 'LINEAR' }, ['+Ww', '500', '800']],
    ['a Modality LUT Sequence (RF)', 'files/orthanc-tests/KarstenHilbertRF.dcm', undefined, ['+Wi', '1']],
    ['a Modality LUT Sequence (signed, 12-bit)', 'files/pydicom-data/mlut_18.dcm', { center: 1000, width: 2000, fn: 'LINEAR' }, ['+Ww', '1000', '2000']],
    ['a SIGMOID window', CT, { center: 40, width: 400, fn: 'SIGMOID' }, ['+Ww', '40', '400', '+Wfs']],
  ] as const)('%s matches DCMTK within one level', async (_name, file, window, options) => {
    const { frame, dataset, bulk } = await loadFrame(file);
    const ours = renderFrame(frame, dataset, { frameNumber: 1, window, bulk });
    const { mean, max } = difference(ours, await dcmtkRender(file, options, 1));
    expect(max).toBeLessThanOrEqual(1);
    expect(mean).toBeLessThan(0.6);
  });

  it('MONOCHROME1 is the inverse of the same pixels read as MONOCHROME2', async () => {
    const { frame, dataset } = await loadFrame('files/fo-dicom/CR-MONO1-10-chest.dcm');
    const mono1 = renderFrame(frame, dataset, { frameNumber: 1 });
    const mono2 = renderFrame({ ...frame, description: { ...frame.description, photometricInterpretation: 'MONOCHROME2' } }, dataset, { frameNumber: 1 });
    expect(mono1.data.every((v, i) => v + mono2.data[i]! === 255)).toBe(true);
  });

  it('ignores the bits above High Bit (overlays, garbage) of 12-bit data', async () => {
    const { frame, dataset } = await loadFrame('files/DICOMHTJ2K/MR4_UNC.dcm');
    const clean = renderFrame(frame, dataset, { frameNumber: 1 });
    const dirty = renderFrame(mapWords(frame, (w) => w | 0xf000), dataset, { frameNumber: 1 });
    expect(Buffer.from(dirty.data).equals(Buffer.from(clean.data))).toBe(true);
  });

  it('reads signed 14-bit values alike with or without sign extension in the unused bits', async () => {
    const { frame, dataset } = await loadFrame('files/pydicom-data/693_UNCR.dcm');
    const window: VoiWindow = { center: 40, width: 400, fn: 'LINEAR' };
    const reference = renderFrame(frame, dataset, { frameNumber: 1, window });
    // Shift every value down by 3000 (negative values appear) and raise the intercept to match.
    const intercept = Number(dataset['00281052']!.Value![0]) + 3000;
    const shifted = { ...dataset, '00281052': { vr: 'DS' as const, Value: [intercept] } };
    const extended = mapWords(frame, (w) => (w - 3000) & 0xffff);
    const bare = mapWords(frame, (w) => (w - 3000) & 0x3fff);
    expect(new Int16Array(extended.data.buffer).some((v) => v < 0)).toBe(true);
    for (const variant of [extended, bare]) {
      const image = renderFrame(variant, shifted, { frameNumber: 1, window });
      expect(Buffer.from(image.data).equals(Buffer.from(reference.data))).toBe(true);
    }
  });

  it('reads values that High Bit places above bit Bits Stored - 1', async () => {
    const { frame, dataset } = await loadFrame('files/DICOMHTJ2K/MR4_UNC.dcm');
    const low = renderFrame(frame, dataset, { frameNumber: 1 });
    const high = renderFrame(mapWords(frame, (w) => ((w & 0xfff) << 4) | 0x5, { ...frame.description, highBit: 15 }), dataset, { frameNumber: 1 });
    expect(Buffer.from(high.data).equals(Buffer.from(low.data))).toBe(true);
  });

  it('without any window, spans the frame from its smallest to its largest modality value', async () => {
    const { frame, dataset } = await loadFrame(CT);
    const image = renderFrame(frame, without(dataset, '00281050', '00281051'), { frameNumber: 1 });
    expect(image.data.reduce((a, b) => Math.min(a, b))).toBe(0);
    expect(image.data.reduce((a, b) => Math.max(a, b))).toBe(255);
  });

  it('applies a VOI LUT Sequence given inline, or as bulk data the caller supplies', async () => {
    const { frame, dataset } = await loadFrame(CT);
    // 4096 entries of 12 bits for HU -1024..3071: a ramp, so output = (HU + 1024) / 4095.
    const ramp = new Uint16Array(4096).map((_, i) => i);
    const item = (data: DicomJsonDataset[string]): DicomJsonDataset => ({
      '00283010': { vr: 'SQ', Value: [{ '00283002': { vr: 'US', Value: [4096, 64512, 12] }, '00283006': data }] },
    });
    const base = without(dataset, '00281050', '00281051');
    const inline = { ...base, ...item({ vr: 'OW', InlineBinary: Buffer.from(ramp.buffer).toString('base64') }) };
    const bulkDs = { ...base, ...item({ vr: 'OW', BulkDataURI: 'x' }) };
    expect(bulkLutPaths(bulkDs, 1)).toEqual(['00283010/0/00283006']);
    const a = renderFrame(frame, inline, { frameNumber: 1 });
    const b = renderFrame(frame, bulkDs, { frameNumber: 1, bulk: new Map([['00283010/0/00283006', new Uint8Array(ramp.buffer)]]) });
    expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
    const view = new DataView(frame.data.buffer, frame.data.byteOffset);
    const hu = (i: number) => view.getInt16(i * 2, true) + Number(dataset['00281052']!.Value![0]);
    for (const i of [0, 70_000, 131_328]) expect(a.data[i]).toBe(byte(Math.min(4095, Math.max(0, hu(i) + 1024)) / 4095));
  });

  it('takes each frame\'s Pixel Value Transformation and Frame VOI LUT from the per-frame functional groups', async () => {
    const file = 'files/orthanc-tests/MultiframeWindowing.dcm';
    const window: VoiWindow = { center: 100, width: 200, fn: 'LINEAR_EXACT' };
    // Every frame stores 0, 16, 32, 48; rescale (slope, intercept) per frame: (1,0) (1,100) (2,0) (2,100).
    const rescale = [[1, 0], [1, 100], [2, 0], [2, 100]] as const;
    for (const [i, [slope, intercept]] of rescale.entries()) {
      const { frame, dataset } = await loadFrame(file, i + 1);
      const image = renderFrame(frame, dataset, { frameNumber: i + 1, window });
      expect([...image.data]).toEqual([0, 16, 32, 48].map((s) => byte(applyWindow(window, s * slope + intercept))));
    }
    // Frame 1 also carries its own window: 16/128.
    const { frame, dataset } = await loadFrame(file, 1);
    const own = renderFrame(frame, dataset, { frameNumber: 1 });
    expect([...own.data]).toEqual([0, 16, 32, 48].map((s) => byte(applyWindow({ center: 16, width: 128, fn: 'LINEAR' }, s))));
  });

  it('takes the window and rescale of the shared functional groups (enhanced CT)', async () => {
    const { frame, dataset } = await loadFrame('files/pydicom-data/eCT_Supplemental.dcm');
    const ours = renderFrame(frame, dataset, { frameNumber: 1 });
    const explicit = renderFrame(frame, dataset, { frameNumber: 1, window: { center: 49, width: 102, fn: 'LINEAR' } });
    expect(Buffer.from(ours.data).equals(Buffer.from(explicit.data))).toBe(true);
    // The rescale intercept (-1024) is applied: raw value 1024 + 49 is the window center.
    const words = new Uint16Array(new Uint8Array(frame.data).buffer);
    const i = words.findIndex((w) => w === 1073);
    expect(ours.data[i]).toBe(byte(applyWindow({ center: 49, width: 102, fn: 'LINEAR' }, 49)));
  });

  it('renders float pixel data over its value range', async () => {
    const { frame, dataset } = await loadFrame('files/pydicom-data/parametric_map_float.dcm');
    const image = renderFrame(frame, without(dataset, '52009229', '52009230'), { frameNumber: 1 });
    const values = new Float32Array(new Uint8Array(frame.data).buffer);
    const lo = values.indexOf(values.reduce((a, b) => Math.min(a, b)));
    const hi = values.indexOf(values.reduce((a, b) => Math.max(a, b)));
    expect([image.data[lo], image.data[hi]]).toEqual([0, 255]);
  });

  it('renders 1-bit segmentation frames as black and white', async () => {
    const { frame, dataset } = await loadFrame('files/pydicom/liver_1frame.dcm');
    const image = renderFrame(frame, dataset, { frameNumber: 1 });
    let set = 0;
    for (let k = 0; k < 512 * 512; k++) set += (frame.data[k >> 3]! >> (k & 7)) & 1;
    expect(image.data.filter((v) => v === 255).length).toBe(set);
    expect(image.data.every((v) => v === 0 || v === 255)).toBe(true);
    expect(set).toBeGreaterThan(0);
  });
});
