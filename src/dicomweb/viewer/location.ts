import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Written last by scripts/fetch-viewer.mjs: its presence means the tree is complete. */
const MARKER = '.atrium-viewer.json';

/** The directory holding atrium's package.json, found upwards from this module (src/ or dist/src/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (name === 'atrium') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('atrium: cannot find the package root from ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Where scripts/fetch-viewer.mjs puts the stock OHIF build: viewer/ohif in the atrium checkout. */
export function defaultViewerDir(): string {
  return join(packageRoot(), 'viewer', 'ohif');
}

/** A viewer directory is usable when it holds OHIF's index.html. */
export function isViewerDir(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}

/** "@ohif/app 3.13.2" from the fetch marker, or undefined for a tree put there by other means. */
export function viewerRelease(dir: string): string | undefined {
  try {
    const marker = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as { package?: unknown; version?: unknown };
    return typeof marker.package === 'string' && typeof marker.version === 'string' ? `${marker.package} ${marker.version}` : undefined;
  } catch {
    return undefined;
  }
}
