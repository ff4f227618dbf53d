// Fetches the stock OHIF viewer atrium serves at `/`: the prebuilt `@ohif/app`
// package from the npm registry, checked against a pinned integrity, never
// rebuilt and never committed. Unpacks `package/dist` minus `dist/ort` (136 MB
// of model runtime a viewer does not need) into viewer/ohif/ (git-ignored),
// adds a gzip sibling to each large text file so atrium can send them
// compressed, and writes a marker last: a present marker means complete.
//
//   node scripts/fetch-viewer.mjs [--force]     (ATRIUM_SKIP_VIEWER=1 skips)
//
// Idempotent: with a marker for this version it does nothing. Uses `npm pack`,
// so the user's npm settings (registry mirror, proxy, CA, cache) apply.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, closeSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip, gzipSync } from 'node:zlib';

// The one place the viewer version is named: atrium reads it back from the marker.
export const OHIF_PACKAGE = '@ohif/app';
export const OHIF_VERSION = '3.13.2';
/** dist.integrity of @ohif/app@3.13.2 in the npm registry. */
export const OHIF_INTEGRITY =
  'sha512-WZdxmpmG7rqFgW9ZJLcbgr3XCtLi1KDNPoMaeY5PPe6j4G4fjEjjkycZM6C6Zk2F87BKxFfpq+jd5xXZB9E8EA==';
export const MARKER = '.atrium-viewer.json';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEST = join(ROOT, 'viewer', 'ohif');
const KEEP_PREFIX = 'package/dist/';
const DROP_PREFIX = 'package/dist/ort/';
/** Text-like files worth a gzip sibling; source maps are only fetched by devtools. */
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.json', '.svg', '.wasm', '.xml', '.txt', '.webapp']);

function log(message) {
  process.stderr.write(`fetch-viewer: ${message}\n`);
}

function markerOk(dir) {
  try {
    const marker = JSON.parse(readFileSync(join(dir, MARKER), 'utf8'));
    return marker.version === OHIF_VERSION && marker.integrity === OHIF_INTEGRITY && existsSync(join(dir, 'index.html'));
  } catch {
    return false;
  }
}

/** `npm pack` of the pinned version into `into`; returns the tarball path. */
function npmPack(into) {
  const spec = `${OHIF_PACKAGE}@${OHIF_VERSION}`;
  const args = ['pack', spec, '--json', '--ignore-scripts', '--pack-destination', into];
  // Inside an npm lifecycle script npm_execpath names the running npm: use the same one.
  const execPath = process.env.npm_execpath;
  const result = execPath && /\.c?js$/.test(execPath)
    ? spawnSync(process.execPath, [execPath, ...args], { cwd: into, encoding: 'utf8', maxBuffer: 64 << 20 })
    : spawnSync('npm', args, { cwd: into, encoding: 'utf8', maxBuffer: 64 << 20, shell: process.platform === 'win32' });
  if (result.status !== 0) {
    throw new Error(`npm pack ${spec} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}`);
  }
  const [packed] = JSON.parse(result.stdout);
  return join(into, packed.filename);
}

async function sha512Integrity(file) {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return `sha512-${hash.digest('base64')}`;
}

/** Where an archive entry goes under `dest`, or null to skip it. Refuses paths that escape. */
function targetOf(name, dest) {
  if (!name.startsWith(KEEP_PREFIX) || name.startsWith(DROP_PREFIX)) return null;
  const parts = name.slice(KEEP_PREFIX.length).split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0) return null;
  if (parts.some((part) => part === '..' || part.includes('\\'))) throw new Error(`unsafe path in archive: ${name}`);
  return join(dest, ...parts);
}

