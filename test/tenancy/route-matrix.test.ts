// Every route of a tenant's DICOMweb root, probed over real HTTP with every kind
// of credential that must be refused. Two tenants hold overlapping UIDs (the
// same files stored in both) and tenant A holds one study B does not. The
// matrix is generated from two tables: ROUTES x CREDENTIALS -> expected answer.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../src/dicom/json-model.js';
import { TenantId } from '../../src/storage/ids.js';
import type { Role } from '../../src/storage/key-store.js';
import { startServer, TESTDATA, type TestServer } from '../dicomweb/helpers/server.js';
import { startIdentityProvider, type IdentityProvider, type TokenOptions } from './helpers/identity-provider.js';

const A = TenantId.parse('site-a');
const B = TenantId.parse('site-b');
/** A well-formed tenant id that names no tenant: the reference for "nothing here". */
const NO_SUCH_TENANT = 'site-z';

interface Uids {
  readonly study: string;
  readonly series: string;
  readonly instance: string;
}

/** Stored in both tenants, byte for byte. */
const SHARED_FILE = 'files/DICOMHTJ2K/CT2_UNC.dcm';
/** The study only tenant A holds; its UIDs and patient must never reach anyone else. */
const A_ONLY = {
  file: 'files/DICOMHTJ2K/MR1_UNC.dcm',
  study: '1.3.6.1.4.1.5962.1.2.4.20040826185059.5457',
  series: '1.3.6.1.4.1.5962.1.3.4.1.20040826185059.5457',
  instance: '1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457',
  patientName: 'CompressedSamples^MR1',
  patientId: '4MR1',
} as const;
/** One SOP Instance UID stored with different bytes in each tenant (native in A, JPEG 2000 in B). */
const SAME_SOP = {
  fileInA: 'files/pydicom-data/emri_small.dcm',
  fileInB: 'files/pydicom-data/emri_small_jpeg_2k_lossless.dcm',
  study: '1.2.826.0.1.3680043.2.1143.3365540476747857567072393009509418480',
  series: '1.2.826.0.1.3680043.2.1143.3712364435022872412969836992152438492',
  instance: '1.2.826.0.1.3680043.2.1143.6455556726214900995651753669640998622',
} as const;
/** What refused STOW requests try to store; no tenant may hold it afterwards. */
const STRANGER = { file: 'files/pydicom/dicomdirtests/77654033/CR1/6154.dcm', study: '1.3.6.1.4.1.5962.1.1.0.0.0.1196527414.5534.0.1' } as const;
/** UIDs no tenant holds. */
const MISSING: Uids = { study: '1.2.826.0.1.3680043.10.999.1', series: '1.2.826.0.1.3680043.10.999.2', instance: '1.2.826.0.1.3680043.10.999.3' };
/** What a refused response must never contain (beyond the request target it reflects). */
const A_SECRETS = [A_ONLY.study, A_ONLY.series, A_ONLY.instance, A_ONLY.patientName, A_ONLY.patientId];

const MULTIPART_DICOM = 'multipart/related; type="application/dicom"; transfer-syntax=*';
const MULTIPART_FRAMES = 'multipart/related; type=application/octet-stream; transfer-syntax=*';
const STOW_BOUNDARY = 'matrix-boundary-7d1c';

type Method = 'GET' | 'POST' | 'DELETE';
type Family = 'qido' | 'wado' | 'rendered' | 'stow' | 'delete';

interface Route {
  readonly method: Method;
  readonly family: Family;
  /** Relative to a DICOMweb root; {study} {series} {instance} {bulk} are filled in. */
  readonly template: string;
  readonly accept?: string;
}

const INSTANCE = '/studies/{study}/series/{series}/instances/{instance}';

