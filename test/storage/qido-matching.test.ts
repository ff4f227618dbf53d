import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vr } from '../../src/dicom/json-model.js';
import { MatchKeyError } from '../../src/dicom/match-key.js';
import type { IndexStore, QidoQuery } from '../../src/storage/index-store.js';
import { MR_IMAGE, STORES, TENANT_A, TENANT_B, instance, qido, studyUids, value } from './fixtures.js';

/**
 * PS3.4 C.2.2.2 matching through IndexStore.query, against a small fixed
 * archive. Study n has UID '1.n'.
 */
const STUDIES = [
  { n: 1, patientName: 'Doe^John', patientId: 'PID-1', studyDate: '20200115', studyTime: '083000', accession: 'A[1]' },
  { n: 2, patientName: 'DOE^JANE', patientId: 'PID-2', studyDate: '20200601', studyTime: '101500.25', accession: 'A%2' },
  { n: 3, patientName: 'Smith^John', patientId: 'pid-3', studyDate: '20210301', studyTime: '23', accession: 'A_3' },
  {
    n: 4,
    patientName: { Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' },
    patientId: 'PID-4',
    studyDate: '20211231',
    accession: 'A4*',
  },
  { n: 5, patientName: 'Müller^Jürgen', patientId: 'PID-5', accession: 'B5' },
] as const;

for (const { name, open } of STORES) {
  describe(`${name}: QIDO matching (PS3.4 C.2.2.2)`, () => {
    let store: IndexStore;

    beforeAll(() => {
      store = open();
      for (const s of STUDIES) {
        const { n, ...attrs } = s;
        store.putInstance(
          instance({
            ...attrs,
            study: `1.${n}`,
            series: `1.${n}.1`,
            sop: `1.${n}.1.1`,
            modality: 'CT',
            seriesNumber: 1,
            instanceNumber: 1,
            studyDescription: `Study ${n}`,
          }),
          'reject',
        );
      }
      store.putInstance(
        instance({ study: '1.2', series: '1.2.2', sop: '1.2.2.1', modality: 'MR', sopClass: MR_IMAGE, seriesNumber: 2 }),
        'reject',
      );
      // The same UIDs in another tenant, with other attributes: must never show up in TENANT_A.
      store.putInstance(
        instance({ tenant: TENANT_B, study: '1.1', series: '1.1.1', sop: '1.1.1.1', patientName: 'Other^Tenant', modality: 'US' }),
        'reject',
      );
    });
    afterAll(() => store.close());

    const find = (keys: Record<string, [Vr, string]>, options: Partial<QidoQuery> = {}) =>
      studyUids(store.query(qido('study', keys, options)).matches).sort();

    it('C.2.2.2.3 universal: every study of the tenant', () => {
      expect(find({})).toEqual(['1.1', '1.2', '1.3', '1.4', '1.5']);
      expect(find({ '00100010': ['PN', ''] })).toHaveLength(5);
      expect(find({ '00100010': ['PN', '*'] })).toHaveLength(5);
    });

    describe('C.2.2.2.1 single value', () => {
      it('is exact and case-sensitive for text', () => {
        expect(find({ '00100020': ['LO', 'PID-1'] })).toEqual(['1.1']);
        expect(find({ '00100020': ['LO', 'pid-1'] })).toEqual([]);
        expect(find({ '00100020': ['LO', 'PID'] })).toEqual([]);
      });

      it('is case-insensitive for person names', () => {
        expect(find({ '00100010': ['PN', 'doe^john'] })).toEqual(['1.1']);
        expect(find({ '00100010': ['PN', 'DOE^JOHN^^'] })).toEqual(['1.1']);
      });

      it('matches a person name against any component group', () => {
        expect(find({ '00100010': ['PN', '山田^太郎'] })).toEqual(['1.4']);
        expect(find({ '00100010': ['PN', 'やまだ^たろう'] })).toEqual(['1.4']);
        expect(find({ '00100010': ['PN', 'Yamada^Tarou=山田^太郎'] })).toEqual(['1.4']);
        expect(find({ '00100010': ['PN', 'Yamada^Tarou=山田^次郎'] })).toEqual([]);
      });

      it('matches non-ASCII names exactly', () => {
        expect(find({ '00100010': ['PN', 'Müller^Jürgen'] })).toEqual(['1.5']);
      });

      it('matches a UID and a date', () => {
        expect(find({ '0020000D': ['UI', '1.3'] })).toEqual(['1.3']);
        expect(find({ '00080020': ['DA', '20200601'] })).toEqual(['1.2']);
      });

      it('matches a TM value at its own precision', () => {
        expect(find({ '00080030': ['TM', '1015'] })).toEqual(['1.2']);
        expect(find({ '00080030': ['TM', '23'] })).toEqual(['1.3']);
        expect(find({ '00080030': ['TM', '083000'] })).toEqual(['1.1']);
      });
    });

    it('C.2.2.2.2 list of UIDs', () => {
      expect(find({ '0020000D': ['UI', '1.1\\1.3\\9.9'] })).toEqual(['1.1', '1.3']);
      expect(find({ '0020000D': ['UI', '1.2,1.4'] })).toEqual(['1.2', '1.4']);
    });

    describe('C.2.2.2.4 wild cards', () => {
      it('"*" and "?" on text, case-sensitive', () => {
        expect(find({ '00100020': ['LO', 'PID-*'] })).toEqual(['1.1', '1.2', '1.4', '1.5']);
        expect(find({ '00100020': ['LO', '*-?'] })).toEqual(['1.1', '1.2', '1.3', '1.4', '1.5']);
        expect(find({ '00081030': ['LO', '*dy 3'] })).toEqual(['1.3']);
      });

      it('on person names, case-insensitive, any group', () => {
        expect(find({ '00100010': ['PN', 'doe*'] })).toEqual(['1.1', '1.2']);
        expect(find({ '00100010': ['PN', '*john'] })).toEqual(['1.1', '1.3']);
        expect(find({ '00100010': ['PN', '山田*'] })).toEqual(['1.4']);
        expect(find({ '00100010': ['PN', 'D?E^J*'] })).toEqual(['1.1', '1.2']);
      });

      it('treats SQL pattern characters and GLOB brackets as literals', () => {
        expect(find({ '00080050': ['SH', 'A[1]*'] })).toEqual(['1.1']);
        expect(find({ '00080050': ['SH', 'A[*'] })).toEqual(['1.1']);
        expect(find({ '00080050': ['SH', 'A%*'] })).toEqual(['1.2']);
        expect(find({ '00080050': ['SH', 'A_*'] })).toEqual(['1.3']);
        expect(find({ '00080050': ['SH', 'A?3'] })).toEqual(['1.3']);
        expect(find({ '00100010': ['PN', '%'] })).toEqual([]);
        expect(find({ '00100010': ['PN', '_*'] })).toEqual([]);
      });
    });

    describe('C.2.2.2.5 ranges', () => {
      it('closed and open-ended date ranges, inclusive', () => {
        expect(find({ '00080020': ['DA', '20200115-20200601'] })).toEqual(['1.1', '1.2']);
        expect(find({ '00080020': ['DA', '20210301-'] })).toEqual(['1.3', '1.4']);
        expect(find({ '00080020': ['DA', '-20200115'] })).toEqual(['1.1']);
      });

      it('time ranges compare at full precision', () => {
        expect(find({ '00080030': ['TM', '08-1015'] })).toEqual(['1.1', '1.2']);
        expect(find({ '00080030': ['TM', '101501-'] })).toEqual(['1.3']);
        expect(find({ '00080030': ['TM', '-0830'] })).toEqual(['1.1']);
      });

      it('a range on a person name is a malformed request', () => {
        const q = { ...qido('study'), filters: [{ tag: '00100010', key: { kind: 'range' as const, from: 'A' } }] };
        expect(() => store.query(q)).toThrow(MatchKeyError);
      });
    });

    it('fuzzymatching: case-insensitive prefix of any name component', () => {
      const fuzzy = (v: string) => find({ '00100010': ['PN', v] }, { fuzzy: true });
      expect(fuzzy('jo')).toEqual(['1.1', '1.3']);
      expect(fuzzy('ja')).toEqual(['1.2']);
      expect(fuzzy('doe^ja')).toEqual(['1.2']);
      expect(fuzzy('smi')).toEqual(['1.3']);
      expect(fuzzy('oe')).toEqual([]);
      expect(fuzzy('太')).toEqual(['1.4']);
      expect(fuzzy('müll')).toEqual(['1.5']);
    });

    describe('ModalitiesInStudy', () => {
      it('matches when any series of the study matches', () => {
        expect(find({ '00080061': ['CS', 'MR'] })).toEqual(['1.2']);
        expect(find({ '00080061': ['CS', 'CT'] })).toEqual(['1.1', '1.2', '1.3', '1.4', '1.5']);
        expect(find({ '00080061': ['CS', 'MR\\US'] })).toEqual(['1.2']);
        expect(find({ '00080061': ['CS', 'M?'] })).toEqual(['1.2']);
        expect(find({ '00080061': ['CS', 'US'] })).toEqual([]);
      });

      it('is returned as every modality of the study', () => {
        const [match] = store.query(qido('study', { '0020000D': ['UI', '1.2'] })).matches;
        expect(match!['00080061']?.Value).toEqual(['CT', 'MR']);
      });
    });

    it('SOPClassesInStudy matches through the instances', () => {
      expect(find({ '00080062': ['UI', MR_IMAGE] })).toEqual(['1.2']);
    });

    it('combines keys with AND', () => {
      expect(find({ '00100010': ['PN', 'doe*'], '00080020': ['DA', '20200201-'] })).toEqual(['1.2']);
    });

    it('reports keys it cannot match and ignores them', () => {
      const result = store.query(qido('study', { '00101010': ['AS', '040Y'], '00100020': ['LO', 'PID-1'] }));
      expect(result.unsupportedKeys).toEqual(['00101010']);
      expect(studyUids(result.matches)).toEqual(['1.1']);
      // A series attribute is not a study key (PS3.4 C.6.1.1.2).
      expect(store.query(qido('study', { '00080060': ['CS', 'MR'] })).unsupportedKeys).toEqual(['00080060']);
    });

    describe('tenant isolation', () => {
      it('the same UIDs in two tenants never cross', () => {
        const b = store.query(qido('study', {}, { tenant: TENANT_B }));
        expect(studyUids(b.matches)).toEqual(['1.1']);
        expect(value(b.matches[0]!, '00100010')).toEqual({ Alphabetic: 'Other^Tenant' });
        expect(b.matches[0]!['00080061']?.Value).toEqual(['US']);
        expect(find({ '00100010': ['PN', 'Other*'] })).toEqual([]);
        expect(find({ '00080061': ['CS', 'US'] })).toEqual([]);
        const series = store.query(qido('series', {}, { tenant: TENANT_B, studyUid: '1.1', includeFields: ['00081030'] }));
        expect(series.matches.map((m) => value(m, '00080060'))).toEqual(['US']);
        expect(value(series.matches[0]!, '00081030')).toBeUndefined();
      });

      it('an unknown tenant sees nothing', () => {
        expect(store.query(qido('study', {}, { tenant: 'nobody' as typeof TENANT_A })).matches).toEqual([]);
      });
    });

    describe('series and instance levels', () => {
      it('apply study keys to the parent study', () => {
        const series = store.query(qido('series', { '00100010': ['PN', 'doe*'], '00080060': ['CS', 'MR'] }));
        expect(series.matches.map((m) => value(m, '0020000E'))).toEqual(['1.2.2']);
        // Without a study in the path, study attributes come along (PS3.18 10.6.3.3).
        expect(value(series.matches[0]!, '00100010')).toEqual({ Alphabetic: 'DOE^JANE' });
        expect(value(series.matches[0]!, '0020000D')).toBe('1.2');
      });

      it('scope by study and series', () => {
        const series = store.query(qido('series', {}, { studyUid: '1.2' }));
        expect(series.matches.map((m) => value(m, '0020000E'))).toEqual(['1.2.1', '1.2.2']);
        expect(series.matches[0]!['00100010']).toBeUndefined();
        expect(value(series.matches[0]!, '0020000D')).toBe('1.2');
        const instances = store.query(qido('instance', {}, { studyUid: '1.2', seriesUid: '1.2.2' }));
        expect(instances.matches.map((m) => value(m, '00080018'))).toEqual(['1.2.2.1']);
        expect(value(instances.matches[0]!, '00080016')).toBe(MR_IMAGE);
        expect(value(instances.matches[0]!, '00280010')).toBe(512);
      });

      it('instance level matches on instance, series and study keys', () => {
        const hits = store.query(qido('instance', { '00080016': ['UI', MR_IMAGE], '00100020': ['LO', 'PID-2'] }));
        expect(hits.matches.map((m) => value(m, '00080018'))).toEqual(['1.2.2.1']);
      });
    });

    describe('returned attributes', () => {
      it('study defaults of PS3.18 Table 10.6.3-3, with empty elements for missing values', () => {
        const [m] = store.query(qido('study', { '0020000D': ['UI', '1.5'] })).matches;
        expect(value(m!, '00080005')).toBe('ISO_IR 192');
        expect(value(m!, '00080056')).toBe('ONLINE');
        expect(m!['00080020']).toEqual({ vr: 'DA' });
        expect(m!['00081030']).toBeUndefined();
        expect(value(m!, '00201206')).toBe(1);
      });

      it('includefield: columns, and other tags from the representative instance', () => {
        const [m] = store.query(
          qido('study', { '0020000D': ['UI', '1.2'] }, { includeFields: ['00081030', '00080060', '00280011', '00081060'] }),
        ).matches;
        expect(value(m!, '00081030')).toBe('Study 2');
        expect(m!['00081060']).toEqual({ vr: 'PN' }); // asked for, not present
        // PS3.18 10.6.3.3: series and instance attributes are not returned by a study search.
        expect(m!['00080060']).toBeUndefined();
        expect(m!['00280011']).toBeUndefined();
      });

      it('includefield at instance level: any attribute, from the instance itself', () => {
        const [m] = store.query(qido('instance', { '0020000D': ['UI', '1.2'] }, { includeFields: ['00280011', '00080060'] })).matches;
        expect(value(m!, '00280011')).toBe(512);
        expect(value(m!, '00080060')).toBe('CT');
      });

      it('includefield=all at instance level: the stored metadata without bulk data', () => {
        const [m] = store.query(qido('instance', {}, { studyUid: '1.1', includeFields: 'all' })).matches;
        expect(value(m!, '00100020')).toBe('PID-1');
        expect(value(m!, '00080056')).toBe('ONLINE');
        expect(m!['7FE00010']).toBeUndefined();
      });

      it('keys are returned too (C.2.2.2.3)', () => {
        const [m] = store.query(qido('study', { '0020000D': ['UI', '1.1'], '00081030': ['LO', ''] })).matches;
        expect(value(m!, '00081030')).toBe('Study 1');
      });
    });
  });
}
