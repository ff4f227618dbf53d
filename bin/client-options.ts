/** Command-line options shared by the commands that speak DICOMweb to a server (import, pull, push). */
import type { Credentials } from '../src/dicomweb/client/credentials.js';
import { TenantId } from '../src/storage/ids.js';

/** The DICOMweb root of an atrium started with `atrium serve` and its defaults. */
export const LOCAL_ROOT = 'http://127.0.0.1:8080/dicom-web';

/** A mistake on the command line: the command prints it and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The parseArgs options for one side's credentials: `--key`, or `--user` and `--password` (with a prefix, e.g. `from-`). */
export function credentialOptions<P extends string>(prefix: P) {
  return {
    [`${prefix}key`]: { type: 'string' },
    [`${prefix}user`]: { type: 'string' },
    [`${prefix}password`]: { type: 'string' },
  } as Record<`${P}key` | `${P}user` | `${P}password`, { type: 'string' }>;
}

/** A side's credentials from its options; undefined when none were given. */
export function credentialsOf(values: Readonly<Record<string, unknown>>, prefix = ''): Credentials | undefined {
  const text = (name: string) => {
    const value = values[`${prefix}${name}`];
    return typeof value === 'string' ? value : undefined;
  };
  const [key, user, password] = [text('key'), text('user'), text('password')];
  if (key !== undefined) {
    if (user !== undefined || password !== undefined) throw new UsageError(`--${prefix}key or --${prefix}user/--${prefix}password, not both`);
    return { kind: 'bearer', token: key };
  }
  if (user === undefined && password === undefined) return undefined;
  if (user === undefined || password === undefined) throw new UsageError(`--${prefix}user and --${prefix}password go together`);
  return { kind: 'basic', user, password };
}

/** A DICOMweb root from the command line: an absolute http(s) URL, kept without a trailing slash. */
export function rootUrl(value: string, option: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option} must be a URL such as ${LOCAL_ROOT}, not ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${option} must be an http or https URL`);
  if (url.username || url.password) throw new UsageError(`${option}: give credentials with --key or --user/--password, not in the URL`);
  return value.replace(/\/+$/, '');
}

/** Tenant T's root on the same atrium: `.../dicom-web` becomes `.../tenants/T/dicom-web`. */
export function tenantRoot(root: string, tenant: string): string {
  if (!TenantId.is(tenant)) throw new UsageError(`invalid tenant id ${JSON.stringify(tenant)}`);
  if (!root.endsWith('/dicom-web') || /\/tenants\/[^/]+\/dicom-web$/.test(root)) {
    throw new UsageError(`--tenant needs an atrium root ending in /dicom-web, not ${root}`);
  }
  return `${root.slice(0, -'/dicom-web'.length)}/tenants/${tenant}/dicom-web`;
}

/** A whole number within bounds, for options such as --batch. */
export function positiveInt(value: string | undefined, option: string, fallback: number, max = 10_000): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${option} takes a whole number from 1 to ${max}`);
  return n;
}
