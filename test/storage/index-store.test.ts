import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IndexStore } from '../../src/storage/index-store.js';
import { CT_IMAGE, MR_IMAGE, SR_DOC, STORES, TENANT_A, TENANT_B, instance, qido, studyUids, value } from './fixtures.js';

for (const { name, open } of STORES) {
  describe(`${name}: IndexStore`, () => {
    let store: IndexStore;
    beforeEach(() => {
      store = open();
    });
    afterEach(() => store.close());

    const study = (uid: string) => store.query(qido('study', { '0020000D': ['UI', uid] })).matches[0]!;
    const series = (studyUid: string) => store.query(qido('series', {}, { studyUid })).matches;

    describe('computed attributes (PS3.18 Table 10.6.3-3)', () => {
      it('counts series and instances and lists modalities and SOP classes, sorted', () => {
        store.putInstances(
          [
            instance({ study: '1.1', series: '1.1.1', sop: '1.1.1.1', modality: 'MR', sopClass: MR_IMAGE }),
            instance({ study: '1.1', series: '1.1.1', sop: '1.1.1.2', modality: 'MR', sopClass: MR_IMAGE }),
            instance({ study: '1.1', series: '1.1.2', sop: '1.1.2.1', modality: 'CT' }),
            instance({ study: '1.1', series: '1.1.3', sop: '1.1.3.1', modality: 'SR', sopClass: SR_DOC }),
          ],
          'reject',
        );
        const s = study('1.1');
        expect(value(s, '00201206')).toBe(3);
        expect(value(s, '00201208')).toBe(4);
        expect(s['00080061']?.Value).toEqual(['CT', 'MR', 'SR']);
        const withClasses = store.query(qido('study', {}, { includeFields: ['00080062'] })).matches[0]!;
        expect(withClasses['00080062']?.Value).toEqual([CT_IMAGE, MR_IMAGE, SR_DOC].sort());
        expect(series('1.1').map((m) => value(m, '00201209'))).toEqual([2, 1, 1]);
      });

      it('stay correct when a replacement changes the series modality and SOP class', () => {
        store.putInstance(instance({ study: '1.1', series: '1.1.1', sop: '1.1.1.1', modality: 'OT' }), 'reject');
        store.putInstance(instance({ study: '1.1', series: '1.1.2', sop: '1.1.2.1', modality: 'CT' }), 'reject');
        const corrected = instance({
          study: '1.1',
          series: '1.1.1',
          sop: '1.1.1.1',
          modality: 'MR',
          sopClass: MR_IMAGE,
          content: 'corrected',
        });
        const outcome = store.putInstance(corrected, 'replace');
        expect(outcome.kind).toBe('replaced');
        const s = study('1.1');
        expect(s['00080061']?.Value).toEqual(['CT', 'MR']);
        expect(value(s, '00201206')).toBe(2);
        expect(value(s, '00201208')).toBe(2);
        const classes = store.query(qido('study', {}, { includeFields: ['00080062'] })).matches[0]!;
        expect(classes['00080062']?.Value).toEqual([CT_IMAGE, MR_IMAGE]);
        expect(series('1.1').map((m) => value(m, '00201209'))).toEqual([1, 1]);
      });

      it('take study attributes from the first instance, and from a replacing one', () => {
        store.putInstance(instance({ study: '1.1', series: '1.1.1', sop: '1.1.1.1', patientName: 'First^Name' }), 'reject');
        store.putInstance(instance({ study: '1.1', series: '1.1.1', sop: '1.1.1.2', patientName: 'Other^Name' }), 'reject');
        expect(value(study('1.1'), '00100010')).toEqual({ Alphabetic: 'First^Name' });
        store.putInstance(
          instance({ study: '1.1', series: '1.1.1', sop: '1.1.1.2', patientName: 'Fixed^Name', content: 'v2' }),
          'replace',
        );
        expect(value(study('1.1'), '00100010')).toEqual({ Alphabetic: 'Fixed^Name' });
      });
    });

    describe('duplicate SOP Instance UIDs', () => {
      const original = instance({ study: '1.1', series: '1.1.1', sop: '1.1.1.1', content: 'one' });

      it('same bytes: identical, nothing changes', () => {
        expect(store.putInstance(original, 'reject')).toEqual({ kind: 'stored' });
        expect(store.putInstance(original, 'reject')).toEqual({ kind: 'identical' });
        expect(store.putInstance(original, 'replace')).toEqual({ kind: 'identical' });
        expect(value(study('1.1'), '00201208')).toBe(1);
      });

      it('other bytes: rejected under "reject", replaced under "replace"', () => {
        const changed = { ...instance({ study: '1.1', series: '1.1.1', sop: '1.1.1.1', content: 'two' }) };
        store.putInstance(original, 'reject');
        expect(store.putInstance(changed, 'reject')).toEqual({
          kind: 'rejected-duplicate',
          existingSha256: original.sha256,
        });
        expect(store.listInstances(TENANT_A, { studyUid: '1.1' })[0]!.sha256).toBe(original.sha256);
        expect(store.putInstance(changed, 'replace')).toEqual({ kind: 'replaced', previousSha256: original.sha256 });
        const [record] = store.listInstances(TENANT_A, { studyUid: '1.1' });
        expect(record!.sha256).toBe(changed.sha256);
        expect(value(study('1.1'), '00201208')).toBe(1);
      });

      it('under another study or series: rejected, never moved', () => {
        store.putInstance(original, 'reject');
        const moved = instance({ study: '1.2', series: '1.2.1', sop: '1.1.1.1', content: 'moved' });
        expect(store.putInstance(moved, 'replace')).toEqual({
          kind: 'rejected-hierarchy',
          existingStudyUid: '1.1',
          existingSeriesUid: '1.1.1',
        });
        const otherSeries = instance({ study: '1.1', series: '1.1.9', sop: '1.1.1.1', content: 'moved' });
        expect(store.putInstance(otherSeries, 'replace').kind).toBe('rejected-hierarchy');
        expect(store.query(qido('study')).matches).toHaveLength(1);
      });

      it('a series UID reused under another study is rejected', () => {
        store.putInstance(original, 'reject');
        const outcome = store.putInstance(instance({ study: '1.2', series: '1.1.1', sop: '1.2.1.1' }), 'reject');
        expect(outcome).toEqual({ kind: 'rejected-hierarchy', existingStudyUid: '1.1', existingSeriesUid: '1.1.1' });
      });

      it('putInstances reports one outcome per input, in order, within one batch', () => {
        const outcomes = store.putInstances([original, original, { ...original, sha256: 'f'.repeat(64) }], 'reject');
        expect(outcomes.map((o) => o.kind)).toEqual(['stored', 'identical', 'rejected-duplicate']);
      });
    });

    describe('order, limit, offset', () => {
      beforeEach(() => {
        const dates = ['20200101', '20220101', '20210101', '20220101', undefined];
        store.putInstances(
          dates.map((studyDate, n) =>
            instance({ study: `2.${n}`, series: `2.${n}.1`, sop: `2.${n}.1.1`, studyDate, studyTime: '120000' }),
          ),
          'reject',
        );
      });

      it('lists studies newest first, ties by insertion, undated last', () => {
        expect(studyUids(store.query(qido('study')).matches)).toEqual(['2.3', '2.1', '2.2', '2.0', '2.4']);
      });

      it('pages with limit and offset and says when it truncated', () => {
        const first = store.query(qido('study', {}, { limit: 2 }));
        expect(studyUids(first.matches)).toEqual(['2.3', '2.1']);
        expect(first.truncated).toBe(true);
        const last = store.query(qido('study', {}, { limit: 2, offset: 4 }));
        expect(studyUids(last.matches)).toEqual(['2.4']);
        expect(last.truncated).toBe(false);
        const exact = store.query(qido('study', {}, { limit: 5 }));
        expect(exact.truncated).toBe(false);
        expect(store.query(qido('study', {}, { offset: 10 })).matches).toEqual([]);
      });

      it('orders series by number and instances by number', () => {
        store.putInstances(
          [
            instance({ study: '3', series: '3.2', sop: '3.2.2', seriesNumber: 2, instanceNumber: 2 }),
            instance({ study: '3', series: '3.2', sop: '3.2.1', seriesNumber: 2, instanceNumber: 1 }),
            instance({ study: '3', series: '3.1', sop: '3.1.10', seriesNumber: 1, instanceNumber: 10 }),
            instance({ study: '3', series: '3.1', sop: '3.1.9', seriesNumber: 1, instanceNumber: 9 }),
          ],
          'reject',
        );
        expect(series('3').map((m) => value(m, '0020000E'))).toEqual(['3.1', '3.2']);
        const instances = store.query(qido('instance', {}, { studyUid: '3', seriesUid: '3.1' })).matches;
        expect(instances.map((m) => value(m, '00080018'))).toEqual(['3.1.9', '3.1.10']);
        const inStudy = store.query(qido('instance', {}, { studyUid: '3' })).matches;
        expect(inStudy.map((m) => value(m, '00080018'))).toEqual(['3.1.9', '3.1.10', '3.2.1', '3.2.2']);
        const listed = store.listInstances(TENANT_A, { studyUid: '3' }).map((r) => r.sopInstanceUid);
        expect(listed).toEqual(['3.1.9', '3.1.10', '3.2.1', '3.2.2']);
      });
    });

    describe('listInstances and listMetadataJson', () => {
      beforeEach(() => {
        store.putInstances(
          [
            instance({ study: '4', series: '4.2', sop: '4.2.1', seriesNumber: 2, instanceNumber: 1 }),
            instance({ study: '4', series: '4.1', sop: '4.1.2', seriesNumber: 1, instanceNumber: 2 }),
            instance({ study: '4', series: '4.1', sop: '4.1.1', seriesNumber: 1, instanceNumber: 1 }),
            instance({ tenant: TENANT_B, study: '4', series: '4.1', sop: '4.1.3', seriesNumber: 1 }),
          ],
          'reject',
        );
      });

      it('scope to a study, a series or one instance, in series and instance order', () => {
        const uids = (scope: Parameters<IndexStore['listInstances']>[1]) =>
          store.listInstances(TENANT_A, scope).map((r) => r.sopInstanceUid);
        expect(uids({ studyUid: '4' })).toEqual(['4.1.1', '4.1.2', '4.2.1']);
        expect(uids({ studyUid: '4', seriesUid: '4.1' })).toEqual(['4.1.1', '4.1.2']);
        expect(uids({ studyUid: '4', seriesUid: '4.1', sopInstanceUid: '4.1.2' })).toEqual(['4.1.2']);
        expect(uids({ studyUid: '4', seriesUid: '4.2', sopInstanceUid: '4.1.2' })).toEqual([]);
        expect(uids({ studyUid: '9' })).toEqual([]);
      });

      it('return the record ingest stored', () => {
        const [record] = store.listInstances(TENANT_A, { studyUid: '4', sopInstanceUid: '4.1.1' });
        const expected = instance({ study: '4', series: '4.1', sop: '4.1.1', seriesNumber: 1, instanceNumber: 1 });
        expect(record).toEqual({
          studyUid: '4',
          seriesUid: '4.1',
          sopInstanceUid: '4.1.1',
          sopClassUid: CT_IMAGE,
          transferSyntaxUid: expected.transferSyntaxUid,
          sha256: expected.sha256,
          size: expected.size,
          part10Prefix: null,
          pixel: null,
          bulkData: expected.bulkData,
        });
      });

      it('keep the Part 10 prefix of a file received without preamble or meta, byte for byte', () => {
        const prefix = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from([2, 0, 0, 0, 0x55, 0x4c, 4, 0, 0, 0, 0, 0])]);
        const bare = { ...instance({ study: '9', series: '9.1', sop: '9.1.1', seriesNumber: 1, instanceNumber: 1 }), part10Prefix: prefix };
        expect(store.putInstance(bare, 'reject').kind).toBe('stored');
        const [record] = store.listInstances(TENANT_A, { studyUid: '9', sopInstanceUid: '9.1.1' });
        expect(record?.part10Prefix?.equals(prefix)).toBe(true);
      });

      it('return the stored DICOM JSON text in the same order', () => {
        const json = store.listMetadataJson(TENANT_A, { studyUid: '4' });
        expect(json.map((text) => value(JSON.parse(text), '00080018'))).toEqual(['4.1.1', '4.1.2', '4.2.1']);
        const expected = instance({ study: '4', series: '4.1', sop: '4.1.1', seriesNumber: 1, instanceNumber: 1 });
        expect(JSON.parse(json[0]!)).toEqual(expected.dataset);
      });

      it('never reach into another tenant', () => {
        expect(store.listInstances(TENANT_B, { studyUid: '4' }).map((r) => r.sopInstanceUid)).toEqual(['4.1.3']);
        expect(store.listMetadataJson(TENANT_B, { studyUid: '4', seriesUid: '4.1' })).toHaveLength(1);
      });
    });
  });
}
