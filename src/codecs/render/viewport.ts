import { RenderError } from './display-image.js';

/**
 * The viewport query parameter (PS3.18 8.3.5.1.3): `vw,vh` is the size of the
 * user agent's viewport; `sx,sy,sw,sh` the source region of the image, whose
 * width or height is negative when the region is to be flipped.
 */
export interface Viewport {
  readonly vw: number;
  readonly vh: number;
  readonly sx?: number;
  readonly sy?: number;
  readonly sw?: number;
  readonly sh?: number;
}

/** What to do to an image of known size: crop, flip, then scale to the output size. */
export interface ViewportPlan {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly flipX: boolean;
  readonly flipY: boolean;
  readonly outWidth: number;
  readonly outHeight: number;
}

/**
 * Crops the source region (default: the whole image) and scales it to fit the
 * viewport with its aspect ratio kept, up or down. A negative sw spans the
 * columns sx+sw .. sx and mirrors them (likewise sh), as a source rectangle
 * with a signed size reads. Without a viewport the image keeps its size unless
 * `maxSize` bounds it (thumbnails), and is then only ever made smaller.
 */
export function planViewport(
  imageWidth: number,
  imageHeight: number,
  viewport: Viewport | undefined,
  maxSize?: { width: number; height: number },
): ViewportPlan {
  const sx = viewport?.sx ?? 0;
  const sy = viewport?.sy ?? 0;
  const sw = viewport?.sw ?? imageWidth - sx;
  const sh = viewport?.sh ?? imageHeight - sy;
  const left = Math.min(sx, sx + sw);
  const top = Math.min(sy, sy + sh);
  const width = Math.abs(sw);
  const height = Math.abs(sh);
  if (width < 1 || height < 1 || left < 0 || top < 0 || left + width > imageWidth || top + height > imageHeight) {
    throw new RenderError(
      'viewport',
      `the source region x ${left}..${left + width}, y ${top}..${top + height} is not inside the ${imageWidth}x${imageHeight} image`,
    );
  }
  let scale = 1;
  if (viewport) scale = Math.min(viewport.vw / width, viewport.vh / height);
  else if (maxSize) scale = Math.min(1, maxSize.width / width, maxSize.height / height);
  return {
    left,
    top,
    width,
    height,
    flipX: sw < 0,
    flipY: sh < 0,
    outWidth: Math.max(1, Math.round(width * scale)),
    outHeight: Math.max(1, Math.round(height * scale)),
  };
}
