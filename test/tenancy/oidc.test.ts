import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantId } from '../../src/storage/ids.js';
import { startServer, type TestServer } from '../dicomweb/helpers/server.js';
import { startIdentityProvider, type IdentityProvider, type TokenOptions } from './helpers/identity-provider.js';

let idp: IdentityProvider;
let server: TestServer;

const token = (claims: Record<string, unknown>, options?: TokenOptions) => idp.token(claims, options);

async function search(tenant: string, jwt: string) {
  const res = await request(`${server.origin}/tenants/${tenant}/dicom-web/studies`, { headers: { authorization: `Bearer ${jwt}` } });
  await res.body.dump();
  return res.statusCode;
}

beforeAll(async () => {
  // The identity provider's JWKS, served on loopback.
  idp = await startIdentityProvider('dr-house');
  server = await startServer({ authMode: 'required', oidc: idp.config });
  for (const t of ['north', 'south', 'east']) server.archive.tenants.add(TenantId.parse(t));
});
afterAll(async () => {
  await server.close();
  idp.close();
});

describe('identity-provider tokens (OIDC JWT)', () => {
  it('a radiologist covering two sites reads both, and only those', async () => {
    const jwt = await token({ atrium_tenants: { north: 'reader', south: 'reader' } });
    expect(await search('north', jwt)).toBe(200);
    expect(await search('south', jwt)).toBe(200);
    expect(await search('east', jwt)).toBe(404);
  });

  it('grants may also be "tenant:role" strings; the role still limits the methods', async () => {
    const jwt = await token({ atrium_tenants: ['north:reader'] });
    const stow = await request(`${server.origin}/tenants/north/dicom-web/studies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/dicom' },
      body: Buffer.from('x'),
    });
    await stow.body.dump();
    expect(stow.statusCode).toBe(403);
  });

  it('an expired token, another audience, or another signer: 401', async () => {
    const claims = { atrium_tenants: { north: 'admin' } };
    expect(await search('north', await token(claims, { expiresIn: '-1m' }))).toBe(401);
    expect(await search('north', await token(claims, { audience: 'someone-else' }))).toBe(401);
    expect(await search('north', await token(claims, { key: idp.otherKey }))).toBe(401);
  });

  it('API keys keep working beside tokens', async () => {
    const { key } = server.archive.keys.add({ tenant: TenantId.parse('east'), role: 'reader' });
    expect(await search('east', key)).toBe(200);
  });
});
