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

  it('remove deletes an empty tenant; removing it again fails', () => {
    expect(atrium('tenant', 'remove', 'hospital-a')).toMatchObject({ code: 0, stdout: 'tenant hospital-a removed\n' });
    expect(atrium('tenant', 'remove', 'hospital-a').code).toBe(1);
    expect(atrium('tenant', 'list').stdout).not.toContain('hospital-a');
  });
});
