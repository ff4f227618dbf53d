/** The codec thread pool: parallel work, bounded queue, failures confined to their task, clean shutdown. */
import { afterEach, describe, expect, it } from 'vitest';
import { CodecError } from '../../src/codecs/codec.js';
import { CodecBusyError, CodecPool, type CodecPoolOptions } from '../../src/codecs/codec-pool.js';
import { transcodeFrame } from '../../src/codecs/transcode.js';
import { ExplicitVRLittleEndian, HTJ2KLossless, JPEG2000Lossless, JPEGLSLossless, RLELossless } from '../../src/dicom/transfer-syntax.js';
import { readReferenceFrames, type ReferenceFrames } from './reference.js';

const FAULTY_WORKER = new URL('./fixtures/faulty-codec-worker.mjs', import.meta.url);

let pools: CodecPool[] = [];
function pool(options: CodecPoolOptions): CodecPool {
  const created = new CodecPool(options);
  pools.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(pools.map((p) => p.close()));
  pools = [];
});

async function ct(): Promise<ReferenceFrames> {
  return (await readReferenceFrames('files/DICOMHTJ2K/CT2_UNC.dcm'))!;
}

/** A native CT frame as a task argument: a fresh copy each time, since the pool takes the buffer. */
async function nativeTask(to: string) {
  const read = await ct();
  return { data: read.frames[0]!.slice(), from: ExplicitVRLittleEndian, to, description: read.description };
}

describe('CodecPool', () => {
  it('runs tasks in parallel threads with the results of transcodeFrame', async () => {
    const codecs = pool({ size: 2 });
    const targets = [JPEG2000Lossless, HTJ2KLossless, JPEGLSLossless, RLELossless, JPEG2000Lossless, HTJ2KLossless];
    const results = await Promise.all(targets.map(async (to) => codecs.transcode(await nativeTask(to))));
    expect(codecs.threadCount).toBe(2);
    for (const [i, to] of targets.entries()) {
      const task = await nativeTask(to);
      const direct = await transcodeFrame(task.data, task.from, to, task.description);
      expect(Buffer.from(results[i]!.data).equals(direct.data)).toBe(true);
      expect(results[i]!.description).toEqual(direct.description);
    }
  });

  it('decodes to native', async () => {
    const codecs = pool({ size: 1 });
    const read = (await readReferenceFrames('files/pydicom-data/693_J2KR.dcm'))!;
    const native = await codecs.decode({ data: read.frames[0]!.slice(), from: JPEG2000Lossless, description: read.description });
    expect(native.data.length).toBe(512 * 512 * 2);
    expect(native.description.photometricInterpretation).toBe('MONOCHROME2');
  });

  it('transfers the frame to the thread instead of copying it', async () => {
    const codecs = pool({ size: 1 });
    const task = await nativeTask(RLELossless);
    const done = codecs.transcode(task);
    expect(task.data.byteLength).toBe(0);
    await done;
  });

  it('fails a task whose codec throws with CodecError, and that task only', async () => {
    const codecs = pool({ size: 2 });
    const read = await ct();
    const garbage = { data: new Uint8Array(100).fill(0xff), from: JPEG2000Lossless, to: ExplicitVRLittleEndian, description: read.description };
    const outcomes = await Promise.allSettled([
      codecs.transcode(await nativeTask(RLELossless)),
      codecs.transcode(garbage),
      codecs.transcode(await nativeTask(JPEGLSLossless)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(CodecError);
    expect(codecs.threadCount).toBe(2);
  });

  it('refuses work with CodecBusyError when every thread is busy and the queue is full', async () => {
    const codecs = pool({ size: 1, maxQueued: 1 });
    const running = codecs.transcode(await nativeTask(JPEG2000Lossless));
    const queued = codecs.transcode(await nativeTask(JPEG2000Lossless));
    await expect(codecs.transcode(await nativeTask(JPEG2000Lossless))).rejects.toBeInstanceOf(CodecBusyError);
    await expect(Promise.all([running, queued])).resolves.toHaveLength(2);
  });

  it('replaces a thread that dies, failing only the task it was running', async () => {
    const codecs = pool({ size: 1, workerUrl: FAULTY_WORKER });
    const read = await ct();
    const crash = codecs.decode({ data: new Uint8Array(4), from: 'crash', description: read.description });
    const after = codecs.transcode(await nativeTask(RLELossless));
    await expect(crash).rejects.toThrow(/codec thread stopped: exit code 70/);
    await expect(after).resolves.toMatchObject({ description: { planarConfiguration: 0 } });
    expect(codecs.threadCount).toBe(1);
  });

  it('fails a task that runs too long and replaces its thread', async () => {
    const codecs = pool({ size: 1, taskTimeoutMs: 500, workerUrl: FAULTY_WORKER });
    const read = await ct();
    await expect(codecs.decode({ data: new Uint8Array(4), from: 'hang', description: read.description })).rejects.toThrow(/longer than 500 ms/);
    await expect(codecs.transcode(await nativeTask(RLELossless))).resolves.toBeDefined();
  });

  it('fails the queue, without starting thread after thread, when its threads cannot start', async () => {
    const codecs = pool({ size: 1, workerUrl: new URL('data:text/javascript,throw new Error("no codecs here")') });
    const outcomes = await Promise.allSettled([codecs.transcode(await nativeTask(RLELossless)), codecs.transcode(await nativeTask(RLELossless))]);
    for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/no codecs here/) } });
    expect(codecs.threadCount).toBe(0);
  });

  it('close() fails waiting and running tasks, stops every thread and refuses new work', async () => {
    const codecs = pool({ size: 1 });
    const running = codecs.transcode(await nativeTask(JPEG2000Lossless));
    const queued = codecs.transcode(await nativeTask(JPEG2000Lossless));
    expect(codecs.threadCount).toBe(1);
    const outcomes = Promise.allSettled([running, queued]);
    await codecs.close();
    expect(codecs.threadCount).toBe(0);
    for (const outcome of await outcomes) expect(outcome).toMatchObject({ status: 'rejected', reason: { message: 'the codec pool was closed' } });
    await expect(codecs.transcode(await nativeTask(RLELossless))).rejects.toThrow(CodecError);
  });
});
