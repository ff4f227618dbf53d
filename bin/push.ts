import { copyCommand, copyUsage } from './copy-command.js';

export const PUSH_USAGE = copyUsage('push');

/** `atrium push --to URL ...`: from atrium to any DICOMweb server; returns the exit code. */
export function pushCommand(args: string[]): Promise<number> {
  return copyCommand('push', args);
}
