/** A satisfiable single byte range of a resource, inclusive end (RFC 9110 14.1.2). */
export interface ResolvedRange {
  start: number;
  end: number;
}

/**
 * Parses `Range: bytes=...` against a resource of `size` bytes. Returns
 * undefined for no (or an ignorable multi-range) header, 'unsatisfiable' for
 * a range past the end. Multi-range requests are answered whole, which RFC
 * 9110 14.2 permits.
 */
export function resolveRange(header: string | undefined, size: number): ResolvedRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    // Suffix range: the last N bytes.
    const length = Math.min(Number(match[2]), size);
    return length === 0 ? 'unsatisfiable' : { start: size - length, end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
