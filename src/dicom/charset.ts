/**
 * Specific Character Set (0008,0005): turning the bytes of SH, LO, ST, LT, UC,
 * UT and PN values into Unicode, per PS3.5 6.1 and PS3.3 C.12.1.1.2.
 *
 * Two regimes exist. A single value without code extensions (ISO_IR 100,
 * ISO_IR 192, GB18030, ...) names one encoding for the whole value. Values
 * spelled "ISO 2022 IR n", or several values, select ISO/IEC 2022 code
 * extensions (PS3.5 6.1.2.5): escape sequences designate a character set into
 * G0 (bytes 21H-7EH) or G1 (bytes A0H-FFH) in the middle of a value.
 *
 * Decoding never throws: unknown terms decode as ISO 8859-1 (every byte maps to a
 * character, so nothing is lost), and undecodable bytes become U+FFFD.
 */

type Decode = (bytes: Uint8Array) => string;

/** ISO 8859-1 exactly (WHATWG's 'iso-8859-1' label means windows-1252). */
const latin1: Decode = (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

/** A WHATWG/ICU decoder, created on first use (non-fatal: bad bytes → U+FFFD). */
function whatwg(label: string): Decode {
  let decoder: TextDecoder | undefined;
  return (b) => (decoder ??= new TextDecoder(label)).decode(b);
}

/**
 * ISO 8859-9 (ISO_IR 148) is ISO 8859-1 with six letters replaced. WHATWG maps
 * 'iso-8859-9' to windows-1254, which differs in 80H-9FH, so build it from latin1.
 */
const LATIN5: Readonly<Record<number, string>> = {
  0xd0: '\u011e', 0xdd: '\u0130', 0xde: '\u015e', 0xf0: '\u011f', 0xfd: '\u0131', 0xfe: '\u015f',
};
const latin5: Decode = (b) => {
  let s = '';
  for (const byte of b) s += LATIN5[byte] ?? String.fromCharCode(byte);
  return s;
};

/**
 * JIS X 0201 (ISO_IR 13): the Romaji half is read as ASCII (its 5CH is YEN SIGN
 * in JIS, but DICOM uses 5CH as the value delimiter, so readers keep BACKSLASH),
 * A1H-DFH are half-width katakana. Shift_JIS agrees on all of these and also
 * tolerates the common misuse of ISO_IR 13 for Shift_JIS kanji.
 */
const jisX0201 = whatwg('shift_jis');
const eucJp = whatwg('euc-jp');
const eucKr = whatwg('euc-kr');
const gb18030 = whatwg('gb18030');

/** Single-byte sets: the ISO_IR n and ISO 2022 IR n spellings (PS3.3 Tables C.12-2, C.12-3). */
const SINGLE_BYTE: ReadonlyMap<number, { escape: string; decode: Decode }> = new Map([
  [100, { escape: '-A', decode: latin1 }],
  [101, { escape: '-B', decode: whatwg('iso-8859-2') }],
  [109, { escape: '-C', decode: whatwg('iso-8859-3') }],
  [110, { escape: '-D', decode: whatwg('iso-8859-4') }],
  [144, { escape: '-L', decode: whatwg('iso-8859-5') }],
  [127, { escape: '-G', decode: whatwg('iso-8859-6') }],
  [126, { escape: '-F', decode: whatwg('iso-8859-7') }],
  [138, { escape: '-H', decode: whatwg('iso-8859-8') }],
  [148, { escape: '-M', decode: latin5 }],
  [203, { escape: '-b', decode: whatwg('iso-8859-15') }],
  // TIS 620-2533; windows-874 is a superset (adds characters in 80H-9FH only).
  [166, { escape: '-T', decode: whatwg('windows-874') }],
  [13, { escape: ')I', decode: jisX0201 }],
]);

const TWO_BYTE_IRS: ReadonlySet<number> = new Set([87, 159, 149, 58]);

/** What GL bytes (21H-7EH) mean: ASCII-like, or two-byte JIS (PS3.3 Table C.12-4). */
type G0 = 'ascii' | 'jisX0208' | 'jisX0212';

type Designation = { g0: G0 } | { g1: Decode };

/**
 * Escape sequences (after ESC) of PS3.3 Tables C.12-3 and C.12-4. Any of them is
 * honoured wherever it appears, declared in (0008,0005) or not: the escape says
 * unambiguously what follows.
 */
const ESCAPES: ReadonlyMap<string, Designation> = new Map<string, Designation>([
  ['(B', { g0: 'ascii' }], // ISO-IR 6
  ['(J', { g0: 'ascii' }], // ISO-IR 14, JIS X 0201 Romaji (see jisX0201)
  ['$B', { g0: 'jisX0208' }], // ISO-IR 87
  ['$@', { g0: 'jisX0208' }], // JIS C 6226-1978, the older edition of the same set
  ['$(D', { g0: 'jisX0212' }], // ISO-IR 159
  ['$)C', { g1: eucKr }], // ISO-IR 149, KS X 1001 in G1: EUC-KR bytes
  ['$)A', { g1: gb18030 }], // ISO-IR 58, GB 2312 in G1: EUC-CN bytes
  ...[...SINGLE_BYTE.values()].map((s): [string, Designation] => [s.escape, { g1: s.decode }]),
]);

/** Encodings that forbid code extensions (PS3.3 C.12.1.1.2): later values are ignored. */
const NO_EXTENSIONS: ReadonlyMap<string, Decode> = new Map([
  ['ISO_IR 192', whatwg('utf-8')],
  ['GB18030', gb18030],
  ['GBK', whatwg('gbk')],
]);

/**
 * Canonical spelling of a defined term, forgiving common misspellings seen in
 * the field ('ISO-IR 100', 'ISO_IR100', 'ISO_2022-IR 100', 'ISO 2022 IR+126').
 */
function normaliseTerm(term: string): string {
  const t = term.trim().toUpperCase();
  let m = /^ISO[\s_-]*2022[\s_-]*IR[\s_+-]*(\d+)$/.exec(t);
  if (m) return `ISO 2022 IR ${Number(m[1])}`;
  m = /^ISO[\s_-]*IR[\s_+-]*(\d+)$/.exec(t);
  if (m) return `ISO_IR ${Number(m[1])}`;
  if (t === 'UTF-8' || t === 'UTF8') return 'ISO_IR 192';
  return t;
}

function irNumber(term: string): number | undefined {
  const m = /IR (\d+)$/.exec(term);
  return m ? Number(m[1]) : undefined;
}

interface State {
  g0: G0;
  /** undefined: nothing designated; stray GR bytes then decode as ISO 8859-1. */
  g1: Decode | undefined;
}

/**
 * The state value 1 of (0008,0005) establishes, and re-established after each
 * delimiter (PS3.5 6.1.2.5.3). A two-byte set cannot be value 1 in G0 (PS3.3
 * C.12.1.1.2); for G1 sets (IR 149, IR 58) we accept it, as writers who send
 * "ISO 2022 IR 149" alone then omit the escape sequences.
 */
function initialState(first: string): State {
  const ir = irNumber(first);
  if (ir === undefined) return { g0: 'ascii', g1: undefined };
  if (ir === 149) return { g0: 'ascii', g1: eucKr };
  if (ir === 58) return { g0: 'ascii', g1: gb18030 };
  return { g0: 'ascii', g1: SINGLE_BYTE.get(ir)?.decode };
}

const ESC = 0x1b;
/** Delimiters after which the initial set is active again (PS3.5 6.1.2.5.3). */
const ALWAYS_RESET = new Set([0x0d, 0x0a, 0x0c, 0x09, 0x5c]); // CR LF FF TAB '\'
const PN_RESET = new Set([0x5e, 0x3d]); // '^' '='

/**
 * Runs of bytes for one decoder, concatenated as decoded strings. Stateful
 * decoders (EUC, Shift_JIS) need whole runs, not single bytes.
 */
class Output {
  #parts: string[] = [];
  #run: number[] = [];
  #decode: Decode | undefined;

  push(decode: Decode, ...bytes: number[]): void {
    if (decode !== this.#decode) this.#flush(decode);
    this.#run.push(...bytes);
  }

  text(s: string): void {
    this.#flush(undefined);
    this.#parts.push(s);
  }

  toString(): string {
    this.#flush(undefined);
    return this.#parts.join('');
  }

  #flush(next: Decode | undefined): void {
    if (this.#decode && this.#run.length > 0) this.#parts.push(this.#decode(Uint8Array.from(this.#run)));
    this.#run = [];
    this.#decode = next;
  }
}

function decodeIso2022(bytes: Uint8Array, initial: State, kind: 'text' | 'pn'): string {
  const out = new Output();
  let state: State = { ...initial };
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b === ESC) {
      // ESC, intermediates 20H-2FH, one final byte 30H-7EH (ISO/IEC 2022 13.1).
      let j = i + 1;
      while (j < bytes.length && (bytes[j] as number) >= 0x20 && (bytes[j] as number) <= 0x2f) j++;
      const seq = String.fromCharCode(...bytes.subarray(i + 1, j + 1));
      const designation = ESCAPES.get(seq);
      if (designation) {
        state = 'g0' in designation ? { ...state, g0: designation.g0 } : { ...state, g1: designation.g1 };
      } else {
        out.text(latin1(bytes.subarray(i, j + 1))); // unknown escape: keep its bytes visible
      }
      i = j + 1;
      continue;
    }
    if (b >= 0x80) {
      out.push(state.g1 ?? latin1, b);
      i++;
      continue;
    }
    if (state.g0 !== 'ascii' && b >= 0x21 && b <= 0x7e) {
      // Two-byte set in G0: pairs of GL bytes, sent to EUC-JP with the high bit set.
      const next = bytes[i + 1];
      if (next === undefined || next < 0x21 || next > 0x7e) {
        out.text('\ufffd');
        i++;
        continue;
      }
      if (state.g0 === 'jisX0212') out.push(eucJp, 0x8f, b | 0x80, next | 0x80);
      else out.push(eucJp, b | 0x80, next | 0x80);
      i += 2;
      continue;
    }
    out.push(latin1, b);
    i++;
    if (ALWAYS_RESET.has(b) || (kind === 'pn' && PN_RESET.has(b))) state = { ...initial };
  }
  return out.toString();
}

