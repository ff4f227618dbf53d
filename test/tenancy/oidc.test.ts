import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantId } from '../../src/storage/ids.js';
import { startServer, type TestServer } from '../dicomweb/helpers/server.js';

const ISSUER = 'https://idp.example.test';
const AUDIENCE = 'atrium';
let jwks: Server;
let server: TestServer;
let signingKey: CryptoKey;
let otherKey: CryptoKey;

async function token(claims: Record<string, unknown>, opts: { audience?: string; expiresIn?: string; key?: CryptoKey } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience(opts.audience ?? AUDIENCE)
    .setSubject('dr-house')
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '5m')
    .sign(opts.key ?? signingKey);
}

async function search(tenant: string, jwt: string) {
  const res = await request(`${server.origin}/tenants/${tenant}/dicom-web/studies`, { headers: { authorization: `Bearer ${jwt}` } });
  await res.body.dump();
  return res.statusCode;
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  // The identity provider's JWKS, served on loopback.
  jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] })));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
  server = await startServer({ authMode: 'required', oidc: { issuer: ISSUER, audience: AUDIENCE, jwksUrl, tenantsClaim: 'atrium_tenants' } });
  for (const t of ['north', 'south', 'east']) server.archive.tenants.add(TenantId.parse(t));
});
afterAll(async () => {
  await server.close();
  jwks.close();
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
    expect(await search('north', await token(claims, { key: otherKey }))).toBe(401);
  });

  it('API keys keep working beside tokens', async () => {
    const { key } = server.archive.keys.add({ tenant: TenantId.parse('east'), role: 'reader' });
    expect(await search('east', key)).toBe(200);
  });
});
