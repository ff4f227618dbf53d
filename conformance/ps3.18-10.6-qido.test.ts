/**
 * PS3.18 10.6 Search Transaction (QIDO-RS), PS3.4 C.2.2.2 matching, PS3.18 8.3.4
 * query parameters.
 *
 * Data: files/pydicom/dicomdirtests (2 patients, 3 studies, 5 series, 14 instances)
 * and some Specific Character Set files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { first, pnAlphabetic, validateDataset, type Dataset } from './harness/dicomjson.js';
import { qido, uids } from './harness/qido.js';
import { seed } from './harness/stow.js';
import { startTarget, type Target } from './harness/target.js';
import { CANONICAL, canonical } from './harness/testdata.js';

let t: Target;
let seedFailures: string[] = [];
const HIER = CANONICAL.filter((r) => r.file.startsWith('files/pydicom/dicomdirtests/'));
const CHARSET = {
  korean: canonical('files/pydicom/charset/chrI2.dcm'), // ISO 2022 IR 149
  japanese: canonical('files/pydicom/charset/chrJapMultiExplicitIR6.dcm'), // ISO 2022 IR 87
  russian: canonical('files/pydicom/charset/chrRuss.dcm'), // ISO_IR 144
  german: canonical('files/pydicom/charset/chrGerm.dcm'), // ISO_IR 100
  chinese: canonical('files/pydicom/charset/chrX1.dcm'), // ISO_IR 192
};

// Patient 77654033 (Doe^Archibald): study A = 3 CR series x 1 instance, 20010101;
// study B = 1 CT series x 4 instances, 19950903. Patient 98890234 (Doe^Peter): study C
// = CT series "Scout" (2) + "SmartScore" (5), 20010101.
const A = '1.3.6.1.4.1.5962.1.1.0.0.0.1196527414.5534.0.1';
const B = '1.3.6.1.4.1.5962.1.1.0.0.0.1196530851.28319.0.1';
const C = '1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.1';
const C_SCOUT = '1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.2';
const C_SMART = '1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.6';

// Other canonical files share these studies (two highdicom SEGs reference study B);
// they are stored too, so the expected counts hold on a shared server as well.
const STUDY_ROWS = CANONICAL.filter((r) => [A, B, C].includes(r.studyUid));

function expectedCounts(study: string): { series: number; instances: number; modalities: string[] } {
  const rows = STUDY_ROWS.filter((r) => r.studyUid === study);
  return {
    series: new Set(rows.map((r) => r.seriesUid)).size,
    instances: rows.length,
    modalities: [...new Set(rows.map((r) => r.modality))].sort(),
  };
}

/** PN groups without trailing empty components/groups (PS3.5 6.2.1: they are not significant). */
function normalizePn(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, string> = {};
  for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
    const trimmed = typeof s === 'string' ? s.replace(/\^+$/, '') : s;
    if (trimmed !== '') out[k] = trimmed as string;
  }
  return out;
}

beforeAll(async () => {
  t = await startTarget();
  expect(HIER).toHaveLength(14);
  seedFailures = await seed(t.root, [...STUDY_ROWS, ...Object.values(CHARSET)]);
});
afterAll(async () => {
  await t?.stop();
});

it('test data is stored (PS3.18 10.5)', () => {
  expect(seedFailures).toEqual([]);
});

const enc = encodeURIComponent;
const STUDY = '0020000D';
const SERIES = '0020000E';
const SOP = '00080018';

function expectValid(list: readonly Dataset[]): void {
  list.forEach((d, i) => expect(validateDataset(d, `result[${i}]`)).toEqual([]));
}

describe('PS3.18 10.6.1: resources', () => {
  it('/studies: 200 application/dicom+json, valid DICOM JSON', async () => {
    const r = await qido(t.root, '/studies', 'PatientID=77654033');
    expect(r.status).toBe(200);
    expect(r.res.headers['content-type']).toMatch(/^application\/dicom\+json\b/);
    expect(uids(r.list, STUDY)).toEqual([A, B].sort());
    expectValid(r.list);
  });

  it('/series: all series of a patient', async () => {
    const r = await qido(t.root, '/series', 'PatientID=98890234');
    expect(r.status).toBe(200);
    expect(uids(r.list, SERIES)).toEqual([C_SCOUT, C_SMART].sort());
    expectValid(r.list);
  });

  it('/instances: by SOPInstanceUID', async () => {
    const x = HIER[0]!;
    const r = await qido(t.root, '/instances', `SOPInstanceUID=${x.sopUid}`);
    expect(uids(r.list, SOP)).toEqual([x.sopUid]);
    expect(first(r.list[0], STUDY)).toBe(x.studyUid);
    expect(first(r.list[0], SERIES)).toBe(x.seriesUid);
    expectValid(r.list);
  });

  it('/studies/{s}/series', async () => {
    const r = await qido(t.root, `/studies/${A}/series`);
    expect(r.status).toBe(200);
    expect(r.list).toHaveLength(3);
    expect(new Set(r.list.map((d) => first(d, '00080060')))).toEqual(new Set(['CR']));
  });

  it('/studies/{s}/instances', async () => {
    const r = await qido(t.root, `/studies/${C}/instances`);
    expect(uids(r.list, SOP)).toEqual(STUDY_ROWS.filter((x) => x.studyUid === C).map((x) => x.sopUid).sort());
  });

  it('/studies/{s}/series/{se}/instances', async () => {
    const r = await qido(t.root, `/studies/${C}/series/${C_SMART}/instances`);
    expect(uids(r.list, SOP)).toEqual(HIER.filter((x) => x.seriesUid === C_SMART).map((x) => x.sopUid).sort());
  });
});

