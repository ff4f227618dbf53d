/** Branded identifiers, so a tenant can never be passed where a UID is expected. */

export type TenantId = string & { readonly __brand: 'TenantId' };

const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const TenantId = Object.freeze({
  DEFAULT: 'default' as TenantId,
  is(value: string): value is TenantId {
    return TENANT_ID.test(value);
  },
  /** Throws on anything that is not a lower-case slug of at most 63 characters. */
  parse(value: string): TenantId {
    if (!TENANT_ID.test(value)) throw new RangeError(`invalid tenant id: ${JSON.stringify(value)}`);
    return value as TenantId;
  },
});

/** A DICOM UID (PS3.5 9.1): digits and dots, at most 64 characters. */
export type Uid = string;

/** PS3.5 9.1 syntax check. Lenient on leading zeros, which real files carry. */
export function isUid(value: string): boolean {
  return value.length > 0 && value.length <= 64 && /^[0-9]+(\.[0-9]+)*$/.test(value);
}
