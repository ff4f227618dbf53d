import { parseArgs } from 'node:util';
import { TenantId } from '../src/storage/ids.js';
import { openArchive } from '../src/storage/open-archive.js';
import { TenantNotEmptyError } from '../src/storage/tenant-store.js';
import { cliEvent } from './cli-event.js';

export const TENANT_USAGE = `  tenant add T --data DIR             create tenant T (lower-case letters, digits, '-')
  tenant list --data DIR              tenants with their instance counts
  tenant remove T --data DIR [--force]
                                      delete tenant T; refused while it holds data unless --force
  tenant quota T [--max-bytes N|none] [--max-instances N|none] --data DIR
                                      limits STOW checks (past them: failure A700)
`;

/** `atrium tenant add|list|remove`; returns the process exit code. */
export async function tenantCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      force: { type: 'boolean' },
      'max-bytes': { type: 'string' },
      'max-instances': { type: 'string' },
    },
  });
  const [action, id] = positionals;
  const archive = await openArchive(values.data ?? './data');
  try {
    if (action === 'list') {
      for (const t of archive.tenants.list()) {
        const limits = `max ${t.maxInstances ?? 'unlimited'} instances, ${t.maxBytes ?? 'unlimited'} bytes`;
        process.stdout.write(`${t.id}\t${t.instances} instances\t${t.bytes} bytes\t${limits}\tcreated ${t.createdAt}\n`);
      }
      return 0;
    }
    if ((action !== 'add' && action !== 'remove' && action !== 'quota') || id === undefined) {
      process.stderr.write(`usage:\n${TENANT_USAGE}`);
      return 2;
    }
    if (!TenantId.is(id)) {
      process.stderr.write(`atrium: invalid tenant id ${JSON.stringify(id)}: 1-63 lower-case letters, digits or '-', starting with a letter or digit\n`);
      return 2;
    }
    if (action === 'quota') {
      const limit = (raw: string | undefined, current: number | null): number | null | undefined => {
        if (raw === undefined) return current;
        if (raw === 'none') return null;
        return /^[0-9]+$/.test(raw) ? Number(raw) : undefined;
      };
      const now = archive.tenants.list().find((t) => t.id === id);
      if (!now) {
        process.stderr.write(`atrium: no tenant ${id}\n`);
        return 1;
      }
      const maxBytes = limit(values['max-bytes'], now.maxBytes);
      const maxInstances = limit(values['max-instances'], now.maxInstances);
      if (maxBytes === undefined || maxInstances === undefined) {
        process.stderr.write('atrium: a limit is a whole number or none\n');
        return 2;
      }
      archive.tenants.setQuota(id, { maxBytes, maxInstances });
      archive.audit.append([cliEvent(id, 'tenant-change', `quota of ${id}: ${maxInstances ?? 'unlimited'} instances, ${maxBytes ?? 'unlimited'} bytes`)]);
      process.stdout.write(`tenant ${id}: max ${maxInstances ?? 'unlimited'} instances, ${maxBytes ?? 'unlimited'} bytes\n`);
      return 0;
    }
    if (action === 'add') {
      const created = archive.tenants.add(id);
      if (created) archive.audit.append([cliEvent(id, 'tenant-change', `tenant ${id} added`)]);
      process.stdout.write(created ? `tenant ${id} added\n` : `tenant ${id} already exists\n`);
      return 0;
    }
    if (id === TenantId.DEFAULT) {
      process.stderr.write('atrium: the default tenant cannot be removed\n');
      return 1;
    }
    if (!archive.tenants.remove(id, { force: values.force ?? false })) {
      process.stderr.write(`atrium: no tenant ${id}\n`);
      return 1;
    }
    await Promise.all([archive.blobs.removeTenant(id), archive.frameCache.removeTenant(id)]);
    archive.audit.append([cliEvent(id, 'tenant-change', `tenant ${id} removed${values.force ? ' with its data' : ''}`)]);
    process.stdout.write(`tenant ${id} removed\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof TenantNotEmptyError)) throw err;
    process.stderr.write(`atrium: ${err.message}\n`);
    return 1;
  } finally {
    archive.index.close();
  }
}