/** The whole DICOMweb surface under /tenants/{t}/dicom-web. */
const ROUTES: readonly Route[] = [
  // QIDO-RS (PS3.18 10.6): each search narrowed to the A-only resource.
  { method: 'GET', family: 'qido', template: '/studies?StudyInstanceUID={study}' },
  { method: 'GET', family: 'qido', template: '/series?SeriesInstanceUID={series}' },
  { method: 'GET', family: 'qido', template: '/instances?SOPInstanceUID={instance}' },
  { method: 'GET', family: 'qido', template: '/studies/{study}/series' },
  { method: 'GET', family: 'qido', template: '/studies/{study}/instances' },
  { method: 'GET', family: 'qido', template: '/studies/{study}/series/{series}/instances' },
  // WADO-RS (PS3.18 10.4): instances, metadata, frames, bulk data.
  { method: 'GET', family: 'wado', template: '/studies/{study}', accept: MULTIPART_DICOM },
  { method: 'GET', family: 'wado', template: '/studies/{study}/series/{series}', accept: MULTIPART_DICOM },
  { method: 'GET', family: 'wado', template: INSTANCE, accept: MULTIPART_DICOM },
  { method: 'GET', family: 'wado', template: '/studies/{study}/metadata', accept: 'application/dicom+json' },
  { method: 'GET', family: 'wado', template: '/studies/{study}/series/{series}/metadata', accept: 'application/dicom+json' },
  { method: 'GET', family: 'wado', template: `${INSTANCE}/metadata`, accept: 'application/dicom+json' },
  { method: 'GET', family: 'wado', template: `${INSTANCE}/frames/1`, accept: MULTIPART_FRAMES },
  { method: 'GET', family: 'wado', template: `${INSTANCE}/bulkdata/{bulk}`, accept: 'application/octet-stream' },
  // Rendered and thumbnail resources at every level.
  // Study and series rendered are multipart only (PS3.18 10.4.4).
  { method: 'GET', family: 'rendered', template: '/studies/{study}/rendered', accept: 'multipart/related; type="image/jpeg"' },
  { method: 'GET', family: 'rendered', template: '/studies/{study}/series/{series}/rendered', accept: 'multipart/related; type="image/jpeg"' },
  { method: 'GET', family: 'rendered', template: `${INSTANCE}/rendered`, accept: 'image/jpeg' },
  { method: 'GET', family: 'rendered', template: `${INSTANCE}/frames/1/rendered`, accept: 'image/jpeg' },
  { method: 'GET', family: 'rendered', template: '/studies/{study}/thumbnail', accept: 'image/jpeg' },
  { method: 'GET', family: 'rendered', template: '/studies/{study}/series/{series}/thumbnail', accept: 'image/jpeg' },
  { method: 'GET', family: 'rendered', template: `${INSTANCE}/thumbnail`, accept: 'image/jpeg' },
  { method: 'GET', family: 'rendered', template: `${INSTANCE}/frames/1/thumbnail`, accept: 'image/jpeg' },
  // STOW-RS (PS3.18 10.5).
  { method: 'POST', family: 'stow', template: '/studies' },
  { method: 'POST', family: 'stow', template: '/studies/{study}' },
  // DELETE (atrium's extension).
  { method: 'DELETE', family: 'delete', template: '/studies/{study}' },
  { method: 'DELETE', family: 'delete', template: '/studies/{study}/series/{series}' },
  { method: 'DELETE', family: 'delete', template: INSTANCE },
];

const label = (route: Route) => `${route.method} ${route.template}`;
/** it.each rows as [title, row]: '%s' prints the whole title ($name interpolation truncates it). */
const titled = <T extends { title: string }>(rows: T[]): Array<[string, T]> => rows.map((row) => [row.title, row]);

/**
 * Credentials that must be refused. 'unauthenticated': refused before any
 * tenant is looked at (401). 'foreign': a valid principal of tenant B only, for
 * whom tenant A must look exactly like a tenant that does not exist (404).
 * Broken credentials all carry the strongest grant on A (admin), so a refusal
 * can only come from the defect named in the row.
 */
type Kind = 'unauthenticated' | 'foreign';
interface Credential {
  readonly name: string;
  readonly kind: Kind;
  /** The Authorization header; undefined sends none. Read at run time (keys are made in beforeAll). */
  readonly header: () => string | undefined;
}

/** Keys and tokens, made in beforeAll. */
type Made =
  | `${Role}A` | `${Role}B` | 'revokedA' | 'expiredA'
  | 'jwtValidA' | 'jwtOnlyB' | 'jwtExpired' | 'jwtOtherAudience' | 'jwtOtherSigner';
