import { open, type FileHandle } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { PixelLayout, ByteRange } from '../../dicom/pixel-layout.js';
import type { TenantId, Uid } from '../ids.js';
import type {
  DuplicatePolicy,
  IndexStore,
  InstanceRecord,
  NewInstance,
  PutOutcome,
  QidoQuery,
  QidoResult,
} from '../index-store.js';
import { InstanceDeleter, type DeletedBlob } from './instance-deleter.js';
import { InstanceWriter } from './instance-writer.js';

interface DeletedRow {
  pk: number;
  series_pk: number;
  study_pk: number;
  study_uid: string;
  sha256: string;
  size: number;
}
import { compileQido } from './qido-query.js';
import { buildMatch, representativeQuery, type ResultRow } from './qido-results.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { SQLITE_PREDICATES } from './sqlite-predicates.js';
import { createQueryBuilder, type CompiledQuery, type IndexDatabase } from './schema.js';
import { StatementCache } from './statement-cache.js';
import { migrate } from './migrations.js';

type Scope = { studyUid: Uid; seriesUid?: Uid; sopInstanceUid?: Uid };

interface InstanceRow {
  study_uid: string;
  series_uid: string;
  sop_instance_uid: string;
  sop_class_uid: string;
  transfer_syntax_uid: string;
  sha256: string;
  size: number;
  part10_prefix: Buffer | null;
  pixel_layout: string | null;
  bulk_data: string;
}

/**
 * IndexStore on an embedded SQLite database (better-sqlite3, synchronous).
 * Queries are built with kysely and run as cached prepared statements; writes
 * go through InstanceWriter. The store owns the database and closes it.
 */
export class SqliteIndexStore implements IndexStore {
  readonly #db: Database.Database;
  readonly #builder: Kysely<IndexDatabase> = createQueryBuilder();
  readonly #statements: StatementCache;
  readonly #writer: InstanceWriter;
  readonly #deleter: InstanceDeleter;

  /** Opens or creates the index at `file` (':memory:' for tests). */
  static open(file: string): SqliteIndexStore {
    return new SqliteIndexStore(openSqliteDatabase(file));
  }

  /** Takes over an open database (see openSqliteDatabase for the pragmas it expects). */
  constructor(db: Database.Database) {
    migrate(db);
    this.#db = db;
    this.#statements = new StatementCache(db);
    this.#writer = new InstanceWriter(db);
    this.#deleter = new InstanceDeleter(db);
  }

  putInstance(instance: NewInstance, policy: DuplicatePolicy): PutOutcome {
    return this.#db.transaction(() => this.#writer.put(instance, policy)).immediate();
  }

  #wal: Promise<FileHandle | null> | undefined;

  /**
   * fsyncs the WAL file, where commits land (synchronous=NORMAL writes it
   * without syncing): an fsync of the file through any descriptor makes every
   * frame written so far durable, here in the thread pool, off the event loop.
   */
  async durable(): Promise<void> {
    if (this.#db.memory) return;
    this.#wal ??= open(`${this.#db.name}-wal`, 'r+').catch((err: NodeJS.ErrnoException) => {
      this.#wal = undefined; // no WAL yet: nothing has been written
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    const wal = await this.#wal;
    await wal?.datasync();
  }

  putInstances(instances: readonly NewInstance[], policy: DuplicatePolicy): PutOutcome[] {
    return this.#db.transaction(() => instances.map((i) => this.#writer.put(i, policy))).immediate();
  }

  query(q: QidoQuery): QidoResult {
    const plan = compileQido(this.#builder, SQLITE_PREDICATES, q);
    const rows = this.#all(plan.compiled) as ResultRow[];
    const truncated = rows.length > q.limit;
    const page = truncated ? rows.slice(0, q.limit) : rows;

    let representatives = new Map<number, string>();
    if ((plan.wholeMetadata || plan.representativeTags.length > 0) && page.length > 0) {
      const lookup = representativeQuery(this.#builder, plan, q.tenant, page.map((r) => r.match_pk));
      const found = this.#all(lookup) as Array<{ match_pk: number; representative: string }>;
      representatives = new Map(found.map((r) => [r.match_pk, r.representative]));
    }
    return {
      matches: page.map((row) => buildMatch(plan, row, representatives.get(row.match_pk))),
      truncated,
      unsupportedKeys: [...plan.unsupportedKeys],
    };
  }

  listInstances(tenant: TenantId, scope: Scope): InstanceRecord[] {
    const query = this.#scoped(tenant, scope)
      .select([
        'st.study_uid',
        'se.series_uid',
        'i.sop_instance_uid',
        'i.sop_class_uid',
        'i.transfer_syntax_uid',
        'i.sha256',
        'i.size',
        'i.part10_prefix',
        'i.pixel_layout',
        'i.bulk_data',
      ])
      .compile();
    return (this.#all(query) as InstanceRow[]).map((r) => ({
      studyUid: r.study_uid,
      seriesUid: r.series_uid,
      sopInstanceUid: r.sop_instance_uid,
      sopClassUid: r.sop_class_uid,
      transferSyntaxUid: r.transfer_syntax_uid,
      sha256: r.sha256,
      size: r.size,
      part10Prefix: r.part10_prefix,
      pixel: r.pixel_layout === null ? null : (JSON.parse(r.pixel_layout) as PixelLayout),
      bulkData: JSON.parse(r.bulk_data) as Record<string, ByteRange>,
    }));
  }

  deleteInstances(tenant: TenantId, scope: Scope): DeletedBlob[] {
    const query = this.#scoped(tenant, scope)
      .select(['i.pk', 'i.series_pk', 'i.study_pk', 'st.study_uid', 'i.sha256', 'i.size'])
      .compile();
    return this.#db.transaction(() => this.#deleter.delete(tenant, this.#all(query) as DeletedRow[])).immediate();
  }

  listMetadataJson(tenant: TenantId, scope: Scope): string[] {
    const query = this.#scoped(tenant, scope).select('i.metadata').compile();
    return this.#statements.get(query.sql).pluck(true).all(...query.parameters) as string[];
  }

  close(): void {
    void this.#wal?.then((wal) => wal?.close());
    if (!this.#db.open) return;
    // Keeps planner statistics current for the next start (sqlite.org/pragma.html#pragma_optimize).
    this.#db.pragma('optimize');
    this.#db.close();
  }

  /** Instances of a study, series or one instance, in series then instance order. */
  #scoped(tenant: TenantId, scope: Scope) {
    let query = this.#builder
      .selectFrom('instances as i')
      .innerJoin('series as se', 'se.pk', 'i.series_pk')
      .innerJoin('studies as st', 'st.pk', 'i.study_pk')
      .where('st.tenant', '=', tenant)
      .where('se.tenant', '=', tenant)
      .where('i.tenant', '=', tenant)
      .where('st.study_uid', '=', scope.studyUid);
    if (scope.seriesUid !== undefined) query = query.where('se.series_uid', '=', scope.seriesUid);
    if (scope.sopInstanceUid !== undefined) query = query.where('i.sop_instance_uid', '=', scope.sopInstanceUid);
    return query.orderBy('se.series_number').orderBy('se.pk').orderBy('i.instance_number').orderBy('i.pk');
  }

  #all(query: CompiledQuery): unknown[] {
    return this.#statements.get(query.sql).pluck(false).all(...(query.parameters as unknown[]));
  }
}
