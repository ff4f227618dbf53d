import type Database from 'better-sqlite3';

/** A deleted instance's blob, to be removed once the deletion is durable. */
export interface DeletedBlob {
  studyUid: string;
  sha256: string;
}

/**
 * Deletes instances by primary key and keeps everything derived from them
 * right: series and study counts, ModalitiesInStudy, SOPClassesInStudy; a
 * series or study left without instances goes too. Callers run it in a transaction.
 */
export class InstanceDeleter {
  readonly #s: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.#s = prepare(db);
  }

  delete(
    tenant: string,
    rows: ReadonlyArray<{ pk: number; series_pk: number; study_pk: number; study_uid: string; sha256: string; size: number }>,
  ): DeletedBlob[] {
    const s = this.#s;
    for (const row of rows) s.deleteInstance.run(row.pk);
    s.releaseUsage.run(rows.reduce((n, r) => n + r.size, 0), rows.length, tenant);
    for (const seriesPk of new Set(rows.map((r) => r.series_pk))) {
      s.countSeriesInstances.run(seriesPk);
      s.deleteEmptySeries.run(seriesPk);
    }
    for (const studyPk of new Set(rows.map((r) => r.study_pk))) {
      s.refreshStudy.run(studyPk);
      s.deleteEmptyStudy.run(studyPk);
    }
    return rows.map((r) => ({ studyUid: r.study_uid, sha256: r.sha256 }));
  }
}

function prepare(db: Database.Database) {
  // Lists are sorted and backslash-joined, as InstanceWriter keeps them (aggregate ORDER BY: SQLite 3.44+).
  const sortedList = (select: string) => `coalesce((SELECT group_concat(v, '\\' ORDER BY v) FROM (${select})), '')`;
  return {
    deleteInstance: db.prepare('DELETE FROM instances WHERE pk = ?'),
    releaseUsage: db.prepare('UPDATE tenants SET used_bytes = used_bytes - ?, used_instances = used_instances - ? WHERE id = ?'),
    countSeriesInstances: db.prepare('UPDATE series SET num_instances = (SELECT count(*) FROM instances WHERE series_pk = series.pk) WHERE pk = ?'),
    deleteEmptySeries: db.prepare('DELETE FROM series WHERE pk = ? AND num_instances = 0'),
    refreshStudy: db.prepare(`
      UPDATE studies SET
        num_instances = (SELECT count(*) FROM instances WHERE study_pk = studies.pk),
        num_series = (SELECT count(*) FROM series WHERE study_pk = studies.pk),
        modalities = ${sortedList('SELECT DISTINCT modality AS v FROM series WHERE study_pk = studies.pk AND modality IS NOT NULL')},
        sop_classes = ${sortedList('SELECT DISTINCT sop_class_uid AS v FROM instances WHERE study_pk = studies.pk')}
      WHERE pk = ?`),
    deleteEmptyStudy: db.prepare('DELETE FROM studies WHERE pk = ? AND num_instances = 0'),
  };
}
