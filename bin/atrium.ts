#!/usr/bin/env node
import './threadpool.js';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultConfig, type AtriumConfig } from '../src/config.js';
import { getTransferSyntax } from '../src/dicom/transfer-syntax.js';
import { defaultViewerDir, isViewerDir } from '../src/dicomweb/viewer/location.js';
import { AUDIT_USAGE, auditCommand } from './audit.js';
import { KEY_USAGE, keyCommand } from './key.js';
import { IMPORT_USAGE, importCommand } from './import.js';
import { PULL_USAGE, pullCommand } from './pull.js';
import { PUSH_USAGE, pushCommand } from './push.js';
import { TENANT_USAGE, tenantCommand } from './tenant.js';

const USAGE = `usage: atrium <command> [options]

commands:
  serve [options]                     start the DICOMweb server
${TENANT_USAGE}${KEY_USAGE}${AUDIT_USAGE}${IMPORT_USAGE}${PULL_USAGE}${PUSH_USAGE}
serve options:
  --host H                 address to listen on (default 127.0.0.1)
  --port P                 port (default 8080; 0 picks a free one)
  --data DIR               data directory: SQLite index and stored files (default ./data)
  --public-url URL         base URL clients use (behind a reverse proxy), e.g. https://pacs.example/atrium
  --relative-bulkdata      emit BulkDataURIs as paths without scheme and host
  --on-duplicate POLICY    same SOP Instance UID with other bytes: reject (default) or replace
  --cors-origin ORIGIN     allowed browser origin; repeat for several (default: any)
  --log-level LEVEL        fatal, error, warn, info (default), debug, trace
  --auth MODE              required: every DICOMweb request presents an API key;
                           auto (default): required unless listening on loopback;
                           off: never (refuse to use it on a shared network)
  --oidc-issuer URL        accept identity-provider tokens (JWT) from this issuer,
  --oidc-audience AUD      for this audience,
  --oidc-jwks-url URL      signed with these keys;
  --oidc-tenants-claim C   grants in claim C: {"tenant": "role"} or ["tenant:role"]
                           (default atrium_tenants)
  --workers N              server processes sharing the port and the store
                           (default 1; more pays off when the host has cores to spare)
  --frame-cache-size SIZE  bound of the transcoded-frame cache, e.g. 500M, 20G (default 2G)
  --codec-threads N        codec worker threads (default: one per core)
  --warm-syntax UID        transcode new instances to this transfer syntax in the
                           background after STOW (e.g. 1.2.840.10008.1.2.4.201, HTJ2K)
  --viewer-dir DIR         OHIF build served at / (default: viewer/ohif, fetched at install)
  --no-viewer              serve no viewer
  --viewer-config FILE     JavaScript appended to the viewer's generated app-config.js
                           (e.g. OHIF's oidc settings)
`;

