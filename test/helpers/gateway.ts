// Starts a real gateway (HTTP, JWT, rules) over a fresh SQLite store in a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlatform } from '../../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../../src/catalogue/import.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../../src/demo/paths.ts';
import { ensureDemo } from '../../src/demo/setup.ts';
import { signToken } from '../../src/identity/token.ts';
import { deriveDocumentKey, keyedDocumentHash } from '../../src/audit/document-hash.ts';
import type { Role } from '../../src/identity/roles.ts';
import { limitsOf, type Limits, type Platform } from '../../src/model/platform.ts';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/server/app.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/port.ts';

export interface GraphQLResponse {
  status: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; locations?: { line: number; column: number }[]; path?: (string | number)[]; extensions?: Record<string, any> }>;
}

export interface TestGateway {
  gateway: Gateway;
  store: Store;
  platform: Platform;
  dataDir: string;
  token(dept: string, roles?: Role[], user?: string): Promise<string>;
  /** The hash an audit entry of this gateway records for a document text in no manifest (keyed with its secret). */
  documentHash(text: string): string;
  /** Posts a query as `dept` (a token is made for it) with the purpose header when given. */
  query(
    document: string,
    opts?: { dept?: string; purpose?: string; variables?: Record<string, unknown>; token?: string | null; roles?: Role[]; headers?: Record<string, string> },
  ): Promise<GraphQLResponse>;
  close(): Promise<void>;
}

export async function startTestGateway(opts: {
  demo?: boolean;
  platformFile?: string;
  catalogueFiles?: string[];
  wrapStore?: (s: Store) => Store;
  /** Writes into the store before the gateway starts (after the catalogues are published): what an older release left. */
  seed?: (s: Store) => Promise<void>;
  /** How long the store waits for another process's lock (the store's default: 5 s). */
  lockWaitMs?: number;
  gateway?: Partial<GatewayOptions>;
  /** Keep the platform's request rates (off by default: tests send bursts from one token; test/rates.test.ts tests them). */
  rates?: boolean;
  /** Limits of the platform to change (SPEC §13), e.g. for a test that batches many aliases. */
  limits?: Partial<Limits>;
} = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'govgraph-test-'));
  const loaded = loadPlatform(opts.platformFile ?? DEMO_PLATFORM_FILE);
  const limits = { ...limitsOf(loaded), ...opts.limits };
  const platform: Platform = { ...loaded, limits: opts.rates ? limits : { ...limits, rate: { perDepartment: null, perUser: null } } };
  const raw = await openSqliteStore(dataDir, { lockWaitMs: opts.lockWaitMs });
  if (opts.demo) await ensureDemo(raw, platform);
  else if (opts.catalogueFiles ?? !opts.platformFile) {
    await importCatalogueFiles(raw, platform, opts.catalogueFiles ?? demoCatalogueFiles(), { publish: true });
  }
  await opts.seed?.(raw);
  const store = opts.wrapStore ? opts.wrapStore(raw) : raw;
  const gateway = await startGateway({ platform, store, port: 0, pollMs: 0, ...opts.gateway });
  const token = (dept: string, roles: Role[] = [], user = 'tester') => signToken(gateway.secret, { dept, user, roles, ttl: '1h' });
  return {
    gateway,
    store,
    platform,
    dataDir,
    token,
    documentHash: (text) => keyedDocumentHash(deriveDocumentKey(gateway.secret), text),
    async query(document, q = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...q.headers };
      const bearer = q.token === undefined ? await token(q.dept ?? '430000-GA', q.roles) : q.token;
      if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
      if (q.purpose) headers['x-purpose'] = q.purpose;
      const res = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: document, variables: q.variables }),
      });
      return { status: res.status, ...((await res.json()) as object) };
    },
    async close() {
      await gateway.close();
      await raw.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
