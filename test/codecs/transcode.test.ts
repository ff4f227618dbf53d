/** transcodeFrame: decode, check, encode; failures are CodecErrors. */
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../src/codecs/codec.js';
import { transcodeFrame } from '../../src/codecs/transcode.js';
import {
  ExplicitVRLittleEndian,
  HTJ2KLosslessRPCL,
  JPEG2000Lossless,
  JPEGBaseline8Bit,
  JPEGLosslessSV1,
  JPEGLSLossless,
  JPEGXLLossless,
  RLELossless,
} from '../../src/dicom/transfer-syntax.js';
import { readReferenceFrames } from './reference.js';

describe('transcodeFrame', () => {
  it('returns a frame asked for in its own syntax as it is', async () => {
    const data = Uint8Array.from([1, 2, 3]);
    const read = (await readReferenceFrames('files/pydicom/CT_small.dcm'))!;
    const out = await transcodeFrame(data, JPEGXLLossless, JPEGXLLossless, read.description);
    expect(out.data).toBe(data);
    expect(out.description).toBe(read.description);
  });

  it('carries a frame through every lossless syntax and back unchanged', async () => {
    const read = (await readReferenceFrames('files/DICOMHTJ2K/CT2_UNC.dcm'))!;
    const original = read.frames[0]!;
    let frame = { data: original, description: read.description };
    let syntax = ExplicitVRLittleEndian;
    for (const next of [JPEG2000Lossless, HTJ2KLosslessRPCL, JPEGLSLossless, JPEGLosslessSV1, RLELossless, ExplicitVRLittleEndian]) {
      frame = await transcodeFrame(frame.data, syntax, next, frame.description);
      syntax = next;
    }
    expect(Buffer.from(frame.data).equals(original)).toBe(true);
    expect(frame.description).toEqual(read.description);
  });

  it('says what JPEG 4:2:2 became: RGB, by pixel', async () => {
    const read = (await readReferenceFrames('files/pydicom/examples_ybr_color.dcm'))!;
    const out = await transcodeFrame(read.frames[0]!, JPEGBaseline8Bit, ExplicitVRLittleEndian, read.description);
    expect(out.description.photometricInterpretation).toBe('RGB');
    expect(out.data.length).toBe(read.description.rows * read.description.columns * 3);
  });

  it('expands native YBR_FULL_422 for an encoder that takes YBR_FULL', async () => {
    const read = (await readReferenceFrames('files/pydicom/SC_ybr_full_422_uncompressed.dcm'))!;
    const out = await transcodeFrame(read.frames[0]!, ExplicitVRLittleEndian, RLELossless, read.description);
    expect(out.description).toMatchObject({ photometricInterpretation: 'YBR_FULL', planarConfiguration: 1 });
    const back = await transcodeFrame(out.data, RLELossless, ExplicitVRLittleEndian, out.description);
    expect(back.data.length).toBe(read.description.rows * read.description.columns * 3);
  });

  it('fails with CodecError on a frame shorter than its description', async () => {
    const read = (await readReferenceFrames('files/pydicom/CT_small.dcm'))!;
    await expect(transcodeFrame(read.frames[0]!.subarray(1), ExplicitVRLittleEndian, RLELossless, read.description)).rejects.toThrow(/has 32767 bytes; .* need 32768/);
  });

  it('fails with CodecError on a corrupt codestream', async () => {
    const read = (await readReferenceFrames('files/pydicom-data/693_J2KR.dcm'))!;
    const corrupt = read.frames[0]!.slice(0, 200);
    await expect(transcodeFrame(corrupt, JPEG2000Lossless, ExplicitVRLittleEndian, read.description)).rejects.toThrow(CodecError);
    // The library is still usable afterwards.
    const good = await transcodeFrame(read.frames[0]!, JPEG2000Lossless, ExplicitVRLittleEndian, read.description);
    expect(good.data.length).toBe(512 * 512 * 2);
  });

  it('fails with CodecError for syntaxes without a codec, or frames an encoder refuses', async () => {
    const read = (await readReferenceFrames('files/pydicom/CT_small.dcm'))!;
    await expect(transcodeFrame(read.frames[0]!, JPEGXLLossless, ExplicitVRLittleEndian, read.description)).rejects.toThrow(/cannot be decoded/);
    await expect(transcodeFrame(read.frames[0]!, ExplicitVRLittleEndian, JPEGXLLossless, read.description)).rejects.toThrow(/cannot be encoded/);
    await expect(transcodeFrame(read.frames[0]!, ExplicitVRLittleEndian, JPEGBaseline8Bit, read.description)).rejects.toThrow(
      /cannot encode as 1.2.840.10008.1.2.4.50: Bits Allocated 16/,
    );
  });
});
