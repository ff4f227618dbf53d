import { parseArgs } from 'node:util';
import { TenantId } from '../src/storage/ids.js';
import { openArchive } from '../src/storage/open-archive.js';
import { toAuditMessage } from '../src/tenancy/audit-message.js';

export const AUDIT_USAGE = `  audit [--tenant T] [--since ISO] [--until ISO] [--principal KEYID] [--study UID]
        [--format jsonl|dicom] --data DIR
                                      audit records (dicom: PS3.15 A.5 audit messages)
  audit verify --data DIR             check the hash chain; exit 1 where it breaks
`;

/** `atrium audit [verify]`; returns the process exit code. */
export async function auditCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      tenant: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      principal: { type: 'string' },
      study: { type: 'string' },
      format: { type: 'string' },
    },
  });
  const archive = await openArchive(values.data ?? './data');
  try {
    if (positionals[0] === 'verify') {
      const broken = archive.audit.verify();
      if (broken) {
        process.stderr.write(`atrium: audit trail broken at record ${broken.seq}: ${broken.reason}\n`);
        return 1;
      }
      process.stdout.write(`audit trail verified: ${archive.audit.query({}).length} records\n`);
      return 0;
    }
    if (values.tenant !== undefined && !TenantId.is(values.tenant)) {
      process.stderr.write(`atrium: invalid tenant id ${JSON.stringify(values.tenant)}\n`);
      return 2;
    }
    const records = archive.audit.query({ ...values, tenant: values.tenant as TenantId | undefined });
    const format = values.format ?? 'jsonl';
    if (format !== 'jsonl' && format !== 'dicom') {
      process.stderr.write('atrium: --format must be jsonl or dicom\n');
      return 2;
    }
    for (const record of records) {
      process.stdout.write(`${format === 'dicom' ? toAuditMessage(record) : JSON.stringify(record)}\n`);
    }
    return 0;
  } finally {
    archive.index.close();
  }
}
