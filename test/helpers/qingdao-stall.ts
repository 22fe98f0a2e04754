// Qingdao (test/fixtures/qingdao-stall) served by a real `govgraph serve` process over a register of
// `entities` market entities, for the tests where one department tries to stall the gateway for another.
// The store is filled here (through the store, not a data import: tens of thousands of records in a
// second), closed, then served; tokens are signed with the secret the process is given.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlatform } from '../../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../../src/catalogue/import.ts';
import { signToken } from '../../src/identity/token.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { cliEnv } from './cli.ts';
import { spawnServe, waitReady, type ServedProcess } from './served.ts';

const FIXTURE = join(fileURLToPath(new URL('..', import.meta.url)), 'fixtures/qingdao-stall');
const SECRET = 'qingdao-stall-test-secret-0123456789-abcdef';
const DISTRICTS = ['市南区', '市北区', '李沧区', '崂山区', '黄岛区', '城阳区', '即墨区', '胶州市', '平度市', '莱西市'];
export const PORT_AUTHORITY = '370200-GKJ';
export const HEALTH = '370200-WJW';

export interface QingdaoServed {
  url: string;
  served: ServedProcess;
  token(dept: string, user: string): Promise<string>;
  /** POSTs `query` as `token`; its time in ms and the JSON answer. */
  ask(token: string, query: string): Promise<{ ms: number; body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } }>;
  close(): Promise<void>;
}

/** The entity numbered `i`, as stored: `E0000042`. */
export const entityNo = (i: number) => `E${String(i).padStart(7, '0')}`;

/** Qingdao's platform (with `limitsYaml` appended) served over `entities` entities and 2,000 inspectors. */
export async function serveQingdao(entities: number, limitsYaml = ''): Promise<QingdaoServed> {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-qingdao-stall-'));
  const platformFile = join(dir, 'platform.yaml');
  writeFileSync(platformFile, readFileSync(join(FIXTURE, 'platform.yaml'), 'utf8') + limitsYaml);
  const store = await openSqliteStore(join(dir, 'data'));
  try {
    await importCatalogueFiles(store, loadPlatform(platformFile), [join(FIXTURE, 'catalogue.yaml')], { publish: true });
    await store.insert('r_370200_scjg_00002', Array.from({ length: 2000 }, (_, i) => ({ inspectorNo: `I${String(i).padStart(5, '0')}`, name: `执法员${i}`, unit: `第${i % 30}执法大队` })));
    for (let from = 0; from < entities; from += 10_000) {
      await store.insert('r_370200_scjg_00001', Array.from({ length: Math.min(10_000, entities - from) }, (_, j) => {
        const i = from + j;
        const district = DISTRICTS[i % DISTRICTS.length];
        return { entityNo: entityNo(i), name: `青岛${i}号贸易有限公司`, district, industry: `行业${i % 97}`, capital: (i * 7919) % 1_000_000, address: `${district}香港中路${i % 500}号${i}室 Room ${i}`, status: i % 13 === 0 ? 'revoked' : 'active', inspectorNo: `I${String(i % 2000).padStart(5, '0')}` };
      }));
    }
  } finally {
    await store.close();
  }
  const env = cliEnv({ GOVGRAPH_DATA_DIR: join(dir, 'data'), GOVGRAPH_PLATFORM: platformFile, GOVGRAPH_JWT_SECRET: SECRET, GOVGRAPH_LOG_LEVEL: 'warn' });
  const served = await spawnServe([], env);
  const url = `http://127.0.0.1:${served.port}`;
  await waitReady(url);
  const secret = new TextEncoder().encode(SECRET);
  return {
    url,
    served,
    token: (dept, user) => signToken(secret, { dept, user, roles: [], ttl: '1h' }),
    async ask(token, query) {
      const start = performance.now();
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'supervision' },
        body: JSON.stringify({ query }),
      });
      const body = (await res.json()) as Awaited<ReturnType<QingdaoServed['ask']>>['body'];
      return { ms: performance.now() - start, body };
    },
    async close() {
      served.child.kill('SIGTERM');
      await served.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
