import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { createQueryBuilder } from '../src/storage/sqlite/schema.js';
import { compileQido } from '../src/storage/sqlite/qido-query.js';
import { representativeQuery } from '../src/storage/sqlite/qido-results.js';
import { SQLITE_PREDICATES } from '../src/storage/sqlite/sqlite-predicates.js';
import { parseMatchKey } from '../src/dicom/match-key.js';
const db = new Database(process.argv[2]!);
const b = createQueryBuilder();
const tenant = 'bench' as any;
function time(label: string, f: () => unknown, n = 30) {
  const ts: number[] = []; for (let i = 0; i < n; i++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); } ts.sort((a, b) => a - b); console.log(label.padEnd(40), "min", ts[0]!.toFixed(3), "p50", ts[n >> 1]!.toFixed(3)); return;
  f(); const t = performance.now(); for (let i = 0; i < n; i++) f(); console.log(label.padEnd(40), ((performance.now() - t) / n).toFixed(3), 'ms');
}
const mk = (filters: any[], inc: any = ['00081030', '00080060']) => compileQido(b, SQLITE_PREDICATES, { tenant, level: 'study', filters, fuzzy: false, includeFields: inc, limit: 101, offset: 0 });
for (const [label, filters] of [
  ['none', []], ['name prefix', [{ tag: '00100010', key: parseMatchKey('PN', 'SMI*') }]],
  ['name contains', [{ tag: '00100010', key: parseMatchKey('PN', '*ILLIA*') }]],
  ['modality MR', [{ tag: '00080061', key: parseMatchKey('CS', 'MR') }]],
] as const) {
  const plan = mk(filters as any);
  console.log(db.prepare('EXPLAIN QUERY PLAN ' + plan.compiled.sql).all(...plan.compiled.parameters as any[]).map((r: any) => r.detail).join(' | '));
  const st = db.prepare(plan.compiled.sql);
  let rows: any[] = [];
  time(label + ' main', () => (rows = st.all(...plan.compiled.parameters as any[])));
  const rq = representativeQuery(b, 'study', tenant, ['00080060'], rows.slice(0, 101).map((r) => r.match_pk));
  const rs = db.prepare(rq.sql);
  time(label + ' representative', () => rs.all(...rq.parameters as any[]));
}
console.log(db.prepare('EXPLAIN QUERY PLAN ' + representativeQuery(b, 'study', tenant, ['00080060'], [1,2]).sql).all(...representativeQuery(b, 'study', tenant, ['00080060'], [1,2]).parameters as any[]).map((r: any) => r.detail).join(' | '));
console.log(representativeQuery(b, 'study', tenant, ['00080060'], [1,2]).sql);
console.log(db.prepare('select count(*) c, avg(length(metadata)) m from instances').get());
