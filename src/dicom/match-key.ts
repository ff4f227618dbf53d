/**
 * QIDO-RS matching keys, parsed per PS3.4 C.2.2.2 with the query syntax of
 * PS3.18 8.3.4. Pure: knows nothing of SQL; every store compiles the same keys.
 */
import type { Vr } from './json-model.js';

export type MatchKey =
  /** C.2.2.2.3 universal matching: empty value, attribute returned, no filtering. */
  | { kind: 'universal' }
  /** C.2.2.2.1 single value matching. */
  | { kind: 'single'; value: string }
  /** C.2.2.2.2 list of UID matching; also C.2.2.2.8 multiple values for other VRs. */
  | { kind: 'list'; values: string[] }
  /** C.2.2.2.4 wild card matching: '*' any run, '?' one character. */
  | { kind: 'wildcard'; pattern: string }
  /** C.2.2.2.5 range matching for DA, TM, DT; either end may be open. */
  | { kind: 'range'; from?: string; to?: string };

/** A query value that PS3.4 C.2.2.2 does not allow; the HTTP layer answers 400. */
export class MatchKeyError extends Error {
  override readonly name = 'MatchKeyError';
}

/** C.2.2.2.4: wild card matching applies to these VRs only. */
const WILDCARD_VRS: ReadonlySet<Vr> = new Set(['AE', 'AS', 'CS', 'LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UR', 'UT']);
const NUMERIC_VRS: ReadonlySet<Vr> = new Set(['DS', 'IS', 'US', 'SS', 'UL', 'SL', 'UV', 'SV', 'FL', 'FD']);
const BINARY_VRS: ReadonlySet<Vr> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN', 'SQ']);

const DA = /^(\d{4})(\d{2})(\d{2})$/;
const TM = /^([01]\d|2[0-3])(?:([0-5]\d)(?:([0-5]\d|60)(?:\.(\d{1,6}))?)?)?$/;
/** PS3.5 6.2 DT: YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]][&ZZXX]. */
const DT = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?)?)?)?([+-]\d{4})?$/;
const UID = /^[0-9]+(\.[0-9]+)*$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const AT = /^[0-9A-Fa-f]{8}$/;

/**
 * Parses one query value for an attribute of the given VR.
 *
 * - empty → universal (C.2.2.2.3);
 * - UI: backslash (PS3.4 C.2.2.2.2) or comma (PS3.18 8.3.4.1) separated → list;
 * - '*' / '?' in a string VR → wildcard (C.2.2.2.4), a value of only '*' → universal;
 * - '-' in DA, TM, DT → range (C.2.2.2.5), either end may be empty;
 * - a backslash elsewhere → list of single values (C.2.2.2.8 multiple value matching);
 *   CS also takes commas, which are outside its repertoire (PS3.5 6.2).
 *
 * Throws MatchKeyError naming the problem for anything else (a malformed date,
 * a range on a UID, a wildcard in a number, ...).
 */
export function parseMatchKey(vr: Vr, raw: string): MatchKey {
  if (raw === '') return { kind: 'universal' };
  if (BINARY_VRS.has(vr)) {
    throw new MatchKeyError(`attributes of VR ${vr} support only universal matching (an empty value)`);
  }
  if (vr === 'UI') return parseUids(raw);
  if (vr === 'DA' || vr === 'TM' || vr === 'DT') return parseDateTime(vr, raw);
  if (NUMERIC_VRS.has(vr) || vr === 'AT') return parseNumbers(vr, raw);
  return parseString(vr, raw);
}

function parseUids(raw: string): MatchKey {
  if (/[*?]/.test(raw)) throw new MatchKeyError(`wildcards are not allowed in a UID: ${JSON.stringify(raw)}`);
  const values = raw.split(/[\\,]/);
  for (const value of values) {
    if (!UID.test(value) || value.length > 64) {
      const problem = value.includes('-') ? 'range matching does not apply to UIDs' : 'not a valid UID';
      throw new MatchKeyError(`${problem}: ${JSON.stringify(value)}`);
    }
  }
  return values.length === 1 ? { kind: 'single', value: values[0]! } : { kind: 'list', values };
}

