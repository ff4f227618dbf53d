/**
 * The API key a request presents (RFC 6750 Bearer, or RFC 7617 Basic with the
 * key as the password, which is what Orthanc's DICOMweb client can send).
 * undefined: no credentials; null: an Authorization header that is not usable.
 */
export function presentedKey(authorization: string | undefined): string | null | undefined {
  if (authorization === undefined || authorization.trim() === '') return undefined;
  const [scheme = '', value = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') return value || null;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : null;
  }
  return null;
}
