import type Database from 'better-sqlite3';
import type { DuplicatePolicy, NewInstance, PutOutcome, QueryLevel } from '../index-store.js';
import { attributesOf, storageColumns } from './attribute-columns.js';
import { columnValuesFrom, type ColumnValues } from './attribute-values.js';

interface ExistingInstance {
  pk: number;
  sha256: string;
  size: number;
  series_pk: number;
  study_pk: number;
  series_uid: string;
  study_uid: string;
}

interface QuotaRow {
  max_bytes: number | null;
  max_instances: number | null;
  used_bytes: number;
  used_instances: number;
}

/**
 * The write side of the index: one put = a handful of indexed statements.
 * The SQL is fixed, so it is written once here with named parameters
 * instead of being rebuilt per call (1,000,000 puts must stay cheap).
 * Callers run `put` inside a transaction.
 *
 * Study and series attributes come from the first instance stored in them;
 * a replacing instance (policy 'replace') overwrites them, since a
 * replacement is a correction. Computed attributes (counts, ModalitiesInStudy,
 * SOPClassesInStudy) are maintained on every put.
 */
export class InstanceWriter {
  readonly #statements: ReturnType<typeof prepareStatements>;

  constructor(db: Database.Database) {
    this.#statements = prepareStatements(db);
  }

  put(instance: NewInstance, policy: DuplicatePolicy): PutOutcome {
    const s = this.#statements;
    const existing = s.findInstance.get(instance.tenant, instance.sopInstanceUid) as ExistingInstance | undefined;
    if (existing) {
      if (existing.study_uid !== instance.studyUid || existing.series_uid !== instance.seriesUid) {
        return { kind: 'rejected-hierarchy', existingStudyUid: existing.study_uid, existingSeriesUid: existing.series_uid };
      }
      if (existing.sha256 === instance.sha256) return { kind: 'identical' };
      if (policy === 'reject') return { kind: 'rejected-duplicate', existingSha256: existing.sha256 };
      const refused = this.#charge(instance.tenant, instance.size - existing.size, 0);
      if (refused) return refused;
      s.updateStudy.run({ ...levelValues('study', instance), pk: existing.study_pk });
      s.updateSeries.run({ ...levelValues('series', instance), pk: existing.series_pk });
      s.updateInstance.run({ ...instanceValues(instance), pk: existing.pk });
      this.#refreshLists(instance.tenant, existing.study_pk);
      return { kind: 'replaced', previousSha256: existing.sha256 };
    }

    const series = s.findSeries.get(instance.tenant, instance.seriesUid) as
      | { pk: number; study_pk: number; study_uid: string }
      | undefined;
    if (series && series.study_uid !== instance.studyUid) {
      // A series belongs to exactly one study (PS3.3 C.7.3.1): never re-parent it.
      return { kind: 'rejected-hierarchy', existingStudyUid: series.study_uid, existingSeriesUid: instance.seriesUid };
    }
    const refused = this.#charge(instance.tenant, instance.size, 1);
    if (refused) return refused;
    const now = new Date().toISOString();
    let study = s.findStudy.get(instance.tenant, instance.studyUid) as
      | { pk: number; modalities: string; sop_classes: string }
      | undefined;
    if (!study) {
      const values = { ...levelValues('study', instance), tenant: instance.tenant, created_at: now };
      const pk = Number(s.insertStudy.run(values).lastInsertRowid);
      study = { pk, modalities: '', sop_classes: '' };
    }
    let seriesPk = series?.pk;
    if (seriesPk === undefined) {
      const values = levelValues('series', instance);
      const row = { ...values, tenant: instance.tenant, study_pk: study.pk, created_at: now };
      seriesPk = Number(s.insertSeries.run(row).lastInsertRowid);
      s.countSeries.run({ pk: study.pk });
      const modalities = addToList(study.modalities, values['modality']);
      if (modalities !== study.modalities) s.setModalities.run({ pk: study.pk, modalities });
    }
    s.insertInstance.run({
      ...instanceValues(instance),
      tenant: instance.tenant,
      study_pk: study.pk,
      series_pk: seriesPk,
      created_at: now,
    });
    s.countSeriesInstance.run(seriesPk);
    s.countStudyInstance.run(study.pk);
    const sopClasses = addToList(study.sop_classes, instance.sopClassUid);
    if (sopClasses !== study.sop_classes) s.setSopClasses.run({ pk: study.pk, sop_classes: sopClasses });
    return { kind: 'stored' };
  }

  /**
   * Counts an instance against its tenant's quota, or refuses it when it would
   * pass a limit. Tenants without a row (only in tests of the index alone) have none.
   */
  #charge(tenant: string, bytes: number, instances: number): PutOutcome | null {
    const q = this.#statements.quota.get(tenant) as QuotaRow | undefined;
    if (!q) return null;
    if (q.max_instances !== null && instances > 0 && q.used_instances + instances > q.max_instances) {
      return { kind: 'rejected-quota', limit: 'instances' };
    }
    if (q.max_bytes !== null && bytes > 0 && q.used_bytes + bytes > q.max_bytes) return { kind: 'rejected-quota', limit: 'bytes' };
    this.#statements.addUsage.run(bytes, instances, tenant);
    return null;
  }

  /** After a replacement a series modality or an instance's SOP class may have changed. */
  #refreshLists(tenant: string, studyPk: number): void {
    const s = this.#statements;
    const modalities = s.distinctModalities.pluck().all(tenant, studyPk) as string[];
    const sopClasses = s.distinctSopClasses.pluck().all(tenant, studyPk) as string[];
    s.setModalities.run({ pk: studyPk, modalities: modalities.sort().join('\\') });
    s.setSopClasses.run({ pk: studyPk, sop_classes: sopClasses.sort().join('\\') });
  }
}

