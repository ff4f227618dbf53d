#!/usr/bin/env node
import './threadpool.js';
import { parseArgs } from 'node:util';
import { defaultConfig, type AtriumConfig } from '../src/config.js';
import { serve } from './serve.js';
import { AUDIT_USAGE, auditCommand } from './audit.js';
import { KEY_USAGE, keyCommand } from './key.js';
import { TENANT_USAGE, tenantCommand } from './tenant.js';

const USAGE = `usage: atrium <command> [options]

commands:
  serve [options]                     start the DICOMweb server
${TENANT_USAGE}${KEY_USAGE}${AUDIT_USAGE}
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
  });
}

const [command, ...rest] = process.argv.slice(2);
try {
  switch (command) {
    case 'serve':
      await serve(serveConfig(rest));
      break;
    case 'tenant':
      process.exitCode = await tenantCommand(rest);
      break;
    case 'key':
      process.exitCode = await keyCommand(rest);
      break;
    case 'audit':
      process.exitCode = await auditCommand(rest);
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
