/**
 * DICOM JSON model checks (PS3.18 Annex F.2).
 */
export type Element = { vr?: string; Value?: unknown[]; InlineBinary?: unknown; BulkDataURI?: unknown };
export type Dataset = Record<string, Element>;

const STRING_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DT', 'LO', 'LT', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
const NUMBER_VRS = new Set(['DS', 'IS', 'FL', 'FD', 'SL', 'SS', 'UL', 'US']);
const BIG_VRS = new Set(['SV', 'UV']);
const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
const ALL_VRS = new Set([...STRING_VRS, ...NUMBER_VRS, ...BIG_VRS, ...BINARY_VRS, 'AT', 'PN', 'SQ']);

export function first(ds: Dataset | undefined, tag: string): unknown {
  return ds?.[tag]?.Value?.[0];
}

export function str(ds: Dataset | undefined, tag: string): string | undefined {
  const v = first(ds, tag);
  return typeof v === 'string' ? v : undefined;
}

/** Alphabetic component group of the first PN value. */
export function pnAlphabetic(ds: Dataset | undefined, tag = '00100010'): string | undefined {
  const v = first(ds, tag) as { Alphabetic?: unknown } | undefined;
  return v && typeof v === 'object' && typeof v.Alphabetic === 'string' ? v.Alphabetic : undefined;
}

/** Every problem found against PS3.18 F.2; empty when the dataset is valid. `where` prefixes messages. */
export function validateDataset(ds: unknown, where = ''): string[] {
  const problems: string[] = [];
  if (ds === null || typeof ds !== 'object' || Array.isArray(ds)) return [`${where}: dataset is not a JSON object`];
  for (const [tag, el] of Object.entries(ds as Record<string, unknown>)) {
    const at = `${where}/${tag}`;
    if (!/^[0-9A-F]{8}$/.test(tag)) problems.push(`${at}: key is not 8 upper-case hex digits (F.2.1.1)`);
    if (el === null || typeof el !== 'object') {
      problems.push(`${at}: element is not an object`);
      continue;
    }
    const e = el as Element;
    const vr = e.vr;
    if (typeof vr !== 'string' || !ALL_VRS.has(vr)) {
      problems.push(`${at}: missing or unknown vr ${JSON.stringify(vr)} (F.2.2)`);
      continue;
    }
    const kinds = ['Value', 'InlineBinary', 'BulkDataURI'].filter((k) => k in e);
    if (kinds.length > 1) problems.push(`${at}: more than one of ${kinds.join(', ')}`);
    if (BINARY_VRS.has(vr)) {
      if ('Value' in e && vr !== 'UN') problems.push(`${at}: binary VR ${vr} carries Value instead of InlineBinary/BulkDataURI (F.2.7)`);
      if ('InlineBinary' in e && (typeof e.InlineBinary !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(e.InlineBinary)))
        problems.push(`${at}: InlineBinary is not base64`);
      if ('BulkDataURI' in e && (typeof e.BulkDataURI !== 'string' || e.BulkDataURI === '')) problems.push(`${at}: BulkDataURI is not a string`);
      continue;
    }
    if ('InlineBinary' in e && vr !== 'UN') problems.push(`${at}: InlineBinary on non-binary VR ${vr}`);
    if (!('Value' in e)) continue;
    if (!Array.isArray(e.Value)) {
      problems.push(`${at}: Value is not an array`);
      continue;
    }
    e.Value.forEach((v, i) => {
      const vat = `${at}[${i}]`;
      if (vr === 'SQ') {
        problems.push(...validateDataset(v, vat));
      } else if (vr === 'PN') {
        if (v === null) return;
        if (typeof v !== 'object' || Array.isArray(v)) {
          problems.push(`${vat}: PN value is not an object with Alphabetic/Ideographic/Phonetic (F.2.2)`);
          return;
        }
        for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
          if (!['Alphabetic', 'Ideographic', 'Phonetic'].includes(k)) problems.push(`${vat}: unknown PN component group ${k}`);
          else if (typeof s !== 'string') problems.push(`${vat}: PN ${k} is not a string`);
        }
      } else if (NUMBER_VRS.has(vr)) {
        if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) problems.push(`${vat}: ${vr} value ${JSON.stringify(v)} is not a JSON number (F.2.3)`);
      } else if (BIG_VRS.has(vr)) {
        if (v !== null && typeof v !== 'number' && !(typeof v === 'string' && /^-?\d+$/.test(v))) problems.push(`${vat}: ${vr} value is neither number nor integer string`);
      } else if (vr === 'AT') {
        if (v !== null && (typeof v !== 'string' || !/^[0-9A-F]{8}$/.test(v))) problems.push(`${vat}: AT value ${JSON.stringify(v)} is not 8 hex digits`);
      } else if (STRING_VRS.has(vr)) {
        if (v !== null && typeof v !== 'string') problems.push(`${vat}: ${vr} value is not a string`);
      }
    });
  }
  return problems;
}

/** All BulkDataURIs in a dataset with the tag path they sit at (`00091010` or `00081115[0]/7FE00010`). */
export function bulkDataUris(ds: Dataset, prefix = ''): { path: string; tag: string; vr: string; uri: string }[] {
  const out: { path: string; tag: string; vr: string; uri: string }[] = [];
  for (const [tag, e] of Object.entries(ds)) {
    const path = prefix ? `${prefix}/${tag}` : tag;
    if (typeof e.BulkDataURI === 'string') out.push({ path, tag, vr: e.vr ?? '', uri: e.BulkDataURI });
    if (e.vr === 'SQ' && Array.isArray(e.Value))
      e.Value.forEach((item, i) => out.push(...bulkDataUris(item as Dataset, `${path}[${i}]`)));
  }
  return out;
}
