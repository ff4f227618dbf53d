import { spawn, type ChildProcess } from 'node:child_process';

const CLI = new URL('../../../dist/bin/atrium.js', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (`npm run build` first). Asynchronous, unlike the tenant
 * CLI tests: the servers it talks to run in this process and must keep serving.
 */
export function runCli(args: string[], onStart?: (child: ChildProcess) => void): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onStart?.(child);
  });
}

/** The last line of a command's stdout: the summary line of import, pull and push. */
export function summary(result: CliResult): string {
  return result.stdout.trimEnd().split('\n').at(-1) ?? '';
}