/**
 * Decode the bytes of one element value (all its values, '\'-separated) to a
 * JS string. `specificCharacterSet` is (0008,0005) as from charsetsFromValue;
 * `kind` 'pn' adds the PN delimiters '^' and '=' to those that re-invoke the
 * initial character set. BACKSLASH re-invokes it for both kinds: ST, LT and UT
 * text should not switch sets around a BACKSLASH (PS3.5 6.1.2.5.3 wants the
 * initial set active before it anyway).
 */
export function decodeString(
  bytes: Uint8Array,
  specificCharacterSet: readonly string[],
  kind: 'text' | 'pn',
): string {
  const terms = specificCharacterSet.map(normaliseTerm);
  const first = terms[0] ?? '';
  const whole = NO_EXTENSIONS.get(first);
  if (whole) return whole(bytes);
  const ir = irNumber(first);
  // 'ISO_IR 149' and the like are misspelt code extensions: two-byte sets exist
  // only as ISO 2022 code elements (PS3.3 Table C.12-4).
  if (terms.length <= 1 && !first.startsWith('ISO 2022 ') && !(ir !== undefined && TWO_BYTE_IRS.has(ir))) {
    // One encoding for the whole value; '' is the default repertoire (ISO-IR 6),
    // read as ISO 8859-1 so that non-conformant 8-bit text survives.
    const decode = ir === undefined ? undefined : SINGLE_BYTE.get(ir)?.decode;
    return (decode ?? latin1)(bytes);
  }
  return decodeIso2022(bytes, initialState(first), kind);
}

/**
 * The values of a raw (0008,0005) string. An empty value 1 stands for the
 * default repertoire and is kept ('\ISO 2022 IR 87' → ['', 'ISO 2022 IR 87']);
 * an empty element gives []. Padding (spaces, NULs) is removed.
 */
export function charsetsFromValue(raw: string): string[] {
  const values = raw.split('\\').map((v) => v.replace(/\0/g, '').trim());
  const kept = values.filter((v, i) => i === 0 || v !== '');
  return kept.length === 1 && kept[0] === '' ? [] : kept;
}
