import type { FastifyInstance } from 'fastify';
import type { AtriumConfig } from '../config.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { IndexStore } from '../storage/index-store.js';
import type { Ingest } from '../storage/ingest.js';
import type { KeyStore } from '../storage/key-store.js';
import type { FailureLimiter } from '../tenancy/failure-limiter.js';
import type { OidcVerifier } from '../tenancy/oidc.js';
import type { AuditRecorder } from '../tenancy/audit-recorder.js';
import { registerAuditing } from '../tenancy/audit.js';
import { registerTenantAccess } from '../tenancy/plugin.js';
import type { TenantDirectory } from '../tenancy/tenant-directory.js';
import type { FrameCache } from '../storage/frame-cache.js';
import type { FrameService } from './frame-service.js';
import type { FrameWarmer } from './frame-warmer.js';
import { qidoPlugin } from './qido/plugin.js';
import { renderedPlugin } from './rendered/plugin.js';
import { stowPlugin } from './stow/plugin.js';
import { wadoPlugin } from './wado/plugin.js';

export interface DicomwebDeps {
  config: AtriumConfig;
  index: IndexStore;
  blobs: BlobStore;
  tenants: TenantDirectory;
  keys: KeyStore;
  ingest: Ingest;
  credentialsRequired: boolean;
  failures: FailureLimiter;
  recorder: AuditRecorder;
  oidc: OidcVerifier | null;
  frameCache: FrameCache;
  frames: FrameService;
  warmer: FrameWarmer | null;
}

/** One DICOMweb root (PS3.18 paths below it), registered once per root prefix. */
export async function dicomwebPlugin(app: FastifyInstance, options: DicomwebDeps & { prefix?: string }): Promise<void> {
  // Sub-plugins inherit this prefix already: pass them the dependencies only.
  const { prefix: _prefix, ...deps } = options;
  registerTenantAccess(app, deps);
  registerAuditing(app, deps.recorder);
  await app.register(stowPlugin, deps);
  await app.register(qidoPlugin, deps);
  await app.register(wadoPlugin, deps);
  await app.register(renderedPlugin, { ...deps, pixels: deps.frames });
}
