import { parseArgs } from 'node:util';
import { TenantId } from '../src/storage/ids.js';
import { ROLES, type Role } from '../src/storage/key-store.js';
import { openArchive } from '../src/storage/open-archive.js';
import { cliEvent } from './cli-event.js';

export const KEY_USAGE = `  key add --tenant T --role reader|writer|admin [--expires-in DAYS] --data DIR
                                      make an API key; the key is the last line printed
  key revoke KEYID --data DIR         revoke a key at once
  key list --data DIR                 key ids, tenants, roles (never the keys)
`;

/** `atrium key add|revoke|list`; returns the process exit code. */
export async function keyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      tenant: { type: 'string' },
      role: { type: 'string' },
      'expires-in': { type: 'string' },
    },
  });
  const [action, keyId] = positionals;
  const archive = await openArchive(values.data ?? './data');
  try {
    switch (action) {
      case 'add': {
        const tenant = values.tenant ?? TenantId.DEFAULT;
        const role = values.role as Role;
        if (!TenantId.is(tenant) || !archive.tenants.exists(tenant)) {
          process.stderr.write(`atrium: no tenant ${JSON.stringify(tenant)} (atrium tenant add first)\n`);
          return 1;
        }
        if (!ROLES.includes(role)) {
          process.stderr.write(`atrium: --role must be one of ${ROLES.join(', ')}\n`);
          return 2;
        }
        const days = values['expires-in'] === undefined ? undefined : Number(values['expires-in']);
        if (days !== undefined && !(days > 0)) {
          process.stderr.write('atrium: --expires-in takes a positive number of days\n');
          return 2;
        }
        const expiresAt = days === undefined ? undefined : new Date(Date.now() + days * 86_400_000);
        const { keyId: id, key } = archive.keys.add({ tenant, role, expiresAt });
        archive.audit.append([cliEvent(tenant, 'key-change', `key ${id} added: ${role}`)]);
        process.stdout.write(`key ${id}: ${role} on tenant ${tenant}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''}\n`);
        process.stdout.write('shown once; store it now (atrium keeps only its hash):\n');
        process.stdout.write(`${key}\n`);
        return 0;
      }
      case 'revoke':
        if (!keyId) break;
        if (!archive.keys.revoke(keyId)) {
          process.stderr.write(`atrium: no active key ${keyId}\n`);
          return 1;
        }
        const keyTenant = archive.keys.list().find((k) => k.keyId === keyId)?.tenant ?? TenantId.DEFAULT;
        archive.audit.append([cliEvent(keyTenant, 'key-change', `key ${keyId} revoked`)]);
        process.stdout.write(`key ${keyId} revoked\n`);
        return 0;
      case 'list':
        for (const k of archive.keys.list()) {
          const state = k.revokedAt ? `revoked ${k.revokedAt}` : k.expiresAt ? `expires ${k.expiresAt}` : 'active';
          process.stdout.write(`${k.keyId}\t${k.tenant}\t${k.role}\t${state}\n`);
        }
        return 0;
    }
    process.stderr.write(`usage:\n${KEY_USAGE}`);
    return 2;
  } finally {
    archive.index.close();
  }
}
