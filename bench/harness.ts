// Shared measurement machinery: keep-alive HTTP agents, a bounded pool of
// requests in flight, and order statistics. Every loop here is bounded by a
// request count AND a wall-clock budget, so a slow or stuck server cannot make
// a run last forever.
import { Agent, request } from 'undici';

/** One keep-alive agent per target; a few spare sockets above the pool size. */
export function keepAliveAgent(): Agent {
  return new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    connections: 16,
    pipelining: 1,
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
}

export interface HttpResult {
  readonly status: number;
  readonly contentType: string;
  readonly bytes: number;
  /** Present only when the caller asked for the body text. */
  readonly text?: string;
  /** Request start to last body byte, in milliseconds. */
  readonly ms: number;
}

export interface HttpCall {
  readonly method?: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer;
  readonly keepText?: boolean;
}

/** Sends one request and drains the body, counting bytes (kept only on demand). */
export async function http(agent: Agent, call: HttpCall): Promise<HttpResult> {
  const t0 = performance.now();
  const res = await request(call.url, {
    dispatcher: agent,
    method: call.method ?? 'GET',
    headers: call.headers,
    body: call.body,
  });
  let bytes = 0;
  const chunks: Buffer[] = [];
  // Error bodies are kept too (their start), so a failed line says why.
  const keep = call.keepText || res.statusCode >= 400;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (keep && (call.keepText || bytes < 4096)) chunks.push(chunk);
  }
  const ms = performance.now() - t0;
  const ct = res.headers['content-type'];
  return {
    status: res.statusCode,
    contentType: Array.isArray(ct) ? ct.join(', ') : (ct ?? ''),
    bytes,
    ms,
    ...(keep ? { text: Buffer.concat(chunks).toString('utf8') } : {}),
  };
}

export interface PoolOptions {
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Upper bound on the number of jobs started. */
  readonly maxJobs: number;
  /** No new job starts after this many milliseconds. */
  readonly maxMs: number;
}

export interface PoolRun<T> {
  readonly results: T[];
  readonly elapsedMs: number;
}

/**
 * Runs job(0), job(1), ... with `concurrency` in flight until maxJobs have run or
 * maxMs has passed (jobs in flight are awaited). The first error stops the pool.
 */
export async function pool<T>(opts: PoolOptions, job: (i: number) => Promise<T>): Promise<PoolRun<T>> {
  const results: T[] = [];
  const t0 = performance.now();
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < opts.maxJobs && performance.now() - t0 < opts.maxMs) {
      const i = next++;
      try {
        results.push(await job(i));
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  if (failure !== undefined) throw failure;
  return { results, elapsedMs: performance.now() - t0 };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank on the sorted sample.
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** An HTTP answer that is not what the workload needs aborts the line. */
export function expectStatus(r: HttpResult, ok: readonly number[], what: string): void {
  if (!ok.includes(r.status)) {
    const detail = r.text ? `: ${r.text.slice(0, 200)}` : '';
    throw new Error(`${what}: HTTP ${r.status}${detail}`);
  }
}