function parseDateTime(vr: 'DA' | 'TM' | 'DT', raw: string): MatchKey {
  if (/[*?\\]/.test(raw)) {
    throw new MatchKeyError(`${vr} values take single value or range matching only: ${JSON.stringify(raw)}`);
  }
  if (!raw.includes('-')) {
    checkDateTime(vr, raw);
    return { kind: 'single', value: raw };
  }
  const split = splitRange(vr, raw);
  if (!split) throw new MatchKeyError(`malformed ${vr} range: ${JSON.stringify(raw)}`);
  const [from, to] = split;
  if (from === '' && to === '') throw new MatchKeyError(`a ${vr} range needs at least one end: ${JSON.stringify(raw)}`);
  if (from !== '' && to !== '' && normalizeBound(vr, from, 'lower') > normalizeBound(vr, to, 'upper')) {
    throw new MatchKeyError(`${vr} range ends in reverse order: ${JSON.stringify(raw)}`);
  }
  return { kind: 'range', ...(from !== '' && { from }), ...(to !== '' && { to }) };
}

/**
 * Finds the range separator. For DT a '-' may also start a UTC offset
 * ("20200101-0500-"), so every '-' is tried and the split whose halves are
 * both valid (or empty) wins.
 */
function splitRange(vr: 'DA' | 'TM' | 'DT', raw: string): [string, string] | undefined {
  let malformedEnd: string | undefined;
  for (let i = raw.indexOf('-'); i !== -1; i = raw.indexOf('-', i + 1)) {
    const from = raw.slice(0, i);
    const to = raw.slice(i + 1);
    const bad = [from, to].find((end) => end !== '' && !isDateTime(vr, end));
    if (bad === undefined) return [from, to];
    malformedEnd ??= bad;
  }
  if (malformedEnd !== undefined) checkDateTime(vr, malformedEnd);
  return undefined;
}

function isDateTime(vr: 'DA' | 'TM' | 'DT', value: string): boolean {
  try {
    checkDateTime(vr, value);
    return true;
  } catch {
    return false;
  }
}

function checkDateTime(vr: 'DA' | 'TM' | 'DT', value: string): void {
  const ok = vr === 'DA' ? isValidDate(value) : vr === 'TM' ? TM.test(value) : isValidDt(value);
  if (!ok) {
    const form = { DA: 'YYYYMMDD', TM: 'HH[MM[SS[.FFFFFF]]]', DT: 'YYYY[MM[DD[HH[MM[SS[.FFFFFF]]]]]][&ZZXX]' }[vr];
    throw new MatchKeyError(`malformed ${vr} value ${JSON.stringify(value)} (expected ${form})`);
  }
}