/** Adds a value to a sorted backslash list (the stored form of a VM 1-n attribute). */
function addToList(list: string, value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return list;
  const values = list === '' ? [] : list.split('\\');
  if (values.includes(String(value))) return list;
  return [...values, String(value)].sort().join('\\');
}

/** Attribute columns of a level; the UIDs come from NewInstance, which ingest validated. */
function levelValues(level: 'study' | 'series', instance: NewInstance): ColumnValues {
  const values = columnValuesFrom(level, instance.dataset);
  if (level === 'study') values['study_uid'] = instance.studyUid;
  else values['series_uid'] = instance.seriesUid;
  return values;
}

/** Instance columns; better-sqlite3 binds the prefix Buffer as a BLOB. */
function instanceValues(instance: NewInstance): Record<string, string | number | Buffer | null> {
  return {
    ...columnValuesFrom('instance', instance.dataset),
    sop_instance_uid: instance.sopInstanceUid,
    sop_class_uid: instance.sopClassUid,
    transfer_syntax_uid: instance.transferSyntaxUid,
    sha256: instance.sha256,
    size: instance.size,
    part10_prefix: instance.part10Prefix,
    pixel_layout: instance.pixel === null ? null : JSON.stringify(instance.pixel),
    bulk_data: JSON.stringify(instance.bulkData),
    metadata: JSON.stringify(instance.dataset),
  };
}

/** The dataset-derived columns of a level, in a fixed order. */
function attributeColumnNames(level: QueryLevel): string[] {
  return attributesOf(level)
    .filter((a) => !a.computed)
    .flatMap(storageColumns);
}

const INSTANCE_COLUMNS = [
  ...attributeColumnNames('instance'),
  'transfer_syntax_uid',
  'sha256',
  'size',
  'part10_prefix',
  'pixel_layout',
  'bulk_data',
  'metadata',
];

const quote = (column: string) => `"${column}"`;

function insertSql(table: string, columns: string[]): string {
  return `INSERT INTO ${table} (${columns.map(quote).join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`;
}

function updateSql(table: string, columns: string[]): string {
  return `UPDATE ${table} SET ${columns.map((c) => `${quote(c)} = @${c}`).join(', ')} WHERE pk = @pk`;
}

function prepareStatements(db: Database.Database) {
  const studyColumns = attributeColumnNames('study');
  const seriesColumns = attributeColumnNames('series');
  return {
    findInstance: db.prepare(`
      SELECT i.pk, i.sha256, i.size, i.series_pk, i.study_pk, se.series_uid, st.study_uid
      FROM instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = i.study_pk
      WHERE i.tenant = ? AND i.sop_instance_uid = ?`),
    findSeries: db.prepare(`
      SELECT se.pk, se.study_pk, st.study_uid FROM series se JOIN studies st ON st.pk = se.study_pk
      WHERE se.tenant = ? AND se.series_uid = ?`),
    findStudy: db.prepare('SELECT pk, modalities, sop_classes FROM studies WHERE tenant = ? AND study_uid = ?'),
    quota: db.prepare('SELECT max_bytes, max_instances, used_bytes, used_instances FROM tenants WHERE id = ?'),
    addUsage: db.prepare('UPDATE tenants SET used_bytes = used_bytes + ?, used_instances = used_instances + ? WHERE id = ?'),
    insertStudy: db.prepare(insertSql('studies', ['tenant', ...studyColumns, 'created_at'])),
    insertSeries: db.prepare(insertSql('series', ['tenant', 'study_pk', ...seriesColumns, 'created_at'])),
    insertInstance: db.prepare(
      insertSql('instances', ['tenant', 'study_pk', 'series_pk', ...INSTANCE_COLUMNS, 'created_at']),
    ),
    updateStudy: db.prepare(updateSql('studies', studyColumns)),
    updateSeries: db.prepare(updateSql('series', seriesColumns)),
    updateInstance: db.prepare(updateSql('instances', INSTANCE_COLUMNS)),
    countSeries: db.prepare('UPDATE studies SET num_series = num_series + 1 WHERE pk = @pk'),
    countSeriesInstance: db.prepare('UPDATE series SET num_instances = num_instances + 1 WHERE pk = ?'),
    countStudyInstance: db.prepare('UPDATE studies SET num_instances = num_instances + 1 WHERE pk = ?'),
    setModalities: db.prepare('UPDATE studies SET modalities = @modalities WHERE pk = @pk'),
    setSopClasses: db.prepare('UPDATE studies SET sop_classes = @sop_classes WHERE pk = @pk'),
    distinctModalities: db.prepare(
      'SELECT DISTINCT modality FROM series WHERE tenant = ? AND study_pk = ? AND modality IS NOT NULL',
    ),
    distinctSopClasses: db.prepare('SELECT DISTINCT sop_class_uid FROM instances WHERE tenant = ? AND study_pk = ?'),
  };
}
