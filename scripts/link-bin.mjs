// Links `node_modules/.bin/atrium` to the built CLI, so `npx atrium ...` in this
// checkout runs the local build at once. (With a package.json "bin" field, npm 11's
// npx re-installs the project into its cache first, rebuilding native modules.)
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'dist/bin/atrium.js');
const link = join(root, 'node_modules/.bin/atrium');
chmodSync(target, 0o755);
mkdirSync(dirname(link), { recursive: true });
rmSync(link, { force: true });
symlinkSync(relative(dirname(link), target), link);
