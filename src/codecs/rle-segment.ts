/** One RLE segment: a byte plane compressed with the PackBits scheme of PS3.5 G.3. */

/**
 * Decodes `src` into `out` until either ends (G.3.2): a header byte n in
 * 0..127 copies n+1 literal bytes, -127..-1 repeats the next byte 1-n times,
 * -128 is a no-op. Returns how many bytes were written.
 */
export function decodeSegment(src: Uint8Array, out: Uint8Array): number {
  let i = 0;
  let o = 0;
  while (i < src.length && o < out.length) {
    const n = (src[i++]! << 24) >> 24;
    if (n >= 0) {
      const count = Math.min(n + 1, out.length - o, src.length - i);
      out.set(src.subarray(i, i + count), o);
      i += n + 1;
      o += count;
    } else if (n !== -128) {
      if (i >= src.length) break;
      const end = Math.min(o + 1 - n, out.length);
      out.fill(src[i++]!, o, end);
      o = end;
    }
  }
  return o;
}

/** Longest run or literal a header byte can describe. */
const MAX_RUN = 128;

/**
 * Appends the PackBits encoding of `row` to `out` at `at`, returning the new
 * end (G.3.1: each row is encoded on its own). Runs of three or more equal
 * bytes are replicated, shorter ones joined into literals.
 */
export function encodeRow(row: Uint8Array, out: Uint8Array, at: number): number {
  let o = at;
  let i = 0;
  while (i < row.length) {
    let run = 1;
    while (i + run < row.length && run < MAX_RUN && row[i + run] === row[i]) run++;
    if (run >= 3 || (run === 2 && i + run === row.length)) {
      out[o++] = 257 - run; // -(run - 1) as a byte
      out[o++] = row[i]!;
      i += run;
      continue;
    }
    // A literal: up to the next run of three or the 128-byte limit.
    const start = i;
    while (i < row.length && i - start < MAX_RUN) {
      if (i + 2 < row.length && row[i] === row[i + 1] && row[i] === row[i + 2]) break;
      i++;
    }
    out[o++] = i - start - 1;
    out.set(row.subarray(start, i), o);
    o += i - start;
  }
  return o;
}

/** The most bytes encodeRow can write for a row of `length` bytes (a literal header per 128 bytes). */
export function worstCaseRow(length: number): number {
  return length + Math.ceil(length / MAX_RUN);
}
