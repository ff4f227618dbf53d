import { describe, expect, it } from 'vitest';
import { expandSegments } from '../../../src/codecs/render/palette-color.js';
import { renderFrame } from '../../../src/codecs/render/render-frame.js';
import { dcmtkRender, difference } from './dcmtk.js';
import { loadFrame } from './fixtures.js';

const render = async (file: string, frameNumber = 1) => {
  const { frame, dataset, bulk } = await loadFrame(file, frameNumber);
  return renderFrame(frame, dataset, { frameNumber, bulk });
};

describe('PALETTE COLOR (PS3.3 C.7.6.3.1.5)', () => {
  it.each([
    ['8-bit indices, 16-bit LUT entries given inline', 'files/pydicom-data/OT-PAL-8-face.dcm'],
    ['a multi-frame ultrasound', 'files/pydicom-data/OBXXXX1A_2frame.dcm'],
  ])('%s: exactly what DCMTK renders', async (_name, file) => {
    const { max } = difference(await render(file), await dcmtkRender(file, [], 3));
    expect(max).toBe(0);
  });

  it('reads segmented LUTs from bulk data, swapped from a big endian file to the same image', async () => {
    const little = await render('files/pydicom-data/gdcm-US-ALOKA-16.dcm');
    const big = await render('files/pydicom-data/gdcm-US-ALOKA-16_big.dcm');
    expect(little).toMatchObject({ width: 640, height: 480, channels: 3 });
    expect(Buffer.from(big.data).equals(Buffer.from(little.data))).toBe(true);
    // A colour image, not three equal channels.
    expect(little.data.some((v, i) => i % 3 === 0 && v !== little.data[i + 2])).toBe(true);
  });

  it('expands discrete, linear and indirect segments (PS3.3 C.7.9.2)', () => {
    const words = Uint16Array.from([
      0, 3, 10, 20, 30, // discrete: 10 20 30
      1, 4, 70, //         linear from 30 to 70 in 4 steps: 40 50 60 70
      2, 1, 0, 0, //       indirect: replay 1 segment from word 0: 10 20 30
    ]);
    expect([...expandSegments(words, 12, 'test')]).toEqual([10, 20, 30, 40, 50, 60, 70, 10, 20, 30, 30, 30]);
  });
});
