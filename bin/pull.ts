import { copyCommand, copyUsage } from './copy-command.js';

export const PULL_USAGE = copyUsage('pull');

/** `atrium pull --from URL ...`: from any DICOMweb server into atrium; returns the exit code. */
export function pullCommand(args: string[]): Promise<number> {
  return copyCommand('pull', args);
}
