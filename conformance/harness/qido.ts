/**
 * QIDO-RS requests (PS3.18 10.6).
 */
import { get, type Response } from './http.js';
import type { Dataset } from './dicomjson.js';

export interface QidoResult {
  readonly res: Response;
  readonly status: number;
  /** results; [] for a 204 or an empty body */
  readonly list: Dataset[];
}

/** GET {root}{path}?{query}; `query` is sent exactly as given (already percent-encoded where wanted). */
export async function qido(root: string, path: string, query = '', accept = 'application/dicom+json'): Promise<QidoResult> {
  const res = await get(`${root}${path}${query ? '?' + query : ''}`, { accept });
  let list: Dataset[] = [];
  if (res.status === 200 && res.body.length > 0) {
    const j = res.json();
    if (!Array.isArray(j)) throw new Error(`QIDO 200 body is not a JSON array: ${res.text().slice(0, 200)}`);
    list = j as Dataset[];
  }
  return { res, status: res.status, list };
}

/** The values of one tag across results (first value each), sorted. */
export function uids(list: readonly Dataset[], tag: string): string[] {
  return list.map((d) => String(d[tag]?.Value?.[0] ?? '')).sort();
}
