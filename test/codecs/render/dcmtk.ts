import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { DisplayImage } from '../../../src/codecs/render/display-image.js';
import { TESTDATA } from './fixtures.js';

const run = promisify(execFile);

/**
 * DCMTK's dcmj2pnm as an independent renderer: the file rendered to 8-bit PNG
 * with `options` (e.g. ['+Ww', '40', '400'] or ['+Wi', '1']), decoded to raw pixels.
 */
export async function dcmtkRender(file: string, options: readonly string[], channels: 1 | 3): Promise<DisplayImage> {
  const dir = await mkdtemp(join(tmpdir(), 'atrium-dcmtk-'));
  try {
    const out = join(dir, 'out.png');
    await run('dcmj2pnm', [...options, '+on', new URL(file, TESTDATA).pathname, out]);
    // DCMTK writes grayscale PNGs; sharp reads them as sRGB unless told the colour space.
    const { data, info } = await sharp(out).toColourspace(channels === 1 ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, channels, data };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Mean and largest absolute difference of two images of the same shape. */
export function difference(a: DisplayImage, b: DisplayImage): { mean: number; max: number } {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new Error(`shapes differ: ${a.width}x${a.height}x${a.channels} vs ${b.width}x${b.height}x${b.channels}`);
  }
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs((a.data[i] as number) - (b.data[i] as number));
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.data.length, max };
}
