/**
 * 8-bit display pixels, ready for an image encoder: grayscale (1 channel,
 * P-values) or RGB (3 channels, interleaved), top row first.
 */
export interface DisplayImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

/**
 * Why a frame cannot be rendered:
 * - `not-renderable`: the object's pixels or LUTs cannot be displayed (unsupported
 *   photometric interpretation, LUT without descriptor, data of the wrong size);
 * - `viewport`: the requested region does not fit the image (a client error).
 */
export class RenderError extends Error {
  constructor(
    readonly reason: 'not-renderable' | 'viewport',
    message: string,
  ) {
    super(message);
    this.name = 'RenderError';
  }
}