const made = new Map<Made, string>();
function key(name: Made): string {
  const value = made.get(name);
  if (value === undefined) throw new Error(`${name} was not made`);
  return value;
}
const bearer = (name: Made) => () => `Bearer ${key(name)}`;

const CREDENTIALS: readonly Credential[] = [
  { name: 'no credential', kind: 'unauthenticated', header: () => undefined },
  { name: 'malformed Authorization (Bearer without a token)', kind: 'unauthenticated', header: () => 'Bearer' },
  { name: 'malformed Authorization (unknown scheme)', kind: 'unauthenticated', header: () => 'Negotiate YWJj' },
  { name: 'unknown key', kind: 'unauthenticated', header: () => `Bearer atr_000000000000_${'x'.repeat(43)}` },
  { name: 'revoked admin key of A', kind: 'unauthenticated', header: bearer('revokedA') },
  { name: 'expired admin key of A', kind: 'unauthenticated', header: bearer('expiredA') },
  { name: 'expired JWT granting A admin', kind: 'unauthenticated', header: bearer('jwtExpired') },
  { name: 'JWT for another audience granting A admin', kind: 'unauthenticated', header: bearer('jwtOtherAudience') },
  { name: 'JWT signed by another key granting A admin', kind: 'unauthenticated', header: bearer('jwtOtherSigner') },
  { name: 'reader key of B', kind: 'foreign', header: bearer('readerB') },
  { name: 'writer key of B', kind: 'foreign', header: bearer('writerB') },
  { name: 'admin key of B', kind: 'foreign', header: bearer('adminB') },
  { name: 'valid JWT granting only B (admin)', kind: 'foreign', header: bearer('jwtOnlyB') },
];

let server: TestServer;
let idp: IdentityProvider;
/** The tag path of a real BulkDataURI of the A-only instance, taken from its metadata. */
let bulkTag = '';
let stowBody: Buffer;

const root = (tenant: string) => `${server.origin}/tenants/${tenant}/dicom-web`;
const own = (role: Role) => `Bearer ${key(`${role}A`)}`;

function fill(template: string, uids: Uids): string {
  return template
    .replaceAll('{study}', uids.study)
    .replaceAll('{series}', uids.series)
    .replaceAll('{instance}', uids.instance)
    .replaceAll('{bulk}', bulkTag);
}

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** The request target's path as sent (the server may reflect it, e.g. in "No route"). */
  readonly path: string;
}

async function send(method: Method, url: string, authorization?: string, opts: { accept?: string; body?: Buffer; client?: Dispatcher } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (opts.accept) headers.accept = opts.accept;
  if (opts.body) headers['content-type'] = `multipart/related; type="application/dicom"; boundary=${STOW_BOUNDARY}`;
  const res = await request(url, { method, headers, body: opts.body, dispatcher: opts.client });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text(), path: new URL(url).pathname };
}

/** One route at one tenant root, with the route's Accept and (for STOW) a body. */
function probe(route: Route, tenant: string, uids: Uids, authorization: string | undefined, client?: Dispatcher): Promise<Reply> {
  return send(route.method, `${root(tenant)}${fill(route.template, uids)}`, authorization, {
    accept: route.accept,
    body: route.method === 'POST' ? stowBody : undefined,
    client,
  });
}

let nextAddress = 0;
/**
 * A client on its own loopback address. Ten failed authentications from one
 * address lock it out (429) for a minute; each refused row comes from a fresh
 * address so that it sees the answer to its own credential, not the lockout.
 */
async function fromFreshAddress<T>(fn: (client: Dispatcher) => Promise<T>): Promise<T> {
  nextAddress++;
  const client = new Agent({ localAddress: `127.42.${Math.floor(nextAddress / 250)}.${(nextAddress % 250) + 1}` });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** No A-only UID or patient datum in any header or in the body, once the reflected request path is set aside. */
function expectNothingOfA(reply: Reply): void {
  const body = reply.body.split(reply.path).join('{path}');
  const headers = JSON.stringify(reply.headers);
  for (const secret of A_SECRETS) {
    expect(body, `body leaks ${secret}`).not.toContain(secret);
    expect(headers, `headers leak ${secret}`).not.toContain(secret);
  }
}

/** What an unknown route answers (fastify's not-found handler), whoever asks. */
/** Status, media type and body, with the reflected request path set aside. */
function comparable(reply: Reply) {
  return { status: reply.status, contentType: reply.headers['content-type'], body: reply.body.split(reply.path).join('{path}') };
}

/** STOW of one file with that tenant's writer key. */
async function stow(tenant: TenantId, file: string): Promise<number> {
  const res = await request(`${root(tenant)}/studies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key(tenant === A ? 'writerA' : 'writerB')}`, 'content-type': 'application/dicom' },
    body: await readFile(new URL(file, TESTDATA)),
  });
  await res.body.dump();
  return res.statusCode;
}

