/**
 * Content negotiation: the Accept header field (RFC 9110 12.5.1) as PS3.18 8.7
 * refines it with the `type` (multipart/related, RFC 2387) and `transfer-syntax`
 * (PS3.18 8.7.3.5.2) parameters.
 *
 * `negotiate()` is generic over offers; `negotiateRetrieve()` builds the offers of a
 * WADO-RS resource from its stored transfer syntax and what the codecs can produce,
 * and answers "as stored, or converted to X, with which Content-Type?".
 */
import { ExplicitVRLittleEndian } from '../../dicom/transfer-syntax.js';
import { formatMediaType, parseMediaType } from './media-type.js';

export interface AcceptRange {
  /** Lower-cased; "*" for wildcards. */
  readonly type: string;
  readonly subtype: string;
  /** Media type parameters (names lower-cased), without "q". */
  readonly params: ReadonlyMap<string, string>;
  /** Weight 0..1 (RFC 9110 12.4.2); 0 means "not acceptable". */
  readonly q: number;
  /** Position in the header, used to break ties between equal weights. */
  readonly order: number;
}

/** One representation the server could send. */
export interface Offer<T> {
  /** Lower-case: "multipart/related", or a single-part type such as "application/dicom+json". */
  readonly mediaType: string;
  /** Multipart offers only: the media type of every part (the `type` parameter). */
  readonly type?: string;
  /** The transfer syntax it is encoded in; undefined when none applies (JSON). */
  readonly transferSyntax?: string;
  /** Served without conversion: preferred when a range says `transfer-syntax=*`. */
  readonly asStored?: boolean;
  /** Also satisfies a range without transfer-syntax (lossy data, PS3.18 8.7.3.4). */
  readonly satisfiesDefault?: boolean;
  readonly value: T;
}

const ANY: AcceptRange = { type: '*', subtype: '*', params: new Map(), q: 1, order: 0 };

/**
 * Parses Accept values (several fields are joined with ",", RFC 9110 5.3). A missing
 * or empty field means any media type (RFC 9110 12.5.1). Invalid elements are
 * ignored (PS3.18 8.4.1.1); a bare "*" (old Java clients) is read as "*\/*".
 */
export function parseAccept(header: string | readonly string[] | undefined): AcceptRange[] {
  const joined = typeof header === 'string' ? header : header?.join(',');
  if (joined === undefined || joined.trim() === '') return [ANY];
  const ranges: AcceptRange[] = [];
  for (const element of splitList(joined)) {
    const text = element === '*' || element.startsWith('*;') ? `*/${element}` : element;
    const mt = parseMediaType(text);
    if (mt === null || (mt.type === '*' && mt.subtype !== '*')) continue;
    const params = new Map(mt.params);
    let q = 1;
    const weight = params.get('q');
    if (weight !== undefined) {
      params.delete('q');
      q = Number(weight);
      if (weight.trim() === '' || !Number.isFinite(q) || q < 0) continue;
      q = Math.min(q, 1);
    }
    ranges.push({ type: mt.type, subtype: mt.subtype, params, q, order: ranges.length });
  }
  return ranges;
}

/** Splits a comma-separated field value, keeping commas inside quoted-strings. */
function splitList(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out.map((e) => e.trim()).filter((e) => e !== '');
}

const TS = '1.2.840.10008.1.2.';

/**
 * Media type of each transfer syntax, default first (PS3.18 Tables 8.7.3-4 and 8.7.3-5,
 * "D" rows first). application/dicom defaults to Explicit VR Little Endian (8.7.3.4).
 */
const PIXEL_MEDIA_TYPES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['application/octet-stream', [ExplicitVRLittleEndian]],
  ['image/jpeg', ['4.70', '4.50', '4.51', '4.57'].map((s) => TS + s)],
  ['image/dicom-rle', [`${TS}5`]],
  ['image/jls', [`${TS}4.80`, `${TS}4.81`]],
  ['image/jp2', [`${TS}4.90`, `${TS}4.91`]],
  ['image/jpx', [`${TS}4.92`, `${TS}4.93`]],
  ['image/jphc', [`${TS}4.201`, `${TS}4.202`, `${TS}4.203`]],
  ['image/jxl', [`${TS}4.110`, `${TS}4.111`, `${TS}4.112`]],
  ['video/mpeg', [`${TS}4.100`, `${TS}4.101`]],
  ['video/mp4', ['4.102', '4.103', '4.104', '4.105', '4.106'].map((s) => TS + s)],
  ['video/h265', [`${TS}4.107`, `${TS}4.108`]],
];
const MEDIA_TYPE_OF = new Map(PIXEL_MEDIA_TYPES.flatMap(([mt, list]) => list.map((ts) => [ts, mt] as const)));
const DEFAULT_TS = new Map<string, string>([
  ['application/dicom', ExplicitVRLittleEndian],
  ...PIXEL_MEDIA_TYPES.map(([mt, list]) => [mt, list[0] as string] as const),
]);
/** Lossy syntaxes: served as stored even when the default was asked for (PS3.18 8.7.3.4). */
const LOSSY = new Set([
  ...['4.50', '4.51', '4.81', '4.91', '4.93', '4.111', '4.112', '4.203'].map((s) => TS + s),
  ...[...MEDIA_TYPE_OF].filter(([, mt]) => mt.startsWith('video/')).map(([ts]) => ts),
]);
/** Implicit VR and Big Endian "shall not be used with Web Services" (PS3.18 8.7.3). */
const NOT_FOR_WEB = new Set(['1.2.840.10008.1.2', `${TS}2`]);
const NATIVE = new Set([...NOT_FOR_WEB, ExplicitVRLittleEndian]);

