import { defaultViewerDir, isViewerDir } from '../../../src/dicomweb/viewer/location.js';

/** The fetched OHIF build; throws (never skips) when it is missing. */
export function requireViewerDir(): string {
  const dir = defaultViewerDir();
  if (!isViewerDir(dir)) {
    throw new Error(`e2e: no OHIF build in ${dir}. Fetch it with: node scripts/fetch-viewer.mjs (npm ci runs it unless ATRIUM_SKIP_VIEWER=1)`);
  }
  return dir;
}
