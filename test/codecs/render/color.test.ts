import { describe, expect, it } from 'vitest';
import { renderFrame } from '../../../src/codecs/render/render-frame.js';
import { RenderError } from '../../../src/codecs/render/display-image.js';
import { dcmtkRender, difference } from './dcmtk.js';
import { loadFrame } from './fixtures.js';

const render = async (file: string, frameNumber = 1) => {
  const { frame, dataset, bulk } = await loadFrame(file, frameNumber);
  return { frame, image: renderFrame(frame, dataset, { frameNumber, bulk }) };
};

describe('colour rendering (PS3.3 C.7.6.3.1.2)', () => {
  it.each([
    ['RGB, colour-by-pixel', 'files/pydicom-data/US1_UNCR.dcm', 0],
    ['RGB, colour-by-plane, big endian', 'files/dcm4che/US-RGB-8-epicard.dcm', 0],
    ['RGB, colour-by-plane, small', 'files/pydicom/ExplVR_BigEnd.dcm', 0],
    ['RGB, 16 bits per sample', 'files/pydicom-data/SC_rgb_16bit_2frame.dcm', 0],
    // YBR to RGB: DCMTK uses fixed-point integer coefficients, atrium the real
    // equations of C.7.6.3.1.2 rounded: they differ by rounding only.
    ['YBR_FULL', 'files/orthanc-tests/Issue19.dcm', 2],
    ['YBR_FULL_422, chroma subsampled', 'files/pydicom/SC_ybr_full_422_uncompressed.dcm', 1],
  ])('%s matches DCMTK (largest difference %i)', async (_name, file, tolerance) => {
    const { image } = await render(file);
    const { max, mean } = difference(image, await dcmtkRender(file, [], 3));
    expect(max).toBeLessThanOrEqual(tolerance);
    expect(mean).toBeLessThan(0.5);
  });

  it('keeps the 8 most significant bits of deeper samples: 8, 16 and 32-bit versions of one image agree', async () => {
    const eight = (await render('files/pydicom-data/SC_rgb.dcm')).image;
    for (const file of ['files/pydicom-data/SC_rgb_16bit_2frame.dcm', 'files/pydicom-data/SC_rgb_32bit.dcm', 'files/pydicom-data/SC_rgb_expb_32bit.dcm']) {
      expect(Buffer.from((await render(file)).image.data).equals(Buffer.from(eight.data))).toBe(true);
    }
  });

  it('does not change the decoded frame it reads (frames may be shared from a cache)', async () => {
    const { frame } = await loadFrame('files/orthanc-tests/Issue19.dcm');
    const before = Buffer.from(frame.data);
    renderFrame(frame, {}, { frameNumber: 1 });
    expect(Buffer.from(frame.data).equals(before)).toBe(true);
  });

  it('reads a frame a decoder relabelled RGB as RGB', async () => {
    const { frame } = await loadFrame('files/orthanc-tests/Issue19.dcm');
    const asRgb = renderFrame({ ...frame, description: { ...frame.description, photometricInterpretation: 'RGB' } }, {}, { frameNumber: 1 });
    expect(Buffer.from(asRgb.data).equals(Buffer.from(frame.data))).toBe(true);
  });

  it('refuses photometric interpretations it cannot display, saying which', async () => {
    const { frame } = await loadFrame('files/pydicom-data/US1_UNCR.dcm');
    const hsv = { ...frame, description: { ...frame.description, photometricInterpretation: 'HSV' } };
    expect(() => renderFrame(hsv, {}, { frameNumber: 1 })).toThrow(RenderError);
    expect(() => renderFrame(hsv, {}, { frameNumber: 1 })).toThrow(/HSV/);
  });
});
