/** 1-bit pixel data (PS3.5 8.1.1): pixel k is bit k % 8 of byte k / 8, least significant bit first. */

/** `count` pixels, one byte (0 or 1) each, packed eight to a byte. */
export function packBits(pixels: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(count / 8));
  for (let i = 0; i < count; i++) if (pixels[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

/** The first `count` pixels of packed data, one byte (0 or 1) each. */
export function unpackBits(packed: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = (packed[i >> 3]! >> (i & 7)) & 1;
  return out;
}
