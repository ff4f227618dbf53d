import { VOI_FUNCTIONS, type VoiFunction, type VoiWindow } from '../../codecs/render/voi-lut.js';
import type { Viewport } from '../../codecs/render/viewport.js';
import { errors } from '../errors.js';

/** The query of a rendered or thumbnail request (PS3.18 8.3.5.1), checked. */
export interface RenderedQuery {
  readonly window?: VoiWindow;
  readonly viewport?: Viewport;
  readonly quality?: number;
  /** The `accept` query parameter (PS3.18 8.3.3.1): when present it replaces the Accept header. */
  readonly accept?: string;
  /** Warnings for parameters understood but not applied (sent as a Warning header). */
  readonly notApplied: readonly string[];
}

export type RawQuery = Record<string, string | string[] | undefined>;

/**
 * A viewport beyond this many pixels a side is refused: a 4096x4096 RGB
 * output is already 50 MB of raw pixels, and any display fits in it.
 */
export const MAX_VIEWPORT = 4096;

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

const bad = (name: string, detail: string) => errors.badQuery(`${name}: ${detail}`);

function single(query: RawQuery, name: string): string | undefined {
  const v = query[name];
  if (Array.isArray(v)) throw bad(name, 'given more than once');
  return v;
}

/** window=center,width[,function] (PS3.18 8.3.5.1.4); the function defaults to LINEAR. */
function parseWindow(raw: string): VoiWindow {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.length < 2 || parts.length > 3 || !DECIMAL.test(parts[0]!) || !DECIMAL.test(parts[1]!)) {
    throw bad('window', `expected center,width,function with decimal center and width, got "${raw.slice(0, 64)}"`);
  }
  const named = (parts[2] ?? 'LINEAR').toUpperCase();
  const fn = VOI_FUNCTIONS.find((f): f is VoiFunction => f === named);
  if (!fn) throw bad('window', `the function must be one of ${VOI_FUNCTIONS.join(', ')}, got "${parts[2]!.slice(0, 32)}"`);
  const center = Number(parts[0]);
  const width = Number(parts[1]);
  // PS3.3 C.11.2.1.2: LINEAR needs a width of at least 1, LINEAR_EXACT and SIGMOID a positive one.
  if (fn === 'LINEAR' ? !(width >= 1) : !(width > 0)) {
    throw bad('window', `the width must be ${fn === 'LINEAR' ? 'at least 1' : 'positive'} for ${fn}, got ${parts[1]}`);
  }
  return { center, width, fn };
}

const VIEWPORT_VALUES: ReadonlyArray<{ name: keyof Viewport; valid: (n: number) => boolean; rule: string }> = [
  { name: 'vw', valid: (n) => n >= 1 && n <= MAX_VIEWPORT, rule: `an integer from 1 to ${MAX_VIEWPORT}` },
  { name: 'vh', valid: (n) => n >= 1 && n <= MAX_VIEWPORT, rule: `an integer from 1 to ${MAX_VIEWPORT}` },
  { name: 'sx', valid: (n) => n >= 0, rule: 'a non-negative integer' },
  { name: 'sy', valid: (n) => n >= 0, rule: 'a non-negative integer' },
  { name: 'sw', valid: (n) => n !== 0, rule: 'a non-zero integer' },
  { name: 'sh', valid: (n) => n !== 0, rule: 'a non-zero integer' },
];

/** viewport=vw,vh[,sx,sy,sw,sh] (PS3.18 8.3.5.1.3); empty source values take their defaults. */
function parseViewport(raw: string): Viewport {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.length !== 2 && parts.length !== 6) {
    throw bad('viewport', `expected vw,vh or vw,vh,sx,sy,sw,sh, got "${raw.slice(0, 64)}"`);
  }
  const values: Partial<Record<keyof Viewport, number>> = {};
  VIEWPORT_VALUES.forEach(({ name, valid, rule }, i) => {
    const text = parts[i] ?? '';
    if (text === '' && i >= 2) return;
    if (!INTEGER.test(text) || !valid(Number(text))) throw bad('viewport', `${name} must be ${rule}, got "${text.slice(0, 16)}"`);
    values[name] = Number(text);
  });
  // vw and vh were checked above: they are always there.
  return values as Viewport;
}

function parseQuality(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1 || n > 100) throw bad('quality', `must be an integer from 1 to 100, got "${raw.slice(0, 16)}"`);
  return n;
}

/** Checks a comma list against its defined terms; the terms are valid but atrium does not apply them. */
function checkTerms(name: string, raw: string, terms: readonly string[]): void {
  for (const term of raw.split(',').map((t) => t.trim().toLowerCase())) {
    if (!terms.includes(term)) throw bad(name, `"${term.slice(0, 32)}" is not one of ${terms.join(', ')}`);
  }
}

const ANNOTATIONS = ['patient', 'technique'];
const ICC_PROFILES = ['no', 'yes', 'srgb', 'adobergb', 'rommrgb', 'displayp3'];

/**
 * The rendered query parameters. `annotation` is checked and then ignored
 * (burning in demographics is optional for the origin server, 8.3.5.1.1), as
 * is an `iccprofile` other than "no"; both are reported in a Warning.
 * Parameters PS3.18 does not define for rendering are ignored (8.3).
 */
export function parseRenderedQuery(query: RawQuery): RenderedQuery {
  const notApplied: string[] = [];
  const window = single(query, 'window');
  const viewport = single(query, 'viewport');
  const quality = single(query, 'quality');
  const annotation = single(query, 'annotation');
  if (annotation !== undefined) {
    checkTerms('annotation', annotation, ANNOTATIONS);
    notApplied.push('annotation: the rendered images carry no burned-in annotation');
  }
  const icc = single(query, 'iccprofile');
  if (icc !== undefined) {
    checkTerms('iccprofile', icc, ICC_PROFILES);
    if (icc.trim().toLowerCase() !== 'no') notApplied.push('iccprofile: no ICC profile is embedded');
  }
  return {
    window: window === undefined ? undefined : parseWindow(window),
    viewport: viewport === undefined ? undefined : parseViewport(viewport),
    quality: quality === undefined ? undefined : parseQuality(quality),
    accept: single(query, 'accept'),
    notApplied,
  };
}

/**
 * The thumbnail query (PS3.18 10.4.1.1.4): only viewport (and accept) apply;
 * the origin server picks the rendering, so other parameters are ignored.
 */
export function parseThumbnailQuery(query: RawQuery): RenderedQuery {
  const viewport = single(query, 'viewport');
  return {
    viewport: viewport === undefined ? undefined : parseViewport(viewport),
    accept: single(query, 'accept'),
    notApplied: [],
  };
}
