/** JSON schema of a UID path parameter (PS3.5 9.1: digits and dots, at most 64 characters). */
export const UID_PARAM = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)*$', maxLength: 64 } as const;