/** Default transfer syntax of a media type (PS3.18 Tables 8.7.3-2, -4, -5), if it has one. */
export function defaultTransferSyntax(mediaType: string): string | undefined {
  return DEFAULT_TS.get(mediaType.toLowerCase());
}

/** How well `range` names `offer`: -1 if it does not match, higher is more specific. */
function specificity(range: AcceptRange, offer: Offer<unknown>): number {
  const [type, subtype] = offer.mediaType.split('/');
  if (range.type !== '*' && range.type !== type) return -1;
  if (range.subtype !== '*' && range.subtype !== subtype) return -1;
  let score = range.type === '*' ? 0 : range.subtype === '*' ? 100 : 200;
  let partType = offer.mediaType;
  let concrete = range.subtype !== '*';
  if (offer.type !== undefined) {
    partType = offer.type;
    const wanted = range.type === '*' ? undefined : range.params.get('type');
    concrete = false;
    if (wanted !== undefined) {
      const [wt = '', ws = ''] = wanted.toLowerCase().trim().split('/');
      const [pt, ps] = partType.split('/');
      if ((wt !== '*' && wt !== pt) || (ws !== '*' && ws !== ps)) return -1;
      score += wt === '*' ? 0 : ws === '*' ? 10 : 20;
      concrete = ws !== '*';
    }
  }
  if (offer.transferSyntax === undefined) return score;
  const ts = range.params.get('transfer-syntax');
  if (ts === '*') return score + 1;
  if (ts !== undefined) return ts === offer.transferSyntax ? score + 2 : -1;
  // No parameter: a named media type means its default syntax (PS3.18 8.7.8.2);
  // a wildcard range leaves the choice to the server (8.7.8.1 step 4).
  if (!concrete) return score;
  const def = defaultTransferSyntax(partType);
  if (def !== undefined && def !== offer.transferSyntax && offer.satisfiesDefault !== true) return -1;
  return score + 1;
}

/**
 * Whether the range lets the server pick the transfer syntax: `transfer-syntax=*`,
 * or a wildcard with none named. The server then sends the data as stored: no
 * conversion cost, no loss, and the bytes a mirroring peer expects.
 */
function leavesSyntaxToServer(range: AcceptRange, offer: Offer<unknown>): boolean {
  const ts = range.params.get('transfer-syntax');
  if (ts !== undefined) return ts === '*';
  if (range.type === '*' || range.subtype === '*') return true;
  // A named single-part type (application/dicom) means its default syntax (8.7.8.2).
  if (offer.type === undefined) return false;
  const wanted = range.params.get('type');
  return wanted === undefined || wanted.trim().endsWith('/*');
}

/**
 * Picks the offer the client prefers (RFC 9110 12.5.1): each offer takes the weight
 * of its most specific matching range; q=0 excludes it. Highest weight wins, then
 * the earliest range, then (when the range leaves the syntax to the server) an as-stored offer, then the
 * earliest offer — so list offers in server preference, the default first.
 */
export function negotiate<T>(ranges: readonly AcceptRange[], offers: readonly Offer<T>[]): T | null {
  let best: { q: number; order: number; stored: number; value: T } | null = null;
  for (const offer of offers) {
    let match: AcceptRange | undefined;
    let matchScore = -1;
    for (const range of ranges) {
      const score = specificity(range, offer);
      if (score > matchScore || (score === matchScore && match !== undefined && range.q > match.q)) {
        match = range;
        matchScore = score;
      }
    }
    if (match === undefined || match.q <= 0) continue;
    const stored = offer.asStored === true && leavesSyntaxToServer(match, offer) ? 0 : 1;
    const better =
      best === null ||
      match.q > best.q ||
      (match.q === best.q && (match.order < best.order || (match.order === best.order && stored < best.stored)));
    if (better) best = { q: match.q, order: match.order, stored, value: offer.value };
  }
  return best === null ? null : best.value;
}

export type ResourceKind = 'instance' | 'frames' | 'bulkdata' | 'metadata';

