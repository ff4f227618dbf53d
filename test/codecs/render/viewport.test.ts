import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { RenderError, type DisplayImage } from '../../../src/codecs/render/display-image.js';
import { encodeAnimation, encodeImage } from '../../../src/codecs/render/encode-image.js';
import { planViewport } from '../../../src/codecs/render/viewport.js';

describe('viewport (PS3.18 8.3.5.1.3)', () => {
  it('without a viewport keeps the image size', () => {
    expect(planViewport(512, 256, undefined)).toEqual({ left: 0, top: 0, width: 512, height: 256, flipX: false, flipY: false, outWidth: 512, outHeight: 256 });
  });

  it('vw,vh scales the whole image to fit, keeping its aspect ratio, up or down', () => {
    expect(planViewport(512, 256, { vw: 128, vh: 128 })).toMatchObject({ outWidth: 128, outHeight: 64 });
    expect(planViewport(100, 200, { vw: 300, vh: 300 })).toMatchObject({ outWidth: 150, outHeight: 300 });
  });

  it('sx,sy,sw,sh crops a region first, then scales it to fit', () => {
    expect(planViewport(512, 512, { vw: 100, vh: 100, sx: 10, sy: 20, sw: 200, sh: 100 })).toEqual({
      left: 10, top: 20, width: 200, height: 100, flipX: false, flipY: false, outWidth: 100, outHeight: 50,
    });
  });

  it('missing source values default to the rest of the image', () => {
    expect(planViewport(512, 400, { vw: 512, vh: 512, sx: 12, sy: 0 })).toMatchObject({ left: 12, width: 500, height: 400 });
  });

  it('a negative width or height selects the region ending at sx or sy and mirrors it', () => {
    expect(planViewport(512, 512, { vw: 50, vh: 50, sx: 100, sy: 300, sw: -50, sh: -100 })).toMatchObject({
      left: 50, top: 200, width: 50, height: 100, flipX: true, flipY: true, outWidth: 25, outHeight: 50,
    });
  });

  it('refuses a region outside the image', () => {
    expect(() => planViewport(512, 512, { vw: 10, vh: 10, sx: 500, sy: 0, sw: 20, sh: 10 })).toThrow(RenderError);
    expect(() => planViewport(512, 512, { vw: 10, vh: 10, sx: 10, sy: 0, sw: -20, sh: 10 })).toThrow(/not inside the 512x512 image/);
  });

  it('a thumbnail box only ever shrinks', () => {
    expect(planViewport(512, 256, undefined, { width: 128, height: 128 })).toMatchObject({ outWidth: 128, outHeight: 64 });
    expect(planViewport(16, 16, undefined, { width: 128, height: 128 })).toMatchObject({ outWidth: 16, outHeight: 16 });
  });
});

/** A 4x2 grayscale image whose pixels are their own indices times ten. */
const ramp: DisplayImage = { width: 4, height: 2, channels: 1, data: Uint8Array.from([0, 10, 20, 30, 40, 50, 60, 70]) };

async function* fromArray<T>(list: readonly T[]): AsyncGenerator<T> {
  yield* list;
}

async function decoded(png: Buffer) {
  const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { pixels: [...data], width: info.width, height: info.height };
}

describe('encoding with sharp', () => {
  it('crops before mirroring: the region stays the one asked for', async () => {
    const plan = planViewport(4, 2, { vw: 3, vh: 2, sx: 3, sy: 0, sw: -3, sh: 2 });
    const png = await encodeImage(ramp, plan, { mediaType: 'image/png' });
    expect(await decoded(png)).toEqual({ pixels: [20, 10, 0, 60, 50, 40], width: 3, height: 2 });
  });

  it('PNG is lossless; JPEG follows quality; GIF is a GIF', async () => {
    const plan = planViewport(4, 2, undefined);
    expect((await decoded(await encodeImage(ramp, plan, { mediaType: 'image/png' }))).pixels).toEqual([...ramp.data]);
    const noise: DisplayImage = { width: 256, height: 256, channels: 3, data: new Uint8Array(256 * 256 * 3).map((_, i) => (i * 2654435761) >>> 24) };
    const big = planViewport(256, 256, undefined);
    const low = await encodeImage(noise, big, { mediaType: 'image/jpeg', quality: 10 });
    const high = await encodeImage(noise, big, { mediaType: 'image/jpeg', quality: 95 });
    expect(low.length).toBeLessThan(high.length / 2);
    expect((await sharp(low).metadata()).format).toBe('jpeg');
    expect((await sharp(await encodeImage(noise, big, { mediaType: 'image/gif' })).metadata()).format).toBe('gif');
  });

  it('several frames make one animated GIF, a page per frame, each the planned size', async () => {
    const frames = [0, 1, 2].map((k) => ({ ...ramp, data: ramp.data.map((v) => v + k * 100) }));
    const gif = await encodeAnimation(fromArray(frames), planViewport(4, 2, { vw: 8, vh: 8 }), 40);
    const meta = await sharp(gif, { animated: true }).metadata();
    expect(meta).toMatchObject({ format: 'gif', pages: 3, width: 8, pageHeight: 4, delay: [40, 40, 40] });
  });
});
