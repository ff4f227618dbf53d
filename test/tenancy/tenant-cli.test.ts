import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = new URL('../../dist/bin/atrium.js', import.meta.url).pathname;
let data: string;

function atrium(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--data', data], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  data = await mkdtemp(join(tmpdir(), 'atrium-cli-'));
});
afterAll(() => rm(data, { recursive: true, force: true }));

describe('atrium tenant (the brief\'s command-line contract)', () => {
  it('add creates a tenant once; list shows it beside the default tenant', () => {
    expect(atrium('tenant', 'add', 'hospital-a')).toMatchObject({ code: 0, stdout: 'tenant hospital-a added\n' });
    expect(atrium('tenant', 'add', 'hospital-a')).toMatchObject({ code: 0, stdout: 'tenant hospital-a already exists\n' });
    const list = atrium('tenant', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n').map((line) => line.split('\t')[0])).toEqual(['default', 'hospital-a', '']);
  });

  it('refuses a malformed id (exit 2) and the default tenant (exit 1)', () => {
    const bad = atrium('tenant', 'add', 'Hospital_A');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid tenant id/);
    expect(atrium('tenant', 'remove', 'default').code).toBe(1);
  });

  it('key add prints the key as the last line; revoke and list', () => {
    const added = atrium('key', 'add', '--tenant', 'hospital-a', '--role', 'writer');
    expect(added.code).toBe(0);
    const lines = added.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^atr_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const keyId = /^key ([0-9a-f]{12}):/.exec(lines[0]!)?.[1];
    expect(keyId).toBeDefined();
    expect(atrium('key', 'list').stdout).toContain(`${keyId}\thospital-a\twriter\tactive`);
    expect(atrium('key', 'revoke', keyId!)).toMatchObject({ code: 0, stdout: `key ${keyId} revoked\n` });
    expect(atrium('key', 'revoke', keyId!).code).toBe(1);
    expect(atrium('key', 'list').stdout).toMatch(new RegExp(`${keyId}\thospital-a\twriter\trevoked `));
    expect(atrium('key', 'add', '--tenant', 'no-such', '--role', 'reader').code).toBe(1);
    expect(atrium('key', 'add', '--tenant', 'hospital-a', '--role', 'superuser').code).toBe(2);
  });

  it('audit lists the tenant and key changes made here, and verify checks the chain', () => {
    const records = atrium('audit').stdout.trim().split('\n').map((line) => JSON.parse(line) as { action: string; detail: string });
    expect(records.map((r) => r.action)).toEqual(['tenant-change', 'key-change', 'key-change']);
    expect(records[0]!.detail).toBe('tenant hospital-a added');
    expect(atrium('audit', '--format', 'dicom').stdout).toContain('<EventID csd-code="110113"');
    expect(atrium('audit', 'verify')).toMatchObject({ code: 0, stdout: 'audit trail verified: 3 records\n' });
  });

  it('remove deletes an empty tenant; removing it again fails', () => {
    expect(atrium('tenant', 'remove', 'hospital-a')).toMatchObject({ code: 0, stdout: 'tenant hospital-a removed\n' });
    expect(atrium('tenant', 'remove', 'hospital-a').code).toBe(1);
    expect(atrium('tenant', 'list').stdout).not.toContain('hospital-a');
  });
});
