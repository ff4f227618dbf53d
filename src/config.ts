import type { DuplicatePolicy } from './storage/index-store.js';
import type { AuthMode } from './tenancy/auth-mode.js';
import type { OidcConfig } from './tenancy/oidc.js';

/** Everything an operator can set; the CLI and tests fill it, modules read it. */
export interface AtriumConfig {
  host: string;
  port: number;
  /** Root of the embedded store: SQLite index, blobs, temp spool. */
  dataDir: string;
  /**
   * Public base URL (scheme://host[:port][/prefix]) used for RetrieveURL and
   * BulkDataURI; when unset, X-Forwarded-* or the Host header decide.
   */
  publicUrl: string | undefined;
  /** 'absolute' (PS3.18 default) or 'relative' BulkDataURIs. */
  bulkDataUris: 'absolute' | 'relative';
  /** What STOW does with a known SOP Instance UID carrying different bytes. */
  duplicatePolicy: DuplicatePolicy;
  /** Allowed CORS origins; ['*'] allows any. */
  corsOrigins: string[];
  /** Binary values up to this size are sent inline in metadata. */
  inlineBinaryMaxBytes: number;
  /** QIDO page size when the client gives no limit, and the most it may ask. */
  qidoDefaultLimit: number;
  qidoMaxLimit: number;
  logLevel: string;
  /** Server processes sharing the port and the store (1 = no cluster). */
  workers: number;
  /** When requests must present an API key (see credentialsRequired). */
  authMode: AuthMode;
  /** Tokens from an external identity provider, accepted beside API keys. */
  oidc: OidcConfig | null;
  /** Bound of the on-disk frame cache, in bytes. */
  frameCacheBytes: number;
  /** Codec worker threads; 0 sizes the pool to the machine. */
  codecThreads: number;
  /** When set, newly stored instances are transcoded to this syntax in the background (e.g. HTJ2K for viewers). */
  warmTransferSyntax: string | null;
  /** A stock OHIF build served at `/` (scripts/fetch-viewer.mjs); null serves no viewer. */
  viewerDir: string | null;
  /** JavaScript appended to the generated app-config.js to adjust `window.config` (OIDC, branding). */
  viewerConfigFile: string | null;
}

export function defaultConfig(overrides: Partial<AtriumConfig> = {}): AtriumConfig {
  return {
    host: '127.0.0.1',
    port: 8080,
    dataDir: './data',
    publicUrl: undefined,
    bulkDataUris: 'absolute',
    duplicatePolicy: 'reject',
    corsOrigins: ['*'],
    inlineBinaryMaxBytes: 1024,
    qidoDefaultLimit: 1000,
    qidoMaxLimit: 10000,
    logLevel: 'info',
    workers: 1,
    authMode: 'auto',
    oidc: null,
    frameCacheBytes: 2 * 1024 ** 3,
    codecThreads: 0,
    warmTransferSyntax: null,
    viewerDir: null,
    viewerConfigFile: null,
    ...overrides,
  };
}
