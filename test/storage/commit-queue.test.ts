import { describe, expect, it } from 'vitest';
import type { BlobRef, BlobStore } from '../../src/storage/blob-store.js';
import { CommitGroup, CommitQueue } from '../../src/storage/commit-queue.js';
import type { IndexStore, NewInstance, PutOutcome } from '../../src/storage/index-store.js';
import { instance } from './fixtures.js';

/** Counts what a flush does: directory syncs and index transactions. */
function recorder() {
  const batches: string[][] = [];
  let syncs = 0;
  const index = {
    putInstances: (items: readonly NewInstance[]): PutOutcome[] => {
      batches.push(items.map((i) => i.sopInstanceUid));
      return items.map(() => ({ kind: 'stored' }));
    },
    durable: async () => undefined,
  } as unknown as IndexStore;
  const blobs = {
    sync: async (_refs: readonly BlobRef[]) => {
      syncs++;
    },
  } as unknown as BlobStore;
  return { queue: new CommitQueue(index, blobs, 'reject'), batches, syncs: () => syncs };
}

const item = (sop: string) => instance({ study: '1', series: '1.1', sop, seriesNumber: 1, instanceNumber: 1 });

describe('CommitQueue (group commit)', () => {
  it('a lone instance is committed at once', async () => {
    const { queue, batches } = recorder();
    const group = new CommitGroup();
    queue.expect(group);
    const started = performance.now();
    await queue.commit(group, item('1.1.1'));
    expect(performance.now() - started).toBeLessThan(40);
    expect(batches).toEqual([['1.1.1']]);
  });

  it('the parts of one group wait for each other and share one flush', async () => {
    const { queue, batches, syncs } = recorder();
    const group = new CommitGroup();
    for (let i = 0; i < 3; i++) queue.expect(group);
    const first = queue.commit(group, item('1.1.1'));
    const second = queue.commit(group, item('1.1.2'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(batches).toEqual([]); // the third part is still arriving
    const third = queue.commit(group, item('1.1.3'));
    await Promise.all([first, second, third]);
    expect(batches).toEqual([['1.1.1', '1.1.2', '1.1.3']]);
    expect(syncs()).toBe(1);
  });

  it('a withdrawn part releases the others; another group does not wait for them', async () => {
    const { queue, batches } = recorder();
    const slow = new CommitGroup();
    const quick = new CommitGroup();
    queue.expect(slow);
    queue.expect(slow);
    queue.expect(quick);
    const waiting = queue.commit(slow, item('1.1.1'));
    await queue.commit(quick, item('1.1.9'));
    expect(batches).toEqual([['1.1.9']]);
    queue.withdraw(slow);
    await waiting;
    expect(batches).toEqual([['1.1.9'], ['1.1.1']]);
  });

  it('a group that stalls is flushed after a bounded wait', async () => {
    const { queue, batches } = recorder();
    const group = new CommitGroup();
    queue.expect(group);
    queue.expect(group);
    const started = performance.now();
    await queue.commit(group, item('1.1.1'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(40);
    expect(batches).toEqual([['1.1.1']]);
  });
});