describe('PS3.18 10.6.3 tables 10.6.3-3/-4: computed attributes equal what was stored', () => {
  it('NumberOfStudyRelatedSeries/Instances and ModalitiesInStudy on /studies', async () => {
    const r = await qido(t.root, '/studies', `StudyInstanceUID=${A},${B},${C}`);
    const byUid = new Map(r.list.map((d) => [first(d, STUDY), d]));
    for (const uid of [A, B, C]) {
      const { series, instances, modalities } = expectedCounts(uid);
      const d = byUid.get(uid);
      expect(d, `study ${uid}`).toBeDefined();
      expect(first(d, '00201206'), `NumberOfStudyRelatedSeries of ${uid}`).toBe(series);
      expect(first(d, '00201208'), `NumberOfStudyRelatedInstances of ${uid}`).toBe(instances);
      expect((d?.['00080061']?.Value ?? []).slice().sort(), `ModalitiesInStudy of ${uid}`).toEqual(modalities);
    }
  });

  it('NumberOfSeriesRelatedInstances on /studies/{s}/series', async () => {
    const r = await qido(t.root, `/studies/${C}/series`);
    const byUid = new Map(r.list.map((d) => [first(d, SERIES), d]));
    expect(first(byUid.get(C_SCOUT), '00201209')).toBe(2);
    expect(first(byUid.get(C_SMART), '00201209')).toBe(5);
  });
});