export interface RetrieveTarget {
  readonly kind: ResourceKind;
  /** Transfer syntax of the stored data (not used for metadata). For non-pixel
   * bulkdata pass Explicit VR Little Endian. */
  readonly storedTransferSyntax?: string;
  /** Single-part media types allowed: one instance, frame or bulkdata item (PS3.18 10.4.4). */
  readonly singlePart?: boolean;
  /** Can the codecs convert `from` into `to`? Default: native → Explicit VR LE only. */
  readonly canProduce?: (from: string, to: string) => boolean;
}

/** What to send: media type, part type and transfer syntax, and whether to convert. */
export interface Representation {
  readonly mediaType: string;
  readonly partType?: string;
  readonly transferSyntax?: string;
  /** True when the stored data must be converted into `transferSyntax`. */
  readonly transcode: boolean;
}

const nativeOnly = (from: string, to: string): boolean =>
  from === to || (NATIVE.has(from) && to === ExplicitVRLittleEndian);

/** The representations of a WADO-RS resource, in server preference (default first). */
export function retrieveOffers(target: RetrieveTarget): Offer<Representation>[] {
  if (target.kind === 'metadata') {
    // PS3.18 10.4.4: application/dicom+json is the default; application/json for plain clients.
    return ['application/dicom+json', 'application/json'].map((mediaType) => ({
      mediaType,
      value: { mediaType, transcode: false },
    }));
  }
  const stored = target.storedTransferSyntax ?? ExplicitVRLittleEndian;
  const canProduce = target.canProduce ?? nativeOnly;
  const pixels = target.kind !== 'instance';
  // Native frames and bulk data are read out little endian: Explicit VR LE bytes whatever the stored syntax.
  const asIs = pixels && NATIVE.has(stored) ? ExplicitVRLittleEndian : stored;
  const forbidden = NOT_FOR_WEB.has(asIs);
  const candidates = [...MEDIA_TYPE_OF.keys()];
  if (!pixels) candidates.push(`${TS}1.99`);
  const others = candidates.filter((ts) => ts !== asIs && canProduce(stored, ts));
  // Lossy data stays as is (8.7.3.4); otherwise the default syntax comes first (8.7.8.2).
  const ordered = LOSSY.has(asIs)
    ? [asIs, ...others]
    : forbidden
      ? [...others, asIs]
      : [ExplicitVRLittleEndian, asIs, ...others];
  const multipart: Offer<Representation>[] = [];
  const single: Offer<Representation>[] = [];
  for (const ts of new Set(ordered)) {
    if (ts !== asIs && !others.includes(ts)) continue;
    const transcode = ts !== asIs;
    const flags = { asStored: !transcode && !forbidden, satisfiesDefault: !transcode && LOSSY.has(ts) };
    // Compressed frames are also labelled application/octet-stream with their syntax,
    // which is what OHIF asks for (type=application/octet-stream; transfer-syntax=*).
    const partTypes = pixels
      ? new Set([MEDIA_TYPE_OF.get(ts) ?? 'application/octet-stream', 'application/octet-stream'])
      : ['application/dicom'];
    for (const partType of partTypes) {
      const rep = { mediaType: 'multipart/related', partType, transferSyntax: ts, transcode };
      multipart.push({ mediaType: rep.mediaType, type: partType, transferSyntax: ts, ...flags, value: rep });
      if (target.singlePart === true) {
        const value = { mediaType: partType, transferSyntax: ts, transcode };
        single.push({ mediaType: partType, transferSyntax: ts, ...flags, value });
      }
    }
  }
  return [...multipart, ...single];
}

/** negotiate() over retrieveOffers(): null means 406 (see notAcceptableMessage). */
export function negotiateRetrieve(
  ranges: readonly AcceptRange[],
  target: RetrieveTarget,
): Representation | null {
  return negotiate(ranges, retrieveOffers(target));
}

/** Response Content-Type, e.g. multipart/related; type="application/dicom"; transfer-syntax=…; boundary=… */
export function responseContentType(rep: Representation, boundary?: string): string {
  if (rep.partType === undefined) return partContentType(rep);
  return formatMediaType(rep.mediaType, [
    ['type', rep.partType],
    ['transfer-syntax', rep.transferSyntax],
    ['boundary', boundary],
  ]);
}

/** Content-Type of each part (or of a single-part body), always with its transfer syntax. */
export function partContentType(rep: Representation): string {
  return formatMediaType(rep.partType ?? rep.mediaType, [['transfer-syntax', rep.transferSyntax]]);
}

/** The body of a 406 answer: what was asked, and what this resource can be sent as. */
export function notAcceptableMessage(
  accept: string | readonly string[] | undefined,
  offers: readonly Offer<unknown>[],
): string {
  const asked = typeof accept === 'string' ? accept : (accept?.join(', ') ?? '*/*');
  const available = new Set(
    offers.map((o) => {
      const mt = formatMediaType(o.mediaType, [['type', o.type], ['transfer-syntax', o.transferSyntax]]);
      return o.asStored === true ? `${mt} (as stored)` : mt;
    }),
  );
  const list = [...available].join(', ') || 'nothing';
  return `None of the media types in "Accept: ${asked}" can be produced for this resource. Available: ${list}.`;
}