function isValidDate(value: string): boolean {
  const m = DA.exec(value);
  if (!m) return false;
  return isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

function isValidDt(value: string): boolean {
  const m = DT.exec(value);
  if (!m) return false;
  const [, year, month, day, hour, minute, second, , offset] = m;
  if (month !== undefined && (Number(month) < 1 || Number(month) > 12)) return false;
  if (day !== undefined && !isCalendarDate(Number(year), Number(month), Number(day))) return false;
  if (hour !== undefined && Number(hour) > 23) return false;
  if (minute !== undefined && Number(minute) > 59) return false;
  if (second !== undefined && Number(second) > 60) return false;
  if (offset !== undefined && (Number(offset.slice(1, 3)) > 14 || Number(offset.slice(3)) > 59)) return false;
  return true;
}

function parseNumbers(vr: Vr, raw: string): MatchKey {
  const values = raw.split('\\');
  const pattern = vr === 'AT' ? AT : NUMBER;
  for (const value of values) {
    if (!pattern.test(value.trim())) {
      const problem = /[*?]/.test(value) ? 'wildcards do not apply to' : 'malformed';
      throw new MatchKeyError(`${problem} ${vr} value ${JSON.stringify(value)}`);
    }
  }
  const trimmed = values.map((v) => (vr === 'AT' ? v.trim().toUpperCase() : v.trim()));
  return trimmed.length === 1 ? { kind: 'single', value: trimmed[0]! } : { kind: 'list', values: trimmed };
}

function parseString(vr: Vr, raw: string): MatchKey {
  // CS has no comma in its repertoire (PS3.5 6.2), so a comma can only be a separator.
  const values = raw.split(vr === 'CS' ? /[\\,]/ : '\\');
  const wild = WILDCARD_VRS.has(vr);
  if (values.length > 1) {
    if (values.some((v) => v === '' || /[*?]/.test(v))) {
      throw new MatchKeyError(`a list of ${vr} values may not contain empty values or wildcards: ${JSON.stringify(raw)}`);
    }
    return { kind: 'list', values };
  }
  if (wild && /[*?]/.test(raw)) {
    // C.2.2.2.4: a value of "*" is equivalent to universal matching.
    if (/^\*+$/.test(raw)) return { kind: 'universal' };
    return { kind: 'wildcard', pattern: raw };
  }
  return { kind: 'single', value: raw };
}

/**
 * Pads a DA, TM or DT value to a fixed-width string so that ranges compare
 * correctly as plain strings (PS3.4 C.2.2.2.5). A value of lower precision
 * stands for the whole interval it names: TM "10" is from "100000.000000"
 * (lower bound) to "105959.999999" (upper bound). DT offsets are ignored:
 * stored values are compared in their own local time.
 */
export function normalizeBound(vr: 'DA' | 'TM' | 'DT', value: string, bound: 'lower' | 'upper'): string {
  const upper = bound === 'upper';
  if (vr === 'DA') return normalizeDate(value, upper);
  if (vr === 'TM') return normalizeTime(value, upper);
  const m = DT.exec(value);
  if (!m) return value;
  const date = normalizeDate(m[1]! + (m[2] ?? '') + (m[3] ?? ''), upper);
  const time = (m[4] ?? '') + (m[5] ?? '') + (m[6] ?? '') + (m[7] !== undefined ? `.${m[7]}` : '');
  return date + normalizeTime(time, upper);
}

function normalizeDate(value: string, upper: boolean): string {
  const digits = value.replace(/\./g, ''); // legacy ACR-NEMA "YYYY.MM.DD"
  if (digits.length >= 8) return digits.slice(0, 8);
  const year = digits.slice(0, 4);
  const month = digits.slice(4, 6) || (upper ? '12' : '01');
  const day = upper ? String(new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate()) : '01';
  return year + month + day.padStart(2, '0');
}

function normalizeTime(value: string, upper: boolean): string {
  const [whole = '', fraction] = value.replace(/:/g, '').split('.');
  const fill = upper ? '59' : '00';
  const hh = whole.slice(0, 2) || (upper ? '23' : '00');
  const mm = whole.slice(2, 4) || fill;
  const ss = whole.slice(4, 6) || fill;
  const frac = fraction === undefined ? (upper ? '999999' : '000000') : fraction.padEnd(6, upper ? '9' : '0');
  return `${hh}${mm}${ss}.${frac.slice(0, 6)}`;
}

/**
 * The inclusive [from, to] interval a single or range key selects on a DA, TM
 * or DT attribute, normalised by `normalizeBound`. A single TM "1010" covers
 * the whole minute; a single DA is one day.
 */
export function rangeBounds(
  vr: 'DA' | 'TM' | 'DT',
  key: Extract<MatchKey, { kind: 'single' | 'range' }>,
): { from?: string; to?: string } {
  const from = key.kind === 'single' ? key.value : key.from;
  const to = key.kind === 'single' ? key.value : key.to;
  return {
    ...(from !== undefined && { from: normalizeBound(vr, from, 'lower') }),
    ...(to !== undefined && { to: normalizeBound(vr, to, 'upper') }),
  };
}
