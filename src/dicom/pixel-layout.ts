/** Where things live inside a stored Part 10 file, computed once at ingest. */

/** A byte range inside a stored file: [offset, offset + length). */
export interface ByteRange {
  offset: number;
  length: number;
}

/** Native (uncompressed) pixel data: frames are contiguous, `frameLength` bytes each. */
export interface NativePixelLayout {
  kind: 'native';
  /** The Pixel Data (or Float/Double Float Pixel Data) tag it was found in. */
  tag: '7FE00010' | '7FE00008' | '7FE00009';
  /** The whole Pixel Data value. */
  value: ByteRange;
  numberOfFrames: number;
  /** Bytes per frame; for BitsAllocated 1 frames may start mid-byte (see `bitOffset`). */
  frameLength: number;
  /** True for 1-bit data, where frame N (0-based) starts at bit N*bitsPerFrame. */
  packedBits: boolean;
  /** rows * columns * samples per pixel * bits allocated. */
  bitsPerFrame: number;
  /** True when the stored syntax is Explicit VR Big Endian. */
  bigEndian: boolean;
  bitsAllocated: number;
}

/** Encapsulated pixel data (PS3.5 A.4): each frame is one or more fragments. */
export interface EncapsulatedPixelLayout {
  kind: 'encapsulated';
  tag: '7FE00010';
  /** The whole Pixel Data value (the item sequence, without the delimiter). */
  value: ByteRange;
  numberOfFrames: number;
  /** frames[i] lists the fragment value ranges of frame i+1, in order. */
  frames: ByteRange[][];
}

export type PixelLayout = NativePixelLayout | EncapsulatedPixelLayout;
