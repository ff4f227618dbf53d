/** What a DICOMweb client presents to a server. */
export type Credentials =
  /** RFC 6750: an atrium API key or any bearer token. */
  | { readonly kind: 'bearer'; readonly token: string }
  /** RFC 7617: user and password (atrium takes a key as the password, whatever the user). */
  | { readonly kind: 'basic'; readonly user: string; readonly password: string };

/** The Authorization header value for the credentials. */
export function authorizationHeader(credentials: Credentials): string {
  return credentials.kind === 'bearer'
    ? `Bearer ${credentials.token}`
    : `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`, 'utf8').toString('base64')}`;
}
