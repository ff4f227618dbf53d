/**
 * required: every DICOMweb request authenticates, loopback too.
 * auto (default): required unless the server listens on loopback only.
 * off: never required, even off loopback (an explicit, loudly logged opt-out).
 */
export type AuthMode = 'auto' | 'required' | 'off';

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function credentialsRequired(mode: AuthMode, host: string): boolean {
  if (mode === 'required') return true;
  if (mode === 'off') return false;
  return !isLoopback(host);
}