function octal(block, offset, length) {
  const text = block.toString('latin1', offset, offset + length).replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function pax(body) {
  const fields = {};
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const length = parseInt(body.toString('latin1', at, space), 10);
    const record = body.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    fields[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return fields;
}

/**
 * A small streaming reader for the ustar/pax tarballs npm publishes: regular
 * files and directories only (links are refused), pax and GNU long names honoured.
 * Returns the number of files and bytes written.
 */
async function extract(tarball, dest) {
  let buffer = Buffer.alloc(0);
  let entry = null; // { fd, remaining, padding }
  let pending = null; // a pax or long-name body being collected
  let files = 0;
  let bytes = 0;
  for await (const chunk of createReadStream(tarball).pipe(createGunzip())) {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    for (;;) {
      if (entry) {
        const take = Math.min(entry.remaining, buffer.length);
        if (entry.fd !== null && take > 0) writeSync(entry.fd, buffer, 0, take);
        if (entry.collect) entry.collect.push(buffer.subarray(0, take));
        entry.remaining -= take;
        buffer = buffer.subarray(take);
        if (entry.remaining > 0) break;
        if (buffer.length < entry.padding) break;
        buffer = buffer.subarray(entry.padding);
        if (entry.fd !== null) closeSync(entry.fd);
        if (entry.collect) pending = { type: entry.type, body: Buffer.concat(entry.collect) };
        entry = null;
        continue;
      }
      if (buffer.length < 512) break;
      const header = buffer.subarray(0, 512);
      buffer = buffer.subarray(512);
      if (header.every((b) => b === 0)) continue; // end-of-archive blocks
      const type = String.fromCharCode(header[156] || 0x30);
      let size = octal(header, 124, 12);
      const prefix = header.toString('utf8', 345, 500).replace(/\0.*$/s, '');
      let name = header.toString('utf8', 0, 100).replace(/\0.*$/s, '');
      if (prefix) name = `${prefix}/${name}`;
      if (pending?.type === 'x') {
        const fields = pax(pending.body);
        if (fields.path) name = fields.path;
        if (fields.size) size = Number(fields.size);
      } else if (pending?.type === 'L') {
        name = pending.body.toString('utf8').replace(/\0.*$/s, '');
      }
      pending = null;
      const padding = (512 - (size % 512)) % 512;
      if (type === 'x' || type === 'L' || type === 'g') {
        entry = { fd: null, remaining: size, padding, type, collect: type === 'g' ? null : [] };
        continue;
      }
      const target = targetOf(name, dest);
      if (type === '5') {
        if (target) mkdirSync(target, { recursive: true });
        entry = { fd: null, remaining: size, padding };
      } else if (type === '0' || type === '7') {
        let fd = null;
        if (target) {
          mkdirSync(dirname(target), { recursive: true });
          fd = openSync(target, 'w');
          files += 1;
          bytes += size;
        }
        entry = { fd, remaining: size, padding };
      } else if (target) {
        throw new Error(`unsupported archive entry type ${JSON.stringify(type)} for ${name}`);
      } else {
        entry = { fd: null, remaining: size, padding };
      }
    }
  }
  if (entry) throw new Error('archive ended inside an entry');
  return { files, bytes };
}

/** Writes `f.gz` beside each compressible file of at least 1 KiB (atrium sends it to gzip-capable clients). */
function precompress(dir) {
  let count = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else if (COMPRESSIBLE.has(extname(e.name)) && statSync(path).size >= 1024) {
        writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
        count += 1;
      }
    }
  };
  walk(dir);
  return count;
}

export async function fetchViewer({ force = false } = {}) {
  if (!force && markerOk(DEST)) {
    log(`OHIF ${OHIF_VERSION} already in ${relative(ROOT, DEST)}`);
    return;
  }
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'atrium-viewer-'));
  const staging = join(dirname(DEST), `.ohif-staging-${process.pid}`);
  try {
    log(`fetching ${OHIF_PACKAGE}@${OHIF_VERSION} from the npm registry`);
    const tarball = npmPack(work);
    const size = statSync(tarball).size;
    const integrity = await sha512Integrity(tarball);
    if (integrity !== OHIF_INTEGRITY) {
      throw new Error(`integrity mismatch for ${OHIF_PACKAGE}@${OHIF_VERSION}: got ${integrity}, expected ${OHIF_INTEGRITY}`);
    }
    const downloaded = Date.now();
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const { files, bytes } = await extract(tarball, staging);
    if (!existsSync(join(staging, 'index.html'))) throw new Error('the package has no dist/index.html');
    const gz = precompress(staging);
    writeFileSync(
      join(staging, MARKER),
      `${JSON.stringify({ package: OHIF_PACKAGE, version: OHIF_VERSION, integrity: OHIF_INTEGRITY, files, bytes, fetchedAt: new Date().toISOString() }, null, 2)}\n`,
    );
    // Swap in the complete tree; a crash before this leaves the old one (or none), never a partial one.
    rmSync(DEST, { recursive: true, force: true });
    renameSync(staging, DEST);
    const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
    log(
      `OHIF ${OHIF_VERSION}: ${mb(size)} package fetched in ${((downloaded - started) / 1000).toFixed(1)} s; ` +
        `${files} files (${mb(bytes)}) and ${gz} gzip siblings in ${relative(ROOT, DEST)}${sep} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  if (process.env.ATRIUM_SKIP_VIEWER === '1') {
    log('ATRIUM_SKIP_VIEWER=1: not fetching the viewer');
  } else {
    try {
      await fetchViewer({ force: process.argv.includes('--force') });
    } catch (err) {
      log(`failed: ${err instanceof Error ? err.message : String(err)}\n(ATRIUM_SKIP_VIEWER=1 installs without the viewer)`);
      process.exitCode = 1;
    }
  }
}
