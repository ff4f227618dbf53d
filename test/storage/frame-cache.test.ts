import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileFrameCache } from '../../src/storage/files/file-frame-cache.js';
import type { FrameKey } from '../../src/storage/frame-cache.js';
import { TENANT_A, TENANT_B } from './fixtures.js';

const SHA_1 = 'a'.repeat(64);
const SHA_2 = 'b'.repeat(64);
const HTJ2K = '1.2.840.10008.1.2.4.201';
const key = (frame: number, sha256 = SHA_1, tenant = TENANT_A): FrameKey => ({ tenant, sha256, frame, transferSyntaxUid: HTJ2K });
const frameOf = (n: number, size = 1000) => ({ data: Buffer.alloc(size, n), meta: JSON.stringify({ n }) });

describe('FileFrameCache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'atrium-frames-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('produces a missing frame once and serves it from disk afterwards, bytes and meta intact', async () => {
    const cache = new FileFrameCache(dir, 1 << 20);
    let produced = 0;
    const produce = async () => {
      produced++;
      return frameOf(7);
    };
    const first = await cache.getOrProduce(key(1), produce);
    const second = await cache.getOrProduce(key(1), produce);
    expect(produced).toBe(1);
    expect(second.data.equals(first.data)).toBe(true);
    expect(second.meta).toBe('{"n":7}');
    expect(cache.stats()).toMatchObject({ entries: 1, hits: 1, misses: 1 });
  });

  it('shares one produce() among concurrent requests for the same frame (single flight)', async () => {
    const cache = new FileFrameCache(dir, 1 << 20);
    let produced = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const produce = async () => {
      produced++;
      await gate;
      return frameOf(3);
    };
    const waiting = Array.from({ length: 20 }, () => cache.getOrProduce(key(5), produce));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const results = await Promise.all(waiting);
    expect(produced).toBe(1);
    expect(results.every((r) => r.data[0] === 3)).toBe(true);
  });

  it('does not cache a failed produce(): the next request tries again', async () => {
    const cache = new FileFrameCache(dir, 1 << 20);
    await expect(cache.getOrProduce(key(1), async () => Promise.reject(new Error('codec failed')))).rejects.toThrow('codec failed');
    const frame = await cache.getOrProduce(key(1), async () => frameOf(1));
    expect(frame.data[0]).toBe(1);
  });

  it('evicts least recently used frames past its bound', async () => {
    const cache = new FileFrameCache(dir, 20_000); // room for nineteen 1,011-byte entries
    for (let n = 1; n <= 19; n++) await cache.getOrProduce(key(n), async () => frameOf(n));
    expect(cache.stats().entries).toBe(19);
    await cache.get(key(1)); // frame 1 is now the most recently used
    for (let n = 20; n <= 22; n++) await cache.getOrProduce(key(n), async () => frameOf(n));
    expect(cache.stats().bytes).toBeLessThanOrEqual(20_000);
    expect(await cache.get(key(1))).toBeDefined();
    expect(await cache.get(key(2))).toBeUndefined();
    expect(await cache.get(key(22))).toBeDefined();
  });

  it('keeps tenants apart and removes one instance or one tenant', async () => {
    const cache = new FileFrameCache(dir, 1 << 20);
    await cache.getOrProduce(key(1, SHA_1, TENANT_A), async () => frameOf(1));
    await cache.getOrProduce(key(1, SHA_1, TENANT_B), async () => frameOf(2));
    await cache.getOrProduce(key(1, SHA_2, TENANT_A), async () => frameOf(3));
    expect((await cache.get(key(1, SHA_1, TENANT_B)))!.data[0]).toBe(2);
    await cache.removeInstance(TENANT_A, SHA_1);
    expect(await cache.get(key(1, SHA_1, TENANT_A))).toBeUndefined();
    expect(await cache.get(key(1, SHA_2, TENANT_A))).toBeDefined();
    expect(await cache.get(key(1, SHA_1, TENANT_B))).toBeDefined();
    await cache.removeTenant(TENANT_B);
    expect(await cache.get(key(1, SHA_1, TENANT_B))).toBeUndefined();
    expect(cache.stats().entries).toBe(1);
  });

  it('finds its frames again after a restart, and drops leftover temp files', async () => {
    const before = new FileFrameCache(dir, 1 << 20);
    await before.getOrProduce(key(4), async () => frameOf(4));
    const instanceDir = join(dir, TENANT_A, SHA_1.slice(0, 2), SHA_1);
    writeFileSync(join(instanceDir, `9.${HTJ2K}.abc.tmp`), 'torn');
    const after = new FileFrameCache(dir, 1 << 20);
    expect((await after.get(key(4)))!.data.equals(frameOf(4).data)).toBe(true);
    expect(readdirSync(instanceDir).some((name) => name.endsWith('.tmp'))).toBe(false);
  });

  it('treats a frame deleted behind its back (the cache is disposable) as a miss', async () => {
    const cache = new FileFrameCache(dir, 1 << 20);
    await cache.getOrProduce(key(1), async () => frameOf(1));
    rmSync(join(dir, TENANT_A), { recursive: true });
    expect(await cache.get(key(1))).toBeUndefined();
    const again = await cache.getOrProduce(key(1), async () => frameOf(9));
    expect(again.data[0]).toBe(9);
  });

  it('refuses keys that would leave its directory', async () => {
    const cache = new FileFrameCache(dir, 1 << 20);
    const bad = { ...key(1), transferSyntaxUid: '../../etc' };
    await expect(cache.getOrProduce(bad, async () => frameOf(1))).rejects.toThrow(RangeError);
  });
});
