// STOW-RS (PS3.18 10.5): instances stored per second, with 1 and with 10
// instances per request, `concurrency` requests in flight. Every round stores
// instances never seen before: archive files with their Study, Series and SOP
// Instance UIDs patched in place (the archive's UIDs all have one length) and
// StudyDate moved to 19000101, outside the study-list query's date range.
import { randomBytes } from 'node:crypto';
import type { Agent } from 'undici';
import { newUid, type Archive, type ArchiveInstance } from './archive.js';
import { expectStatus, http, pool } from './harness.js';
import { measure, type Line, type Sample, type Session, type Workload } from './workload.js';

/** Instances stored per mode per round (bounded by time as well). */
export const STOW_INSTANCES = 400;

export function multipartRelated(parts: readonly Buffer[]): { body: Buffer; contentType: string } {
  const boundary = `atrium-bench-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), part, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(chunks),
    // The quoted form OHIF and dicomweb-client send.
    contentType: `multipart/related; type="application/dicom"; boundary="${boundary}"`,
  };
}

function replaceAll(buf: Buffer, from: string, to: string): void {
  const needle = Buffer.from(from, 'latin1');
  if (needle.length !== to.length) throw new Error('UID patch must keep the length');
  for (let at = buf.indexOf(needle); at >= 0; at = buf.indexOf(needle, at + needle.length)) {
    buf.write(to, at, 'latin1');
  }
}

// (0008,0020) DA, length 8, in Explicit VR Little Endian.
const STUDY_DATE = Buffer.from([0x08, 0x00, 0x20, 0x00, 0x44, 0x41, 0x08, 0x00]);

/** A copy of `bytes` that is a new instance in new (mapped) study and series. */
function mint(bytes: Buffer, inst: ArchiveInstance, uids: Map<string, string>): Buffer {
  const out = Buffer.from(bytes);
  for (const old of [inst.study, inst.series, inst.sop]) {
    let fresh = uids.get(old);
    if (!fresh) uids.set(old, (fresh = newUid()));
    replaceAll(out, old, fresh);
  }
  const at = out.indexOf(STUDY_DATE);
  if (at >= 0) out.write('19000101', at + STUDY_DATE.length, 'latin1');
  return out;
}

interface Request {
  readonly body: Buffer;
  readonly contentType: string;
  readonly count: number;
}

function buildRequests(
  archive: Archive,
  files: ReadonlyMap<string, Buffer>,
  first: number,
  total: number,
  perRequest: number,
): Request[] {
  const uids = new Map<string, string>();
  const requests: Request[] = [];
  for (let i = 0; i < total; i += perRequest) {
    const parts: Buffer[] = [];
    for (let k = i; k < Math.min(total, i + perRequest); k++) {
      const inst = archive.instances[(first + k) % archive.instances.length]!;
      parts.push(mint(files.get(inst.sop)!, inst, uids));
    }
    requests.push({ ...multipartRelated(parts), count: parts.length });
  }
  return requests;
}

async function store(agent: Agent, root: string, req: Request): Promise<void> {
  const r = await http(agent, {
    method: 'POST',
    url: `${root}/studies`,
    headers: { 'content-type': req.contentType, accept: 'application/dicom+json' },
    body: req.body,
    keepText: true,
  });
  expectStatus(r, [200], 'STOW');
  const json = JSON.parse(r.text ?? '{}') as Record<string, { Value?: unknown[] } | undefined>;
  const stored = json['00081199']?.Value?.length ?? 0;
  if (stored !== req.count) throw new Error(`STOW: ${stored} of ${req.count} instances acknowledged`);
}

/** Stores the whole archive, 10 instances per request; returns instances/s. */
export async function storeArchive(
  agent: Agent,
  root: string,
  archive: Archive,
  files: ReadonlyMap<string, Buffer>,
  concurrency: number,
): Promise<number> {
  const all = [...archive.instances, archive.multiframe];
  const batches: ArchiveInstance[][] = [];
  for (let i = 0; i < all.length; i += 10) batches.push(all.slice(i, i + 10));
  const run = await pool({ concurrency, maxJobs: batches.length, maxMs: Infinity }, async (i) => {
    const batch = batches[i]!;
    await store(agent, root, { ...multipartRelated(batch.map((b) => files.get(b.sop)!)), count: batch.length });
  });
  return (all.length / run.elapsedMs) * 1000;
}

const LINES: readonly Line[] = [
  { id: 'stow.1', label: 'STOW, 1 instance/request', unit: 'instances/s', better: 'higher' },
  { id: 'stow.10', label: 'STOW, 10 instances/request', unit: 'instances/s', better: 'higher' },
];

let roundRequests: { mode: Line; requests: Request[] }[] = [];

export const stow: Workload = {
  name: 'stow',
  lines: LINES,
  async beforeRound(archive, files, round) {
    const first = round * STOW_INSTANCES;
    roundRequests = [
      { mode: LINES[0]!, requests: buildRequests(archive, files, first, STOW_INSTANCES, 1) },
      { mode: LINES[1]!, requests: buildRequests(archive, files, first, STOW_INSTANCES, 10) },
    ];
  },
  afterRound() {
    roundRequests = [];
  },
  async run(s: Session): Promise<Sample[]> {
    const samples: Sample[] = [];
    for (const { mode, requests } of roundRequests) {
      samples.push(
        await measure(mode.id, async () => {
          let stored = 0;
          const run = await pool(
            { concurrency: s.budget.concurrency, maxJobs: requests.length, maxMs: s.budget.lineMs * 4 },
            async (i) => {
              const req = requests[i]!;
              await store(s.agent, s.target.root, req);
              stored += req.count;
            },
          );
          return (stored / run.elapsedMs) * 1000;
        }),
      );
    }
    return samples;
  },
};