describe('PS3.4 C.2.2.2: matching', () => {
  it('PatientName as a PN object {"Alphabetic": ...} (PS3.18 F.2.2)', async () => {
    const r = await qido(t.root, '/studies', `StudyInstanceUID=${C}`);
    expect(r.list[0]?.['00100010']?.Value?.[0]).toEqual({ Alphabetic: 'Doe^Peter' });
  });

  it('wildcard * (C.2.2.2.4)', async () => {
    const r = await qido(t.root, '/studies', 'PatientName=Doe*');
    expect(uids(r.list, STUDY)).toEqual(expect.arrayContaining([A, B, C]));
    const r2 = await qido(t.root, '/studies', 'PatientName=Doe^Arch*');
    expect(uids(r2.list, STUDY)).toEqual([A, B].sort());
  });

  it('wildcard ? matches exactly one character', async () => {
    const r = await qido(t.root, '/studies', 'PatientName=Doe^Pete?');
    expect(uids(r.list, STUDY)).toEqual([C]);
    const none = await qido(t.root, '/studies', 'PatientName=Doe^Pet?');
    expect(uids(none.list, STUDY)).toEqual([]);
  });

  it('single value matching on PatientID, keyword or tag as the key', async () => {
    const byKeyword = await qido(t.root, '/studies', 'PatientID=98890234');
    const byTag = await qido(t.root, '/studies', '00100020=98890234');
    expect(uids(byKeyword.list, STUDY)).toEqual([C]);
    expect(uids(byTag.list, STUDY)).toEqual([C]);
  });

  it('percent-encoded values (Orthanc encodes *, ^ and ,)', async () => {
    const r = await qido(t.root, '/studies', 'PatientName=Doe%5EPete%2A');
    expect(uids(r.list, STUDY)).toEqual([C]);
    const list = await qido(t.root, '/studies', `StudyInstanceUID=${A}%2C${C}`);
    expect(uids(list.list, STUDY)).toEqual([A, C].sort());
  });

  it('UID list matching, comma separated (PS3.18 8.3.4.1)', async () => {
    const r = await qido(t.root, '/studies', `StudyInstanceUID=${A},${C}`);
    expect(uids(r.list, STUDY)).toEqual([A, C].sort());
  });

  it('UID list matching, backslash separated (PS3.4 C.2.2.2.2, OHIF)', async () => {
    const r = await qido(t.root, '/studies', `StudyInstanceUID=${A}%5C${B}`);
    expect(uids(r.list, STUDY)).toEqual([A, B].sort());
  });

  it('date range, closed', async () => {
    const r = await qido(t.root, '/studies', 'PatientID=77654033&StudyDate=19950101-19951231');
    expect(uids(r.list, STUDY)).toEqual([B]);
  });

  it('date range open at the start (-YYYYMMDD)', async () => {
    const r = await qido(t.root, '/studies', 'PatientID=77654033&StudyDate=-19960101');
    expect(uids(r.list, STUDY)).toEqual([B]);
  });

  it('date range open at the end (YYYYMMDD-)', async () => {
    const r = await qido(t.root, '/studies', 'PatientID=77654033&StudyDate=20000101-');
    expect(uids(r.list, STUDY)).toEqual([A]);
  });

  it('single date and inclusive range bounds', async () => {
    const r = await qido(t.root, '/studies', 'PatientID=77654033&StudyDate=19950903');
    expect(uids(r.list, STUDY)).toEqual([B]);
    const r2 = await qido(t.root, '/studies', 'PatientID=77654033&StudyDate=19950903-20010101');
    expect(uids(r2.list, STUDY)).toEqual([A, B].sort());
  });

  it('ModalitiesInStudy', async () => {
    const ct = await qido(t.root, '/studies', 'PatientID=77654033&ModalitiesInStudy=CT');
    expect(uids(ct.list, STUDY)).toEqual([B]);
    const cr = await qido(t.root, '/studies', 'PatientID=77654033&ModalitiesInStudy=CR');
    expect(uids(cr.list, STUDY)).toEqual([A]);
  });

  it('series-level attribute on /studies/{s}/series (SeriesDescription wildcard)', async () => {
    const r = await qido(t.root, `/studies/${C}/series`, 'SeriesDescription=Smart*');
    expect(uids(r.list, SERIES)).toEqual([C_SMART]);
  });

  it('fuzzymatching=true on PN is at least case-insensitive (PS3.4 C.2.2.2.1: semantics are the server\'s own)', async () => {
    const r = await qido(t.root, '/studies', 'fuzzymatching=true&PatientName=doe%5Epeter');
    expect(uids(r.list, STUDY)).toEqual([C]);
  });

  // PS3.4 C.2.2.2.1 lets literal PN matching be case-sensitive or not, so only the
  // exact spelling is required to match here.
  it('fuzzymatching=false is accepted and literal PN matching still works', async () => {
    const r = await qido(t.root, '/studies', 'fuzzymatching=false&PatientName=Doe%5EPeter');
    expect(uids(r.list, STUDY)).toEqual([C]);
  });

  it('OHIF study list query shape', async () => {
    const q =
      'PatientName=&00100020=98890234&AccessionNumber=&StudyDescription=&ModalitiesInStudy=&StudyDate=19000101-20991231' +
      '&limit=101&offset=0&fuzzymatching=false&includefield=00081030%2C00080060';
    const r = await qido(t.root, '/studies', q);
    expect(r.status).toBe(200);
    expect(uids(r.list, STUDY)).toEqual([C]);
  });
});

describe('PS3.18 8.3.4.3: includefield', () => {
  it('comma-separated list', async () => {
    const r = await qido(t.root, '/studies', `StudyInstanceUID=${C}&includefield=00100040,PatientBirthDate`);
    expect(first(r.list[0], '00100040')).toBe('M');
    expect(r.list[0]).toHaveProperty('00100030');
  });

  it('repeated parameter', async () => {
    const r = await qido(t.root, '/studies', `StudyInstanceUID=${C}&includefield=PatientSex&includefield=00100030`);
    expect(first(r.list[0], '00100040')).toBe('M');
    expect(r.list[0]).toHaveProperty('00100030');
  });

  it('includefield=all', async () => {
    const r = await qido(t.root, '/studies', `StudyInstanceUID=${C}&includefield=all`);
    expect(first(r.list[0], '00100040')).toBe('M');
  });

  it('includefield naming a series-level attribute on /studies does not add it (10.6.3.3: "shall not be returned")', async () => {
    const r = await qido(t.root, '/studies', `StudyInstanceUID=${C}&includefield=0008103E`);
    expect(r.list).toHaveLength(1);
    expect(r.list[0]).not.toHaveProperty('0008103E');
  });
});

