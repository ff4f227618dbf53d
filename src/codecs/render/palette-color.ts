import type { NativeFrame } from '../codec.js';
import type { DicomJsonDataset } from '../../dicom/json-model.js';
import { RenderError, type DisplayImage } from './display-image.js';
import { readDescriptor, readLut, valueBytes, words16, type BulkValues, type LookupTable } from './lookup-table.js';
import { graySamples, firstNegativeIndex } from './stored-samples.js';

const CHANNELS = [
  { name: 'Red', descriptor: '00281101', data: '00281201', segmented: '00281221' },
  { name: 'Green', descriptor: '00281102', data: '00281202', segmented: '00281222' },
  { name: 'Blue', descriptor: '00281103', data: '00281203', segmented: '00281223' },
] as const;

/**
 * PALETTE COLOR frames (PS3.3 C.7.6.3.1.5): each stored value indexes the Red,
 * Green and Blue Palette Color LUTs, given whole or segmented (C.7.9.2). The
 * three LUTs are folded into one RGB table over every possible stored value.
 */
export function renderPalette(frame: NativeFrame, ds: DicomJsonDataset, bulk: BulkValues): DisplayImage {
  const d = frame.description;
  const samples = graySamples(frame, false);
  if (samples.kind !== 'indexed') {
    throw new RenderError('not-renderable', `PALETTE COLOR with ${d.bitsAllocated}-bit indices is not supported`);
  }
  const luts = CHANNELS.map((c) => paletteLut(ds, c, samples.signed, bulk));
  const { raw, shift, bitsStored, signed } = samples;
  const size = 2 ** bitsStored;
  const table = new Uint8Array(size * 3);
  const negative = firstNegativeIndex(bitsStored, signed);
  for (let i = 0; i < size; i++) {
    const stored = i >= negative ? i - size : i;
    luts.forEach((lut, c) => {
      const index = Math.min(lut.entries.length - 1, Math.max(0, stored - lut.firstMapped));
      // Entries of 16 bits keep their high byte (C.7.6.3.1.6 allows 8 or 16).
      table[i * 3 + c] = (lut.entries[index] as number) >> Math.max(0, lut.bits - 8);
    });
  }
  const out = new Uint8Array(d.rows * d.columns * 3);
  const mask = size - 1;
  for (let i = 0, o = 0; i < raw.length; i++, o += 3) {
    const t = (((raw[i] as number) >> shift) & mask) * 3;
    out[o] = table[t] as number;
    out[o + 1] = table[t + 1] as number;
    out[o + 2] = table[t + 2] as number;
  }
  return { width: d.columns, height: d.rows, channels: 3, data: out };
}

function paletteLut(
  ds: DicomJsonDataset,
  channel: (typeof CHANNELS)[number],
  signed: boolean,
  bulk: BulkValues,
): LookupTable {
  const scope = { dataset: ds, pathPrefix: '' };
  const what = `${channel.name} Palette Color LUT`;
  const whole = readLut(scope, channel, bulk, signed, what);
  if (whole) return whole;
  const segmentedEl = ds[channel.segmented];
  const bytes = segmentedEl && valueBytes(segmentedEl, channel.segmented, bulk);
  if (!bytes) throw new RenderError('not-renderable', `${what} Data is missing`);
  const { entries, firstMapped, bits } = readDescriptor(ds[channel.descriptor], signed, what);
  return { firstMapped, bits, entries: expandSegments(words16(bytes), entries, what) };
}

/**
 * Segmented Palette Color LUT Data (PS3.3 C.7.9.2): discrete segments (opcode
 * 0) list values, linear segments (1) ramp from the previous value, indirect
 * segments (2) replay earlier segments found by a 32-bit word offset.
 */
export function expandSegments(words: Uint16Array, count: number, what: string): Uint16Array {
  const out = new Uint16Array(count);
  let n = 0;
  const push = (v: number) => {
    if (n < count) out[n++] = v;
  };
  const run = (start: number, maxSegments: number, allowIndirect: boolean): void => {
    let at = start;
    for (let s = 0; s < maxSegments && at < words.length; s++) {
      const opcode = words[at] as number;
      const length = words[at + 1] as number;
      if (opcode === 0) {
        for (let k = 0; k < length; k++) push(words[at + 2 + k] ?? 0);
        at += 2 + length;
      } else if (opcode === 1) {
        const from = n > 0 ? (out[n - 1] as number) : 0;
        const to = words[at + 2] ?? from;
        for (let k = 1; k <= length; k++) push(Math.round(from + ((to - from) * k) / length));
        at += 3;
      } else if (opcode === 2 && allowIndirect) {
        const offset = (words[at + 2] ?? 0) | ((words[at + 3] ?? 0) << 16);
        run(offset, length, false);
        at += 4;
      } else {
        throw new RenderError('not-renderable', `${what}: bad segment opcode ${opcode} at word ${at}`);
      }
    }
  };
  run(0, Infinity, true);
  if (n === 0) throw new RenderError('not-renderable', `${what}: no segments`);
  // A short table repeats its last value, as inputs past the end do.
  out.fill(out[n - 1] as number, n);
  return out;
}
