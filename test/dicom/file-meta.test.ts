import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATION_CLASS_UID, part10Prefix } from '../../src/dicom/file-meta.js';
import { readInstance } from '../../src/dicom/instance-reader.js';

const TESTDATA = new URL('../../../shared/testdata/', import.meta.url);
const opts = { bulkDataUri: (p: string) => p };

describe('part10Prefix (PS3.10 7.1)', () => {
  it('is null for a Part 10 file', () => {
    expect(part10Prefix('part10', { sopClassUid: '1', sopInstanceUid: '2', transferSyntaxUid: '1.2.840.10008.1.2' })).toBeNull();
  });

  it('turns a bare data set into a Part 10 file that reads back with the same data set and a valid meta group', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atrium-meta-'));
    try {
      const bareFile = new URL('files/fo-dicom/CR-MONO1-10-chest.dcm', TESTDATA);
      const bare = await readInstance(bareFile.pathname, opts);
      expect(bare.fileFormat).toBe('bare-data-set');
      const ids = {
        sopClassUid: String(bare.dataset['00080016']?.Value?.[0]),
        sopInstanceUid: String(bare.dataset['00080018']?.Value?.[0]),
        transferSyntaxUid: bare.transferSyntaxUid,
      };
      const prefix = part10Prefix('bare-data-set', ids)!;
      const joined = join(dir, 'joined.dcm');
      await writeFile(joined, Buffer.concat([prefix, await readFile(bareFile)]));
      const part10 = await readInstance(joined, opts);
      expect(part10.fileFormat).toBe('part10');
      expect(part10.dataset).toEqual(bare.dataset);
      expect(part10.meta['00020010']?.Value).toEqual([ids.transferSyntaxUid]);
      expect(part10.meta['00020003']?.Value).toEqual([ids.sopInstanceUid]);
      expect(part10.meta['00020012']?.Value).toEqual([IMPLEMENTATION_CLASS_UID]);
      // Group length covers exactly the elements after it (PS3.10 7.1).
      const groupLength = prefix.readUInt32LE(132 + 8);
      expect(132 + 12 + groupLength).toBe(prefix.length);
      // Pixel Data moved by the prefix length only.
      expect(part10.pixel?.value.offset).toBe((bare.pixel?.value.offset ?? 0) + prefix.length);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