describe('PS3.18 8.3.4.4: limit and offset', () => {
  it('pages cover every match once, in a stable order', async () => {
    const all = await qido(t.root, `/studies/${C}/instances`);
    expect(all.list).toHaveLength(7);
    const seen: string[] = [];
    for (let offset = 0; offset < 7; offset += 3) {
      const page = await qido(t.root, `/studies/${C}/instances`, `limit=3&offset=${offset}`);
      expect(page.status).toBe(200);
      expect(page.list.length).toBe(Math.min(3, 7 - offset));
      seen.push(...page.list.map((d) => String(first(d, SOP))));
    }
    expect(seen.slice().sort()).toEqual(uids(all.list, SOP));
    const again = await qido(t.root, `/studies/${C}/instances`, 'limit=3&offset=0');
    expect(again.list.map((d) => first(d, SOP))).toEqual(seen.slice(0, 3));
  });

  it('a truncated result carries a Warning header (8.3.4.4.1: 299 with the reason)', async () => {
    const r = await qido(t.root, `/studies/${C}/instances`, 'limit=2');
    expect(r.list).toHaveLength(2);
    expect(r.res.headers['warning'] ?? '', 'Warning header').toMatch(/^299 \S+:? .*\S/);
    expect(r.res.headers['warning']).toMatch(/additional results|remaining|more results/i);
  });

  it('no Warning when nothing was left out', async () => {
    const r = await qido(t.root, `/studies/${C}/instances`, 'limit=7');
    expect(r.list).toHaveLength(7);
    expect(r.res.headers['warning']).toBeUndefined();
  });

  it('offset past the end: an empty result', async () => {
    const r = await qido(t.root, `/studies/${C}/instances`, 'offset=100');
    expect(r.status).toBe(200);
    expect(r.list).toEqual([]);
  });
});

describe('PS3.18 10.6.3.1: empty results', () => {
  // Earlier editions (e.g. 8.3.4.4.1 in 2024d) answered no match with 204 No Content;
  // the current edition uses 200 with an empty payload ("in previous releases of the
  // Standard, a 204 (No Content) response was specified when there were no matches"),
  // consistent with RFC 9110. The current text is what this suite checks.
  it('no match: 200 with []', async () => {
    const r = await qido(t.root, '/studies', 'PatientID=NO-SUCH-PATIENT-4711');
    expect(r.status).toBe(200);
    expect(r.res.json()).toEqual([]);
  });
});

describe('PS3.18 8.3.4 / 10.6.1.2: bad requests', () => {
  it('unsupported parameter: ignored, the search runs as if it were absent (8.3)', async () => {
    const r = await qido(t.root, '/studies', 'NoSuchAttributeKeyword=1');
    expect(r.status).toBe(200);
    const all = await qido(t.root, '/studies');
    expect(r.list.length).toBeGreaterThan(0);
    expect(uids(r.list, '0020000D').sort()).toEqual(uids(all.list, '0020000D').sort());
  });

  it('malformed date: 400', async () => {
    const r = await qido(t.root, '/studies', 'StudyDate=2001-13-45x');
    expect(r.status).toBe(400);
    expect(r.res.text()).toMatch(/StudyDate|00080020/);
  });

  it('malformed limit: 400', async () => {
    const r = await qido(t.root, '/studies', 'limit=-5');
    expect(r.status).toBe(400);
  });
});

describe('PS3.5 6.1 / PS3.18 F.2: Specific Character Set', () => {
  const cases: [string, (typeof CHARSET)[keyof typeof CHARSET], Record<string, string>, string][] = [
    ['Korean, ISO 2022 IR 149', CHARSET.korean, { Alphabetic: 'Hong^Gildong', Ideographic: '洪^吉洞', Phonetic: '홍^길동' }, '홍^길동'],
    ['Japanese, ISO 2022 IR 87', CHARSET.japanese, { Alphabetic: 'やまだ^たろう' }, 'やまだ*'],
    ['Cyrillic, ISO_IR 144', CHARSET.russian, { Alphabetic: 'Люкceмбypг' }, 'Люкceмбypг'],
    ['Latin-1, ISO_IR 100', CHARSET.german, { Alphabetic: 'Äneas^Rüdiger' }, 'Äneas^Rüdiger'],
    ['UTF-8, ISO_IR 192', CHARSET.chinese, { Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小東' }, '王^小東'],
  ];
  for (const [name, file, pn, query] of cases) {
    it(`${name}: name comes back as UTF-8`, async () => {
      const r = await qido(t.root, '/studies', `StudyInstanceUID=${file.studyUid}`);
      expect(r.list).toHaveLength(1);
      expect(normalizePn(r.list[0]?.['00100010']?.Value?.[0])).toEqual(pn);
    });
    it(`${name}: matches when queried with non-ASCII text`, async () => {
      const r = await qido(t.root, '/studies', `PatientName=${enc(query)}`);
      expect(uids(r.list, STUDY)).toContain(file.studyUid);
    });
  }

  it('Alphabetic accessor sanity (guards the helper)', async () => {
    const r = await qido(t.root, '/studies', `StudyInstanceUID=${A}`);
    expect(pnAlphabetic(r.list[0])).toBe('Doe^Archibald');
  });
});
