/**
 * The PS3.6 data dictionary: tag ⇄ keyword, VR and VM of every standard
 * attribute, taken from dcmjs's packed copy of PS3.6 and indexed into Maps on
 * first use (importing this module costs nothing until a lookup is made).
 */
import { createRequire } from 'node:module';
import type { Tag, Vr } from './json-model.js';

export interface DictionaryEntry {
  tag: Tag;
  keyword: string;
  vr: Vr;
  vrs: readonly Vr[];
  vm: string;
  retired: boolean;
}

/** The part of dcmjs's DicomMetaDictionary.nameMap entries we read. */
interface DcmjsEntry {
  tag: string;
  vr: string;
  vm: string;
  name: string;
}

interface Index {
  byTag: Map<Tag, DictionaryEntry>;
  byKeyword: Map<string, Tag>;
  /** Entries of repeating groups (PS3.5 7.6) resolved for a concrete group. */
  repeated: Map<Tag, DictionaryEntry>;
}

/**
 * dcmjs (like DCMTK) writes PS3.6's multi-VR cells as lower-case codes:
 * 'ox' = "OB or OW", 'xs' = "US or SS", 'lt' = "US or SS or OW" (LUT data),
 * 'up' = UL holding a file offset (PS3.3 F.3.2.1). 'na' marks the item and
 * delimitation tags (FFFE,E000/E00D/E0DD), which PS3.5 7.5 gives no VR: they are
 * not data elements and are left out.
 */
const MULTI_VR: Readonly<Record<string, readonly Vr[]>> = {
  ox: ['OB', 'OW'],
  xs: ['US', 'SS'],
  lt: ['US', 'SS', 'OW'],
  up: ['UL'],
};

/** Cells where PS3.6 is narrower than dcmjs's shared code. */
const VR_OVERRIDES: Readonly<Record<Tag, readonly Vr[]>> = {
  '00283006': ['US', 'OW'], // LUT Data: "US or OW"
};

const SINGLE_VRS = new Set<string>([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'OB', 'OD',
  'OF', 'OL', 'OV', 'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI',
  'UL', 'UN', 'UR', 'US', 'UT', 'UV',
]);

const RETIRED_PREFIX = 'RETIRED_';
const PAREN_TAG = /^\(([0-9A-F]{4}),([0-9A-F]{4})\)$/;
const HEX_TAG = /^[0-9A-Fa-f]{8}$/;
const PAREN_TAG_INPUT = /^\(?([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})\)?$/;

let index: Index | undefined;

function loadDcmjsEntries(): DcmjsEntry[] {
  // createRequire keeps this module cheap to import (dcmjs parses ~60 ms) and
  // needs no type declarations for the untyped dcmjs package.
  const require = createRequire(import.meta.url);
  const dcmjs = require('dcmjs') as {
    data: { DicomMetaDictionary: { nameMap: Record<string, DcmjsEntry> } };
  };
  return Object.values(dcmjs.data.DicomMetaDictionary.nameMap);
}

function vrsOf(tag: Tag, code: string): readonly Vr[] | undefined {
  const override = VR_OVERRIDES[tag];
  if (override) return override;
  if (SINGLE_VRS.has(code)) return [code as Vr];
  return MULTI_VR[code];
}

function buildIndex(): Index {
  const byTag = new Map<Tag, DictionaryEntry>();
  const byKeyword = new Map<string, Tag>();
  for (const e of loadDcmjsEntries()) {
    const m = PAREN_TAG.exec(e.tag);
    if (!m) continue;
    const tag = `${m[1]}${m[2]}`;
    const vrs = vrsOf(tag, e.vr);
    if (!vrs || vrs.length === 0) continue;
    const retired = e.name.startsWith(RETIRED_PREFIX);
    let keyword = retired ? e.name.slice(RETIRED_PREFIX.length) : e.name;
    if (keyword === 'undefined') keyword = ''; // dcmjs has one nameless retired entry
    const entry: DictionaryEntry = Object.freeze({
      tag,
      keyword,
      vr: vrs[0] as Vr,
      vrs: Object.freeze([...vrs]),
      vm: e.vm,
      retired,
    });
    byTag.set(tag, entry);
    if (keyword === '') continue;
    // PS3.6 keywords are unique; should a retired one ever collide, the current wins.
    const previous = byKeyword.get(keyword);
    if (previous === undefined || byTag.get(previous)?.retired) byKeyword.set(keyword, tag);
  }
  return { byTag, byKeyword, repeated: new Map() };
}

function getIndex(): Index {
  index ??= buildIndex();
  return index;
}

/**
 * PS3.5 7.6: curves (50xx), overlays (60xx) and variable pixel data (7Fxx) repeat
 * in the even groups of their block; PS3.6 lists them once, under the block's
 * first group.
 */
function repeatingBase(group: number): number | undefined {
  if ((group & 1) !== 0) return undefined;
  const block = group & 0xff00;
  return block === 0x5000 || block === 0x6000 || block === 0x7f00 ? block : undefined;
}

const PRIVATE_CREATOR_VRS: readonly Vr[] = Object.freeze(['LO']);
const GROUP_LENGTH_VRS: readonly Vr[] = Object.freeze(['UL']);

export function lookupTag(tag: Tag): DictionaryEntry | undefined {
  const t = tag.toUpperCase();
  if (!HEX_TAG.test(t)) return undefined;
  const idx = getIndex();
  const exact = idx.byTag.get(t);
  if (exact) return exact;
  const cached = idx.repeated.get(t);
  if (cached) return cached;

  const group = parseInt(t.slice(0, 4), 16);
  const element = parseInt(t.slice(4), 16);
  if (element === 0) {
    // PS3.5 7.2: every group may carry a Group Length (gggg,0000), always UL;
    // retired except for groups 0000 and 0002, which the dictionary lists.
    return { tag: t, keyword: 'GenericGroupLength', vr: 'UL', vrs: GROUP_LENGTH_VRS, vm: '1', retired: true };
  }
  if ((group & 1) === 1) {
    // PS3.5 7.8.1: in a private (odd) group, (gggg,0010-00FF) reserve blocks and
    // are Private Creator Data Elements, LO. Other private elements are unknown.
    if (element < 0x10 || element > 0xff) return undefined;
    return { tag: t, keyword: 'PrivateCreator', vr: 'LO', vrs: PRIVATE_CREATOR_VRS, vm: '1', retired: false };
  }
  const base = repeatingBase(group);
  if (base === undefined) return undefined;
  const baseEntry = idx.byTag.get(base.toString(16).toUpperCase() + t.slice(4));
  if (!baseEntry) return undefined;
  // Bounded: at most 128 even groups per block times the block's entries.
  const entry = Object.freeze({ ...baseEntry, tag: t });
  idx.repeated.set(t, entry);
  return entry;
}

/** 'PatientName' → '00100010'. Repeating-group keywords give the block's first group. */
export function tagForKeyword(keyword: string): Tag | undefined {
  return getIndex().byKeyword.get(keyword);
}

/**
 * A QIDO-RS attribute (PS3.18 8.3.4.1: keyword or tag), as used in query keys
 * and includefield: 'PatientName', '00100010', '0010001a', also '(0010,0010)'.
 * Tags need not be in the dictionary (private tags are valid keys).
 */
export function parseTagOrKeyword(s: string): Tag | undefined {
  const v = s.trim();
  if (HEX_TAG.test(v)) return v.toUpperCase();
  const m = PAREN_TAG_INPUT.exec(v);
  if (m) return `${m[1]}${m[2]}`.toUpperCase();
  return tagForKeyword(v);
}