function multipart(part: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${STOW_BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`),
    part,
    Buffer.from(`\r\n--${STOW_BOUNDARY}--\r\n`),
  ]);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  // The identity provider: its signing key's JWKS on loopback; another key it never published.
  idp = await startIdentityProvider('dr-matrix');
  const jwt = (grants: Record<string, Role>, options?: TokenOptions) => idp.token({ atrium_tenants: grants }, options);

  server = await startServer({ authMode: 'required', oidc: idp.config });
  const { tenants, keys } = server.archive;
  tenants.add(A);
  tenants.add(B);
  for (const role of ['reader', 'writer', 'admin'] as const) {
    made.set(`${role}A`, keys.add({ tenant: A, role }).key);
    made.set(`${role}B`, keys.add({ tenant: B, role }).key);
  }
  made.set('jwtValidA', await jwt({ [A]: 'reader' }));
  made.set('jwtOnlyB', await jwt({ [B]: 'admin' }));
  made.set('jwtExpired', await jwt({ [A]: 'admin' }, { expiresIn: '-1m' }));
  made.set('jwtOtherAudience', await jwt({ [A]: 'admin' }, { audience: 'someone-else' }));
  made.set('jwtOtherSigner', await jwt({ [A]: 'admin' }, { key: idp.otherKey }));

  // Keys that worked, then stopped working: one revoked, one that ran out (key add --expires-in).
  const revoked = keys.add({ tenant: A, role: 'admin' });
  const expiry = new Date(Date.now() + 1500);
  const expiring = keys.add({ tenant: A, role: 'admin', expiresAt: expiry });
  made.set('revokedA', revoked.key);
  made.set('expiredA', expiring.key);
  for (const working of [revoked.key, expiring.key]) {
    expect((await send('GET', `${root(A)}/studies`, `Bearer ${working}`)).status).toBe(200);
  }
  keys.revoke(revoked.keyId);

  expect(await stow(A, SHARED_FILE)).toBe(200);
  expect(await stow(B, SHARED_FILE)).toBe(200);
  expect(await stow(A, A_ONLY.file)).toBe(200);
  expect(await stow(A, SAME_SOP.fileInA)).toBe(200);
  expect(await stow(B, SAME_SOP.fileInB)).toBe(200);
  stowBody = multipart(await readFile(new URL(STRANGER.file, TESTDATA)));

  // A real BulkDataURI of the A-only instance (as a client would follow it).
  const metadata = await send('GET', `${root(A)}${fill(`${INSTANCE}/metadata`, A_ONLY)}`, own('reader'));
  expect(metadata.status).toBe(200);
  const [dataset] = JSON.parse(metadata.body) as DicomJsonDataset[];
  const uri = Object.values(dataset ?? {}).find((element) => element.BulkDataURI !== undefined)?.BulkDataURI ?? '';
  const prefix = `${root(A)}${fill(INSTANCE, A_ONLY)}/bulkdata/`;
  expect(uri.startsWith(prefix), uri).toBe(true);
  bulkTag = uri.slice(prefix.length);

  // Let the expiring key run out before the matrix uses it.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiry.getTime() - Date.now()) + 50));
  expect((await send('GET', `${root(A)}/studies`, `Bearer ${expiring.key}`)).status).toBe(401);
}, 60_000);

afterAll(async () => {
  await server?.close();
  idp?.close();
});

describe('controls: each route and credential works where it is entitled to', () => {
  const reads = ROUTES.filter((r) => r.method === 'GET');
  it.each(titled(reads.map((route) => ({ route, title: `A's reader: ${label(route)}` }))))('%s', async (_, { route }) => {
    const reply = await probe(route, A, A_ONLY, own('reader'));
    expect(reply.status, reply.body.slice(0, 200)).toBe(200);
    // Every answer is about the A-only resource: its UID is in the search result, the metadata, the Part 10 bytes.
    if (route.family === 'qido' || route.template.endsWith('metadata') || route.template === INSTANCE) {
      expect(reply.body).toContain(route.template.includes('instance') ? A_ONLY.instance : A_ONLY.study);
    }
  });

  it("A's writer stores on both STOW routes (the same bytes again: stored once, 200)", async () => {
    const again = multipart(await readFile(new URL(A_ONLY.file, TESTDATA)));
    for (const path of ['/studies', `/studies/${A_ONLY.study}`]) {
      const res = await send('POST', `${root(A)}${path}`, own('writer'), { body: again });
      expect(res.status, path).toBe(200);
    }
  });

  it("B's keys and the B-only JWT read B's own copy of the shared study", async () => {
    for (const name of ['readerB', 'writerB', 'adminB', 'jwtOnlyB'] as const) {
      const reply = await send('GET', `${root(B)}/studies`, `Bearer ${key(name)}`);
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toHaveLength(2); // the shared CT and B's copy of the same-SOP study
    }
  });

  it('a valid JWT granting A reads A', async () => {
    const reply = await send('GET', `${root(A)}/studies?StudyInstanceUID=${A_ONLY.study}`, `Bearer ${key('jwtValidA')}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain(A_ONLY.study);
  });
});

describe('refused credentials (--auth required): route x credential', () => {
  const rows = ROUTES.flatMap((route) =>
    CREDENTIALS.filter((c) => c.kind === 'unauthenticated').map((credential) => ({
      route,
      credential,
      title: `${label(route)} with ${credential.name} -> 401`,
    })),
  );
  it.each(titled(rows))('%s', async (_, { route, credential }) => {
    const reply = await fromFreshAddress((client) => probe(route, A, A_ONLY, credential.header(), client));
    expectNothingOfA(reply);
    expect(reply.status, reply.body).toBe(401);
    const challenge = String(reply.headers['www-authenticate'] ?? '');
    expect(challenge).toContain('Bearer realm="atrium"');
    // RFC 6750 3.1: invalid_token when a token was presented, no error code when none was.
    if (credential.header() === undefined) expect(challenge).not.toContain('error=');
    else expect(challenge).toContain('error="invalid_token"');
  });
});

describe("tenant B's principals on tenant A: A looks like a tenant that does not exist", () => {
  const rows = ROUTES.flatMap((route) =>
    CREDENTIALS.filter((c) => c.kind === 'foreign').map((credential) => ({
      route,
      credential,
      title: `${label(route)} with ${credential.name} -> 404, as at an unknown tenant`,
    })),
  );
  it.each(titled(rows))('%s', async (_, { route, credential }) => {
    const reply = await probe(route, A, A_ONLY, credential.header());
    expectNothingOfA(reply);
    expect(reply.status, reply.body).toBe(404);
    expect(reply.headers['www-authenticate']).toBeUndefined();
    // Same status, media type and body as the same request at a tenant that does not exist:
    // nothing tells B whether tenant A, or anything in it, exists.
    const nowhere = await probe(route, NO_SUCH_TENANT, A_ONLY, credential.header());
    expect(comparable(reply)).toEqual(comparable(nowhere));
    // And the same as asking A for UIDs A does not hold, from B's side.
    const missingInA = await probe(route, A, MISSING, credential.header());
    expect(comparable(reply)).toEqual(comparable(missingInA));
  });
});

describe("another tenant's resource answers exactly as a missing one (status and body)", () => {
  // The reference is A's own entitled principal asking A for UIDs nobody holds. QIDO
  // and STOW have no such reference: a search for a missing UID is 200 [] and a store
  // creates; for them B's 404 is compared with an unknown tenant above (a 200 [] to B
  // at A's root and 404 at an unknown one would tell B that tenant A exists).
  const addressed = ROUTES.filter((r) => r.family === 'wado' || r.family === 'rendered' || r.family === 'delete');
  it.each(titled(addressed.map((route) => ({ route, title: label(route) }))))('%s', async (_, { route }) => {
    const fromB = await probe(route, A, A_ONLY, `Bearer ${key('adminB')}`);
    const missing = await probe(route, A, MISSING, own(route.method === 'DELETE' ? 'admin' : 'reader'));
    expect(missing.status).toBe(404);
    expect(comparable(fromB)).toEqual(comparable(missing));
  });
});

describe("roles within A: a reader cannot store or delete, a writer cannot delete (403)", () => {
  const rows = [
    ...ROUTES.filter((r) => r.method === 'POST' || r.method === 'DELETE').map((route) => ({ route, role: 'reader' as const })),
    ...ROUTES.filter((r) => r.method === 'DELETE').map((route) => ({ route, role: 'writer' as const })),
  ].map((row) => ({ ...row, title: `${label(row.route)} with A's ${row.role} key -> 403` }));
  it.each(titled(rows))('%s', async (_, { route, role }) => {
    const reply = await probe(route, A, A_ONLY, own(role));
    expectNothingOfA(reply);
    expect(reply.status, reply.body).toBe(403);
    expect(JSON.parse(reply.body)).toMatchObject({ error: 'ATRIUM_ERR_FORBIDDEN' });
  });
});

describe('after the matrix: the refused requests changed nothing', () => {
  it('no tenant holds what the refused STOWs sent', async () => {
    for (const [tenant, authorization] of [[A, own('admin')], [B, `Bearer ${key('adminB')}`]] as const) {
      const reply = await send('GET', `${root(tenant)}/studies?StudyInstanceUID=${STRANGER.study}`, authorization);
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toEqual([]);
    }
  });

  it("the A-only study survived every refused DELETE, whole and byte-identical", async () => {
    const reply = await request(`${root(A)}${fill(INSTANCE, A_ONLY)}`, {
      headers: { authorization: own('reader'), accept: 'application/dicom; transfer-syntax=*' },
    });
    expect(reply.statusCode).toBe(200);
    const bytes = Buffer.from(await reply.body.arrayBuffer());
    expect(sha256(bytes)).toBe(sha256(await readFile(new URL(A_ONLY.file, TESTDATA))));
    const series = await send('GET', `${root(A)}/studies/${A_ONLY.study}/series`, own('reader'));
    expect(JSON.parse(series.body)).toHaveLength(1);
  });
});

describe('the same SOP Instance UID in both tenants, with different bytes, stays two instances', () => {
  const path = fill(INSTANCE, SAME_SOP);
  async function retrieve(tenant: string, key: string) {
    const res = await request(`${root(tenant)}${path}`, { headers: { authorization: key, accept: 'application/dicom; transfer-syntax=*' } });
    return { status: res.statusCode, bytes: Buffer.from(await res.body.arrayBuffer()) };
  }

  it('each tenant returns its own bytes', async () => {
    const inA = await retrieve(A, own('reader'));
    const inB = await retrieve(B, `Bearer ${key('readerB')}`);
    expect(inA.status).toBe(200);
    expect(inB.status).toBe(200);
    expect(sha256(inA.bytes)).toBe(sha256(await readFile(new URL(SAME_SOP.fileInA, TESTDATA))));
    expect(sha256(inB.bytes)).toBe(sha256(await readFile(new URL(SAME_SOP.fileInB, TESTDATA))));
  });

  it("deleting it in B leaves A's instance intact", async () => {
    const removed = await send('DELETE', `${root(B)}${path}`, `Bearer ${key('adminB')}`);
    expect(removed.status).toBe(204);
    expect((await retrieve(B, `Bearer ${key('readerB')}`)).status).toBe(404);
    const inA = await retrieve(A, own('reader'));
    expect(inA.status).toBe(200);
    expect(sha256(inA.bytes)).toBe(sha256(await readFile(new URL(SAME_SOP.fileInA, TESTDATA))));
    const found = await send('GET', `${root(A)}/instances?SOPInstanceUID=${SAME_SOP.instance}`, own('reader'));
    expect(JSON.parse(found.body)).toHaveLength(1);
  });
});
