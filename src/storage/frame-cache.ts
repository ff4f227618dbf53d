import type { TenantId } from './ids.js';

/** One cached frame: an instance's frame `frame` (1-based) in `transferSyntaxUid`. */
export interface FrameKey {
  readonly tenant: TenantId;
  /** The instance's content hash: the same bytes give the same frames, whatever happens to the index. */
  readonly sha256: string;
  readonly frame: number;
  readonly transferSyntaxUid: string;
}

/** A frame's bytes and a small description the producer attached (e.g. its pixel description, as JSON). */
export interface CachedFrame {
  readonly data: Buffer;
  readonly meta: string;
}

export interface FrameCacheStats {
  bytes: number;
  entries: number;
  hits: number;
  misses: number;
}

/**
 * Transcoded frames kept for reuse, bounded in size with least-recently-used
 * eviction. Disposable: losing it loses nothing, it refills on demand.
 */
export interface FrameCache {
  /** The cached frame, or undefined. */
  get(key: FrameKey): Promise<CachedFrame | undefined>;
  /**
   * The cached frame, or the result of `produce()` stored and returned.
   * Concurrent callers for the same missing key share one `produce()` call.
   */
  getOrProduce(key: FrameKey, produce: () => Promise<CachedFrame>): Promise<CachedFrame>;
  /** Drops every frame of one instance (its content hash) in a tenant. */
  removeInstance(tenant: TenantId, sha256: string): Promise<void>;
  removeTenant(tenant: TenantId): Promise<void>;
  stats(): FrameCacheStats;
}