function fail(message: string): never {
  process.stderr.write(`atrium: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function serveConfig(args: string[]): AtriumConfig {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      data: { type: 'string' },
      'public-url': { type: 'string' },
      'relative-bulkdata': { type: 'boolean' },
      'on-duplicate': { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      'log-level': { type: 'string' },
      workers: { type: 'string' },
      auth: { type: 'string' },
      'oidc-issuer': { type: 'string' },
      'oidc-audience': { type: 'string' },
      'oidc-jwks-url': { type: 'string' },
      'oidc-tenants-claim': { type: 'string' },
      'frame-cache-size': { type: 'string' },
      'codec-threads': { type: 'string' },
      'warm-syntax': { type: 'string' },
      'viewer-dir': { type: 'string' },
      'no-viewer': { type: 'boolean' },
      'viewer-config': { type: 'string' },
    },
  });
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port ${values.port}`);
  const workers = Number(values.workers ?? 1);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) fail(`invalid --workers ${values.workers}`);
  const authMode = values.auth ?? 'auto';
  if (authMode !== 'auto' && authMode !== 'required' && authMode !== 'off') fail('--auth must be required, auto or off');
  const oidcGiven = [values['oidc-issuer'], values['oidc-audience'], values['oidc-jwks-url']].filter((v) => v !== undefined);
  if (oidcGiven.length !== 0 && oidcGiven.length !== 3) fail('--oidc-issuer, --oidc-audience and --oidc-jwks-url go together');
  const oidc =
    oidcGiven.length === 3
      ? {
          issuer: values['oidc-issuer']!,
          audience: values['oidc-audience']!,
          jwksUrl: values['oidc-jwks-url']!,
          tenantsClaim: values['oidc-tenants-claim'] ?? 'atrium_tenants',
        }
      : null;
  const policy = values['on-duplicate'] ?? 'reject';
  if (policy !== 'reject' && policy !== 'replace') fail(`--on-duplicate must be reject or replace`);
  const frameCacheBytes = parseSize(values['frame-cache-size'] ?? '2G');
  if (frameCacheBytes === undefined) fail(`invalid --frame-cache-size ${values['frame-cache-size']}`);
  const codecThreads = Number(values['codec-threads'] ?? 0);
  if (!Number.isInteger(codecThreads) || codecThreads < 0 || codecThreads > 256) fail(`invalid --codec-threads ${values['codec-threads']}`);
  const warm = values['warm-syntax'] ?? null;
  if (warm !== null && !getTransferSyntax(warm)) fail(`unknown transfer syntax ${warm} for --warm-syntax`);
  return defaultConfig({
    host: values.host ?? '127.0.0.1',
    port,
    dataDir: values.data ?? './data',
    publicUrl: values['public-url'],
    bulkDataUris: values['relative-bulkdata'] ? 'relative' : 'absolute',
    duplicatePolicy: policy,
    corsOrigins: values['cors-origin'] ?? ['*'],
    logLevel: values['log-level'] ?? 'info',
    workers,
    authMode,
    oidc,
    frameCacheBytes,
    codecThreads,
    warmTransferSyntax: warm,
    ...viewerOptions(values['viewer-dir'], values['no-viewer'] ?? false, values['viewer-config']),
  });
}

/** The viewer at `/`: an explicit directory must hold OHIF; a missing default only costs the viewer. */
function viewerOptions(dir: string | undefined, off: boolean, configFile: string | undefined): Pick<AtriumConfig, 'viewerDir' | 'viewerConfigFile'> {
  if (off) return { viewerDir: null, viewerConfigFile: null };
  if (configFile !== undefined && !existsSync(configFile)) fail(`--viewer-config ${configFile} does not exist`);
  if (dir !== undefined) {
    if (!isViewerDir(dir)) fail(`--viewer-dir ${dir} holds no OHIF build (no index.html)`);
    return { viewerDir: dir, viewerConfigFile: configFile ?? null };
  }
  const fetched = defaultViewerDir();
  if (isViewerDir(fetched)) return { viewerDir: fetched, viewerConfigFile: configFile ?? null };
  process.stderr.write(`atrium: no viewer (${fetched} holds no OHIF build; fetch it with: node scripts/fetch-viewer.mjs)\n`);
  return { viewerDir: null, viewerConfigFile: null };
}

/** "500M", "2G", "1048576" → bytes. */
function parseSize(text: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)([KMGT]?)i?B?$/i.exec(text.trim());
  if (!m) return undefined;
  const power = ' KMGT'.indexOf((m[2] || ' ').toUpperCase());
  return Math.floor(Number(m[1]) * 1024 ** power);
}

const [command, ...rest] = process.argv.slice(2);
try {
  switch (command) {
    case 'serve': {
      // Loaded only here: the server (fastify, sharp, codecs) is most of the start-up time of other commands.
      const { serve } = await import('./serve.js');
      await serve(serveConfig(rest));
      break;
    }
    case 'tenant':
      process.exitCode = await tenantCommand(rest);
      break;
    case 'key':
      process.exitCode = await keyCommand(rest);
      break;
    case 'audit':
      process.exitCode = await auditCommand(rest);
      break;
    case 'import':
      process.exitCode = await importCommand(rest);
      break;
    case 'pull':
      process.exitCode = await pullCommand(rest);
      break;
    case 'push':
      process.exitCode = await pushCommand(rest);
      break;
    case undefined:
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      break;
    default:
      fail(`unknown command ${command}`);
  }
} catch (err) {
  if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) fail(err.message);
  throw err;
}
