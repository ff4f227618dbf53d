// The viewer at `/` over HTTP, without a browser: a stand-in OHIF tree, so
// these run without the fetched build. What OHIF itself makes of it is in ohif.test.ts.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAppConfig } from '../../src/dicomweb/viewer/app-config.js';
import { startServer, type TestServer } from '../dicomweb/helpers/server.js';

const INDEX = '<!doctype html><title>OHIF stand-in</title><script src="/app-config.js"></script>';
const BUNDLE = 'console.log("app bundle");'.repeat(100);
let viewerDir: string;
let server: TestServer;

beforeAll(async () => {
  viewerDir = await mkdtemp(join(tmpdir(), 'atrium-viewer-'));
  await writeFile(join(viewerDir, 'index.html'), INDEX);
  await writeFile(join(viewerDir, 'app.bundle.0f6159c501addfe9.js'), BUNDLE);
  await writeFile(join(viewerDir, 'app.bundle.0f6159c501addfe9.js.gz'), gzipSync(BUNDLE));
  await writeFile(join(viewerDir, '0ddf166f7a343eda.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  await writeFile(join(viewerDir, 'init-service-worker.js'), '// unhashed');
  await writeFile(join(viewerDir, 'app-config.js'), 'window.config = { demo: true };');
  await writeFile(join(viewerDir, '.atrium-viewer.json'), '{}');
  const extra = `${viewerDir}-extra.js`;
  await writeFile(extra, 'window.config.oidc = [{ authority: "https://idp.example" }];');
  server = await startServer({ viewerDir, viewerConfigFile: extra });
});
afterAll(async () => {
  await server.close();
  await rm(viewerDir, { recursive: true, force: true });
  await rm(`${viewerDir}-extra.js`, { force: true });
});

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await request(`${server.origin}${path}`, { headers });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

describe('OHIF at / (files and client-side routes)', () => {
  it('answers index.html for / and for OHIF routes, revalidated on every load', async () => {
    for (const path of ['/', '/viewer?StudyInstanceUIDs=1.2.3', '/viewer/north', '/local', '/segmentation/south?x=1']) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.body).toBe(INDEX);
    }
  });

  it('caches hashed assets for a year, revalidates the others, with the right types', async () => {
    const bundle = await get('/app.bundle.0f6159c501addfe9.js');
    expect(bundle.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(bundle.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(bundle.body).toBe(BUNDLE);
    const wasm = await get('/0ddf166f7a343eda.wasm');
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.headers['cache-control']).toMatch(/immutable/);
    expect((await get('/init-service-worker.js')).headers['cache-control']).toBe('no-cache');
  });

  it('sends the gzip sibling to clients that take gzip, the file itself to others', async () => {
    const packed = await request(`${server.origin}/app.bundle.0f6159c501addfe9.js`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(packed.headers['content-encoding']).toBe('gzip');
    expect(packed.headers.vary).toMatch(/Accept-Encoding/);
    expect(Number(packed.headers['content-length'])).toBeLessThan(BUNDLE.length);
    await packed.body.dump();
    const refused = await get('/app.bundle.0f6159c501addfe9.js', { 'accept-encoding': 'gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body).toBe(BUNDLE);
  });

  it('answers 304 to a matching validator', async () => {
    const first = await get('/index.html');
    const again = await request(`${server.origin}/index.html`, { headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    await again.body.dump();
  });

  it('keeps 404 for missing assets, server paths, hidden files and escapes', async () => {
    for (const path of ['/missing.js', '/dicom-web/nothing-here', '/tenants/north/nothing', '/admin/nothing', '/.atrium-viewer.json', '/%2e%2e/package.json', '/assets/%2e%2e%2f..%2fpackage.json']) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.headers['content-type'], path).toMatch(/^application\/json/);
    }
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/dicom-web/studies')).status).toBe(200);
  });

  it('generates app-config.js (not the package\'s) with the operator\'s additions', async () => {
    const r = await get('/app-config.js');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.body).not.toContain('demo: true');
    expect(r.body).toContain('https://idp.example');
    const { window } = runConfig(r.body, `${server.origin}/`);
    expect(window.config?.oidc).toEqual([{ authority: 'https://idp.example' }]);
  });
});

describe('atrium without a viewer', () => {
  it('keeps / a 404, as before', async () => {
    const plain = await startServer();
    try {
      const r = await request(`${plain.origin}/`);
      expect(r.statusCode).toBe(404);
      await r.body.dump();
    } finally {
      await plain.close();
    }
  });
});

interface DataSource {
  sourceName: string;
  configuration: Record<string, unknown> & { qidoRoot: string; wadoRoot: string };
}
interface Extension {
  id: string;
  preRegistration(hooks: { servicesManager: { services: { userAuthenticationService: AuthService } } }): void;
}
interface AuthService {
  setServiceImplementation(impl: { getAuthorizationHeader(): Record<string, string> }): void;
}
interface FakeWindow {
  location: URL;
  history: { state: null; replaceState(state: null, title: string, url: string): void };
  config?: { dataSources: DataSource[]; defaultDataSourceName: string; extensions: Extension[]; oidc?: unknown };
}

/** Runs app-config.js as a page at `href` would, in a sandbox; returns the window and the tab's storage. */
function runConfig(script: string, href: string, stored: Map<string, string> = new Map()) {
  const window: FakeWindow = {
    location: new URL(href),
    history: {
      state: null,
      replaceState(_state, _title, url) {
        window.location = new URL(url, window.location.origin);
      },
    },
  };
  const sessionStorage = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) };
  runInNewContext(script, { window, URL, URLSearchParams, sessionStorage });
  return { window, stored };
}

function tenantsOf(window: FakeWindow): Record<string, string> {
  return Object.fromEntries((window.config?.dataSources ?? []).map((d) => [d.sourceName, d.configuration.qidoRoot]));
}

/** The Authorization header the credentials extension installs, if any. */
function authorizationOf(window: FakeWindow): string | undefined {
  let header: string | undefined;
  const service: AuthService = { setServiceImplementation: (impl) => void (header = impl.getAuthorizationHeader().Authorization) };
  for (const extension of window.config?.extensions ?? []) extension.preRegistration({ servicesManager: { services: { userAuthenticationService: service } } });
  return header;
}

describe('the generated app-config.js', () => {
  const sameOrigin = renderAppConfig({ atriumBase: undefined });

  it('has one data source, the default tenant at the page\'s own origin, tuned for atrium', () => {
    const { window } = runConfig(sameOrigin, 'https://pacs.example/');
    expect(window.config?.defaultDataSourceName).toBe('default');
    expect(tenantsOf(window)).toEqual({ default: 'https://pacs.example/dicom-web' });
    const configuration = window.config?.dataSources[0]?.configuration;
    expect(configuration).toMatchObject({
      wadoRoot: 'https://pacs.example/dicom-web',
      qidoSupportsIncludeField: true,
      imageRendering: 'wadors',
      thumbnailRendering: 'wadors',
      enableStudyLazyLoad: true,
      supportsFuzzyMatching: true,
      supportsWildcard: true,
      bulkDataURI: { enabled: true },
    });
  });

  it('adds the tenant the URL names: ?dataSources=T or a mode route\'s /MODE/T', () => {
    expect(tenantsOf(runConfig(sameOrigin, 'https://pacs.example/?dataSources=north').window)).toEqual({
      default: 'https://pacs.example/dicom-web',
      north: 'https://pacs.example/tenants/north/dicom-web',
    });
    expect(tenantsOf(runConfig(sameOrigin, 'https://pacs.example/viewer/south?StudyInstanceUIDs=1.2').window)).toHaveProperty(
      'south',
      'https://pacs.example/tenants/south/dicom-web',
    );
    // Not a tenant id: ignored, never turned into a URL.
    expect(Object.keys(tenantsOf(runConfig(sameOrigin, 'https://pacs.example/?dataSources=Bad_Tenant%2F..').window))).toEqual(['default']);
  });

  it('points at a configured base (another origin, or a public URL)', () => {
    const { window } = runConfig(renderAppConfig({ atriumBase: 'https://atrium.example/base/' }), 'http://localhost:3000/?dataSources=north');
    expect(tenantsOf(window)).toEqual({
      default: 'https://atrium.example/base/dicom-web',
      north: 'https://atrium.example/base/tenants/north/dicom-web',
    });
  });

  it('holds no key; a key given as ?token= is sent as Bearer, kept for the tab and taken out of the URL', () => {
    expect(sameOrigin).not.toMatch(/atr_[0-9a-f]{12}_/);
    expect(authorizationOf(runConfig(sameOrigin, 'https://pacs.example/').window)).toBeUndefined();
    const first = runConfig(sameOrigin, 'https://pacs.example/?dataSources=north&token=atr_secret');
    expect(authorizationOf(first.window)).toBe('Bearer atr_secret');
    expect(first.window.location.href).toBe('https://pacs.example/?dataSources=north');
    // A reload in the same tab: the key comes from the tab's storage.
    const reload = runConfig(sameOrigin, 'https://pacs.example/viewer/north?StudyInstanceUIDs=1.2', first.stored);
    expect(authorizationOf(reload.window)).toBe('Bearer atr_secret');
  });
});

describe('atrium serve and the viewer', () => {
  const CLI = new URL('../../bin/atrium.ts', import.meta.url).pathname;

  it('refuses a --viewer-dir without an OHIF build (exit 2)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', '0', '--viewer-dir', tmpdir()], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--viewer-dir .* holds no OHIF build/);
  });

  it('prints where the viewer is', async () => {
    const data = await mkdtemp(join(tmpdir(), 'atrium-viewer-cli-'));
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', '0', '--data', data, '--viewer-dir', viewerDir, '--log-level', 'warn']);
    try {
      let stdout = '';
      child.stdout.setEncoding('utf8');
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: string) => {
          stdout += chunk;
          if (stdout.includes('viewer')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`atrium serve exited (${code}) before announcing: ${stdout}`)));
      });
      expect(stdout).toMatch(/^atrium: DICOMweb root http:\/\/127\.0\.0\.1:([0-9]+)\/dicom-web\natrium: viewer http:\/\/127\.0\.0\.1:\1\/\n/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
      await rm(data, { recursive: true, force: true });
    }
  }, 30_000);
});
