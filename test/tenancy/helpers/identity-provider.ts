import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { OidcConfig } from '../../../src/tenancy/oidc.js';

export interface TokenOptions {
  audience?: string;
  expiresIn?: string;
  /** Sign with another key than the published one. */
  key?: CryptoKey;
}

/** An OpenID Connect provider for tests: its signing key's JWKS served on loopback. */
export interface IdentityProvider {
  /** What `serve --oidc-*` would be given for it. */
  readonly config: OidcConfig;
  /** A key the provider never published (a forged signature). */
  readonly otherKey: CryptoKey;
  /** A signed JWT with `claims`, for the configured audience unless told otherwise. */
  token(claims: Record<string, unknown>, options?: TokenOptions): Promise<string>;
  close(): void;
}

export async function startIdentityProvider(subject: string): Promise<IdentityProvider> {
  const issuer = 'https://idp.example.test';
  const audience = 'atrium';
  const pair = await generateKeyPair('RS256');
  const otherKey = (await generateKeyPair('RS256')).privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] })));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
  return {
    config: { issuer, audience, jwksUrl, tenantsClaim: 'atrium_tenants' },
    otherKey,
    token: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience(options.audience ?? audience)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '10m')
        .sign(options.key ?? pair.privateKey),
    close: () => jwks.close(),
  };
}
