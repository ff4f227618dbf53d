import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DicomwebClient } from '../src/dicomweb/client/dicomweb-client.js';
import { DicomwebRequestError } from '../src/dicomweb/client/dicomweb-request-error.js';
import { describeFailure } from '../src/dicomweb/client/store-result.js';
import type { Uid } from '../src/storage/ids.js';
import { credentialOptions, credentialsOf, LOCAL_ROOT, positiveInt, rootUrl, tenantRoot, UsageError } from './client-options.js';
import { classify, listFiles, type FoundFile, type SkipReason } from './import-files.js';
import { ImportState } from './import-state.js';
import { Progress } from './progress.js';

export const IMPORT_USAGE = `  import DIR [--to URL] [--tenant T] [--key K | --user U --password P]
         [--state FILE] [--batch N]
                                      store every DICOM file under DIR (recursive) in a
                                      running server by STOW-RS (--to defaults to
                                      ${LOCAL_ROOT}); skips other files;
                                      a rerun resumes
`;

/** Instances per STOW-RS request, and the most bytes one request carries. */
const DEFAULT_BATCH = 20;
const MAX_BATCH_BYTES = 64 * 1024 * 1024;
/** Requests in flight: enough to overlap reading, sending and the server's fsyncs. */
const CONCURRENCY = 2;

type Sendable = { readonly file: FoundFile; readonly sop: Uid | undefined };

/** `atrium import DIR`: returns the process exit code (1 when any file failed). */
export async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      tenant: { type: 'string' },
      state: { type: 'string' },
      batch: { type: 'string' },
      ...credentialOptions(''),
    },
  });
  let dir: string, root: string, batchSize: number;
  let client: DicomwebClient;
  try {
    if (positionals.length !== 1) throw new UsageError('import takes one folder');
    dir = resolve(positionals[0]!);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) throw new UsageError(`${positionals[0]} is not a folder`);
    root = rootUrl(values.to ?? LOCAL_ROOT, '--to');
    if (values.tenant !== undefined) root = tenantRoot(root, values.tenant);
    batchSize = positiveInt(values.batch, '--batch', DEFAULT_BATCH);
    client = new DicomwebClient({ root, credentials: credentialsOf(values) });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`atrium: ${err.message}\n\nusage:\n${IMPORT_USAGE}`);
    return 2;
  }

  const statePath = resolve(values.state ?? join(dir, '.atrium-import'));
  const files = await listFiles(dir, statePath);
  let state: ImportState;
  try {
    state = await ImportState.open(statePath, root);
  } catch (err) {
    // A read-only folder (a CD, a share): the state has to live elsewhere.
    process.stderr.write(`atrium: cannot keep the import state in ${statePath} (${(err as Error).message}); give another file with --state FILE\n`);
    return 1;
  }
  const progress = new Progress();
  let stored = 0;
  let alreadyPresent = 0;
  const skipped = new Map<SkipReason, number>();
  const failed: Array<{ rel: string; reason: string }> = [];
  let stoppedBy: DicomwebRequestError | undefined;
  const handled = () => stored + alreadyPresent + [...skipped.values()].reduce((a, b) => a + b, 0) + failed.length;
  const tick = () => progress.update('import', handled(), files.length, `${stored} stored, ${failed.length} failed`);

  /**
   * Files to send, grouped into requests. A batch never holds two files with
   * the same SOP Instance UID, and a file whose UID is unknown here goes alone:
   * the answer then maps to files without doubt.
   */
  async function* batches(): AsyncGenerator<Sendable[]> {
    let batch: Sendable[] = [];
    let bytes = 0;
    for (const file of files) {
      if (stoppedBy) return;
      tick();
      if (state.has(file)) {
        alreadyPresent++;
        continue;
      }
      const found = await classify(file);
      if (found.kind === 'skip') skipped.set(found.reason, (skipped.get(found.reason) ?? 0) + 1);
      if (found.kind === 'unreadable') failed.push({ rel: file.rel, reason: found.reason });
      if (found.kind !== 'dicom') continue;
      const item = { file, sop: found.sopInstanceUid };
      const full = batch.length >= batchSize || bytes + file.size > MAX_BATCH_BYTES;
      const clash = item.sop === undefined || batch.some((b) => b.sop === undefined || b.sop === item.sop);
      if (batch.length > 0 && (full || clash)) {
        yield batch;
        [batch, bytes] = [[], 0];
      }
      batch.push(item);
      bytes += file.size;
    }
    if (batch.length > 0 && !stoppedBy) yield batch;
  }

  async function send(batch: Sendable[]): Promise<void> {
    try {
      const result = await client.store(batch.map(({ file }) => ({ body: readLazily(file.path) })));
      const acknowledged = new Set(result.stored.map((s) => s.sopInstanceUid));
      const refusals = new Map(result.failed.map((f) => [f.sopInstanceUid, describeFailure(f)]));
      const done: Sendable[] = [];
      for (const item of batch) {
        // A lone file of unknown UID: the one answer is its answer.
        const ok = item.sop === undefined ? result.stored.length === 1 : acknowledged.has(item.sop);
        if (ok) done.push(item);
        else {
          const refusal = item.sop === undefined ? result.failed[0] && describeFailure(result.failed[0]) : refusals.get(item.sop);
          failed.push({ rel: item.file.rel, reason: refusal ?? 'not acknowledged by the server' });
        }
      }
      await state.record(done);
      stored += done.length;
    } catch (err) {
      if (!(err instanceof DicomwebRequestError)) throw err;
      stoppedBy ??= err;
      for (const item of batch) failed.push({ rel: item.file.rel, reason: err.message });
    }
    tick();
  }

  try {
    const queue = batches();
    const lane = async (): Promise<void> => {
      for (let next = await queue.next(); !next.done; next = await queue.next()) await send(next.value);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    tick();
  } finally {
    progress.finish();
    await state.close();
  }

  const notAttempted = files.length - handled();
  if (stoppedBy) process.stderr.write(`atrium: stopped: ${stoppedBy.message}\n`);
  const shown = stoppedBy ? failed.filter((f) => f.reason !== stoppedBy!.message) : failed;
  for (const f of shown.slice(0, 50)) process.stderr.write(`atrium: failed ${f.rel}: ${f.reason}\n`);
  if (shown.length > 50) process.stderr.write(`atrium: ... and ${shown.length - 50} more failures\n`);
  const skippedTotal = [...skipped.values()].reduce((a, b) => a + b, 0);
  if (skippedTotal > 0) process.stdout.write(`skipped: ${[...skipped].map(([reason, n]) => `${n} ${reason}`).join(', ')}\n`);
  const tail = notAttempted > 0 ? `, ${notAttempted} not attempted (run again to resume)` : '';
  process.stdout.write(`${stored} stored, ${alreadyPresent} already present, ${skippedTotal} skipped, ${failed.length} failed${tail}\n`);
  return failed.length > 0 || notAttempted > 0 ? 1 : 0;
}

/** A file's bytes, opened only when the request gets to it. */
async function* readLazily(path: string): AsyncGenerator<Uint8Array> {
  yield* createReadStream(path);
}
