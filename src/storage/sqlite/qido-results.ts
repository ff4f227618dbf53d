import { sql, type Kysely } from 'kysely';
import { lookupTag } from '../../dicom/dictionary.js';
import type { DicomJsonDataset, DicomJsonElement } from '../../dicom/json-model.js';
import type { TenantId } from '../ids.js';
import { ALIAS } from './attribute-columns.js';
import { elementFromRow } from './attribute-values.js';
import { metadataPaths, type QidoPlan } from './qido-query.js';
import type { CompiledQuery, IndexDatabase } from './schema.js';

export type ResultRow = Record<string, unknown> & { match_pk: number };

/**
 * One query for the representative instances of every match on a page,
 * run after the page is known so metadata is read for returned rows only:
 * the first instance by instance number (of the first series by series
 * number, for a study), or the instance itself. Each lookup walks two
 * indexes; no sort, no scan. Returns per match the requested top-level
 * elements as a JSON array, or with `whole` the stored metadata text.
 */
export function representativeQuery(
  db: Kysely<IndexDatabase>,
  plan: QidoPlan,
  tenant: TenantId,
  pks: readonly number[],
): CompiledQuery {
  const alias = ALIAS[plan.level];
  const pk = sql.ref(`${alias}.pk`);
  const selected = plan.wholeMetadata ? sql`i.metadata` : metadataPaths(plan.representativeTags, 'i.metadata');
  const where = sql`WHERE ${sql.ref(`${alias}.tenant`)} = ${tenant} AND ${pk} IN (${sql.join(pks)})`;
  if (plan.level === 'instance') {
    return sql`SELECT ${pk} AS match_pk, ${selected} AS representative FROM instances AS i ${where}`.compile(db);
  }
  const firstSeries =
    plan.level === 'study'
      ? sql`(SELECT se.pk FROM series se WHERE se.tenant = st.tenant AND se.study_pk = st.pk
             ORDER BY se.series_number, se.pk LIMIT 1)`
      : sql`se.pk`;
  const firstInstance = sql`(SELECT x.pk FROM instances x WHERE x.tenant = ${sql.ref(`${alias}.tenant`)}
    AND x.series_pk = ${firstSeries} ORDER BY x.instance_number, x.pk LIMIT 1)`;
  const from = plan.level === 'study' ? sql`studies AS st` : sql`series AS se`;
  return sql`SELECT ${pk} AS match_pk, ${selected} AS representative
    FROM ${from} JOIN instances AS i ON i.pk = ${firstInstance} ${where}`.compile(db);
}

/** One DICOM JSON dataset of a QIDO-RS response, attributes in tag order. */
export function buildMatch(plan: QidoPlan, row: ResultRow, representative: string | undefined): DicomJsonDataset {
  const ds: DicomJsonDataset = {};
  for (const c of plan.constants) ds[c.tag] = { vr: c.vr, Value: [c.value] } as DicomJsonElement;
  for (const a of plan.columns) ds[a.tag] = elementFromRow(a, row, `${ALIAS[a.level]}_`);
  if (plan.wholeMetadata && representative !== undefined) {
    // The stored metadata is the source the columns were read from: it wins.
    Object.assign(ds, withoutBulkData(JSON.parse(representative) as DicomJsonDataset));
  } else if (plan.representativeTags.length > 0) {
    const values = representative === undefined ? [] : (JSON.parse(representative) as Array<DicomJsonElement | null>);
    plan.representativeTags.forEach((tag, i) => {
      const element = values[i];
      if (element && element.BulkDataURI === undefined) ds[tag] = element;
      else if (plan.requestedTags.has(tag)) {
        // PS3.18 10.6.3: a requested attribute without a value is returned empty.
        const vr = lookupTag(tag)?.vr;
        if (vr !== undefined) ds[tag] = { vr };
      }
    });
  }
  return sortByTag(ds);
}

/** QIDO-RS returns no bulk data (PS3.18 10.6.3): elements stored as BulkDataURI are left out. */
function withoutBulkData(ds: DicomJsonDataset): DicomJsonDataset {
  const out: DicomJsonDataset = {};
  for (const [tag, element] of Object.entries(ds)) if (element.BulkDataURI === undefined) out[tag] = element;
  return out;
}

function sortByTag(ds: DicomJsonDataset): DicomJsonDataset {
  const out: DicomJsonDataset = {};
  for (const tag of Object.keys(ds).sort()) out[tag] = ds[tag]!;
  return out;
}
