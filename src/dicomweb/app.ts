import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cors from '@fastify/cors';
import type { AtriumConfig } from '../config.js';
import { AuditRecorder } from '../tenancy/audit-recorder.js';
import { credentialsRequired } from '../tenancy/auth-mode.js';
import { FailureLimiter } from '../tenancy/failure-limiter.js';
import { OidcVerifier } from '../tenancy/oidc.js';
import { Ingest } from '../storage/ingest.js';
import type { Archive } from '../storage/open-archive.js';
import { CodecBusyError, CodecPool } from '../codecs/codec-pool.js';
import { CodecError } from '../codecs/codec.js';
import { canTranscode } from '../codecs/registry.js';
import { FrameService } from './frame-service.js';
import { FrameWarmer } from './frame-warmer.js';
import { AtriumHttpError } from './errors.js';
import { adminPlugin } from './admin/plugin.js';
import { dicomwebPlugin } from './plugin.js';
import { viewerPlugin } from './viewer/plugin.js';

/** The store it serves (openArchive) and how. */
export interface AppDeps extends Archive {
  config: AtriumConfig;
  /** Override fastify's logger (tests pass false). */
  logger?: FastifyServerOptions['logger'];
}

/** Headers a browser client must be able to read from a cross-origin response. */
const EXPOSED_HEADERS = [
  'Content-Type', 'Content-Length', 'Content-Location', 'Content-Range', 'Accept-Ranges',
  'Warning', 'Location', 'ETag', 'Last-Modified', 'WWW-Authenticate', 'Retry-After',
];

function loggerOptions(config: AtriumConfig): FastifyServerOptions['logger'] {
  return { level: config.logLevel };
}

/**
 * One log line per request, when it completes: method, path, status, time.
 * Never the query string: QIDO queries hold patient names and IDs, which must
 * not reach info-level logs.
 */
function logCompletedRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        remoteAddress: request.ip,
      },
      'request',
    );
  });
}

/** Builds the whole HTTP surface without listening (tests listen it on port 0). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(config),
    // Peers (Orthanc's HTTP client) reconnect when keep-alive is short.
    keepAliveTimeout: 65_000,
    // STOW bodies of gigabytes stream for minutes.
    requestTimeout: 0,
    // /frames/1,2,...,2000 is a long path parameter.
    routerOptions: { maxParamLength: 65_536 },
    return503OnClosing: true,
    // Our own one-line-per-request log replaces fastify's two (see logCompletedRequests).
    logController: new LogController({ disableRequestLogging: true }),
  });
  logCompletedRequests(app);

  await app.register(cors, {
    origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Accept', 'Content-Type', 'Range', 'If-None-Match', 'If-Modified-Since'],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 86_400,
  });
  // Cross-origin-isolated viewers (OHIF with SharedArrayBuffer) need CORP on every response.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
  });

  app.setErrorHandler((raised: FastifyError | AtriumHttpError | CodecError | CodecBusyError, request, reply) => {
    const error = raised instanceof CodecError || raised instanceof CodecBusyError ? codecAsHttp(raised) : raised;
    // Coded errors may carry headers: WWW-Authenticate, Retry-After, Content-Range.
    if ('headers' in error && error.headers) reply.headers(error.headers);
    if (error instanceof AtriumHttpError) {
      return reply.code(error.statusCode).send({ error: error.code, message: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(status).send({ error: 'ATRIUM_ERR_INTERNAL', message: 'Internal server error' });
    }
    return reply.code(status).send({ error: error.code ?? 'ATRIUM_ERR_BAD_REQUEST', message: error.message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'ATRIUM_ERR_NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` }),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));

  const ingest = new Ingest(deps.index, deps.blobs, {
    inlineBinaryMaxBytes: config.inlineBinaryMaxBytes,
    duplicatePolicy: config.duplicatePolicy,
  });
  const required = credentialsRequired(config.authMode, config.host);
  if (config.authMode === 'off' && credentialsRequired('auto', config.host)) {
    app.log.warn('authentication is OFF on a non-loopback address: anyone who reaches this port reads and writes every tenant');
  }
  const recorder = new AuditRecorder(
    deps.audit,
    () => deps.index.durable(),
    (err) => app.log.error({ err }, 'audit trail write failed; retrying'),
  );
  app.addHook('onClose', async () => recorder.flush());
  const oidc = config.oidc ? new OidcVerifier(config.oidc) : null;
  const codecs = new CodecPool({ size: config.codecThreads || undefined });
  const frames = new FrameService({ index: deps.index, blobs: deps.blobs, cache: deps.frameCache, codecs, canTranscode });
  const warmer = config.warmTransferSyntax ? new FrameWarmer({ index: deps.index, frames, log: app.log }, config.warmTransferSyntax) : null;
  app.addHook('onClose', async () => {
    warmer?.close();
    await codecs.close();
  });
  const pluginDeps = { ...deps, ingest, credentialsRequired: required, failures: new FailureLimiter(), recorder, oidc, frames, warmer };
  await app.register(dicomwebPlugin, { prefix: '/dicom-web', ...pluginDeps });
  await app.register(dicomwebPlugin, { prefix: '/tenants/:tenant/dicom-web', ...pluginDeps });
  await app.register(adminPlugin, { prefix: '/admin', ...deps, recorder });
  await app.register(viewerPlugin, { config });
  return app;
}

/** Codec failures as HTTP: a full pool is 503 (retry shortly), a frame the codec cannot handle 500 with why. */
function codecAsHttp(error: CodecError | CodecBusyError): AtriumHttpError {
  if (error instanceof CodecBusyError) return new AtriumHttpError('ATRIUM_ERR_BUSY', 503, 'The codec queue is full; retry shortly', { 'Retry-After': '1' });
  return new AtriumHttpError('ATRIUM_ERR_CODEC', 500, `The frame could not be transcoded: ${error.message}`);
}
