/**
 * `atrium pull` and `atrium push`: one command with two defaults. Both sides
 * are DICOMweb roots; pull copies from a remote server into the local atrium
 * (--to defaults to it), push copies from the local atrium (--from defaults
 * to it) to a remote server.
 */
import { parseArgs } from 'node:util';
import { copyStudies, type CopyProgress, type CopyReport, type CopyScope } from '../src/dicomweb/client/copy-studies.js';
import { DicomwebClient, type QueryParams } from '../src/dicomweb/client/dicomweb-client.js';
import { DicomwebRequestError } from '../src/dicomweb/client/dicomweb-request-error.js';
import { isUid } from '../src/storage/ids.js';
import { credentialOptions, credentialsOf, LOCAL_ROOT, positiveInt, rootUrl, tenantRoot, UsageError } from './client-options.js';
import { Progress } from './progress.js';

export type CopyDirection = 'pull' | 'push';

const SCOPE_USAGE = '(--study UID ... | --query KEY=VALUE ... | --all)';
const AUTH_USAGE = `[--from-key K | --from-user U --from-password P]
       [--to-key K | --to-user U --to-password P] [--batch N]`;

export function copyUsage(direction: CopyDirection): string {
  return direction === 'pull'
    ? `  pull --from URL ${SCOPE_USAGE}
       [--to URL | --tenant T] ${AUTH_USAGE}
                                      copy studies from any DICOMweb server into atrium
                                      (--to defaults to ${LOCAL_ROOT});
                                      skips what is there, verifies what arrived
`
    : `  push --to URL ${SCOPE_USAGE}
       [--from URL | --tenant T] ${AUTH_USAGE}
                                      copy studies from atrium (--from defaults to the
                                      local root) to any DICOMweb server; skips what is
                                      there, verifies what arrived
`;
}

const PHASES: Record<CopyProgress['phase'], string> = {
  listing: 'listing studies',
  copying: 'copying instances',
  verifying: 'verifying studies',
};

/** Lines of detail printed before the summary; the rest are counted. */
const MAX_LISTED = 50;

/** Runs pull or push; returns the process exit code (1 when anything is missing on the destination). */
export async function copyCommand(direction: CopyDirection, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      tenant: { type: 'string' },
      study: { type: 'string', multiple: true },
      query: { type: 'string', multiple: true },
      all: { type: 'boolean' },
      batch: { type: 'string' },
      ...credentialOptions('from-'),
      ...credentialOptions('to-'),
    },
  });
  let source: DicomwebClient, destination: DicomwebClient, scope: CopyScope, batchSize: number;
  try {
    const remote = direction === 'pull' ? 'from' : 'to';
    const local = direction === 'pull' ? 'to' : 'from';
    if (values[remote] === undefined) throw new UsageError(`${direction} needs --${remote} URL`);
    if (values.tenant !== undefined && values[local] !== undefined) {
      throw new UsageError(`--tenant names a tenant of the local atrium; with --${local}, give that tenant's root URL instead`);
    }
    const localRoot = values.tenant === undefined ? LOCAL_ROOT : tenantRoot(LOCAL_ROOT, values.tenant);
    const root = (side: 'from' | 'to') => rootUrl(values[side] ?? localRoot, `--${side}`);
    source = new DicomwebClient({ root: root('from'), credentials: credentialsOf(values, 'from-') });
    destination = new DicomwebClient({ root: root('to'), credentials: credentialsOf(values, 'to-') });
    if (source.root === destination.root) throw new UsageError('--from and --to are the same DICOMweb root');
    scope = scopeOf(values.study, values.query, values.all ?? false);
    batchSize = positiveInt(values.batch, '--batch', 10);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`atrium: ${err.message}\n\nusage:\n${copyUsage(direction)}`);
    return 2;
  }

  const progress = new Progress();
  let report: CopyReport;
  try {
    report = await copyStudies(source, destination, scope, {
      batchSize,
      concurrency: 2,
      onProgress: (p) => progress.update(PHASES[p.phase], p.done, p.total),
    });
  } catch (err) {
    if (!(err instanceof DicomwebRequestError)) throw err;
    progress.finish();
    process.stderr.write(`atrium: ${err.message}\n`);
    return 1;
  }
  progress.finish();

  const list = (lines: string[]) => {
    for (const line of lines.slice(0, MAX_LISTED)) process.stderr.write(`atrium: ${line}\n`);
    if (lines.length > MAX_LISTED) process.stderr.write(`atrium: ... and ${lines.length - MAX_LISTED} more\n`);
  };
  if (report.stoppedBy) process.stderr.write(`atrium: stopped: ${report.stoppedBy.message}\n`);
  list(report.notOnSource.map((study) => `study ${study}: no instances on the source`));
  list(report.failed.filter((f) => f.reason !== report.stoppedBy?.message).map((f) => `failed ${f.instance.sopInstance}: ${f.reason}`));
  list(report.missingAfter.map((r) => `missing on the destination after the copy: study ${r.study}, instance ${r.sopInstance}`));

  const verified = report.stoppedBy
    ? 'not verified (run again to resume)'
    : report.missingAfter.length === 0
      ? `verified: all ${report.instances} on the destination`
      : `verification: ${report.missingAfter.length} of ${report.instances} missing on the destination`;
  process.stdout.write(
    `${count(report.studies, 'study', 'studies')}, ${count(report.instances, 'instance', 'instances')}: ${report.copied} copied, ${report.alreadyPresent} already present, ${report.failed.length} failed; ${verified}\n`,
  );
  const ok = !report.stoppedBy && report.failed.length === 0 && report.missingAfter.length === 0 && report.notOnSource.length === 0;
  return ok ? 0 : 1;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function scopeOf(studies: string[] | undefined, queries: string[] | undefined, all: boolean): CopyScope {
  const given = [studies !== undefined, queries !== undefined, all].filter(Boolean).length;
  if (given !== 1) throw new UsageError('name the studies with one of --study UID, --query KEY=VALUE or --all');
  if (studies !== undefined) {
    const bad = studies.find((uid) => !isUid(uid));
    if (bad !== undefined) throw new UsageError(`--study takes a Study Instance UID, not ${JSON.stringify(bad)}`);
    return { studies };
  }
  const query: Record<string, string[]> = {};
  for (const q of queries ?? []) {
    const eq = q.indexOf('=');
    if (eq <= 0) throw new UsageError(`--query takes KEY=VALUE (a keyword or tag, e.g. PatientID=123 or StudyDate=20240101-), not ${JSON.stringify(q)}`);
    (query[q.slice(0, eq)] ??= []).push(q.slice(eq + 1));
  }
  return { query: query satisfies QueryParams };
}
