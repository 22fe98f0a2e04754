// A data folder on Yunnan's platform (test/fixtures/yunnan) for tests of real `govgraph serve` processes
// killed or raced on one store: rates off (the load is one user's, far over the default bucket), the
// police catalogue published with its residents, checkpoints written to a file beside it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { importCatalogueFiles } from '../../src/catalogue/import.ts';
import { loadPlatform } from '../../src/catalogue/platform.ts';
import { publishedCatalogues } from '../../src/catalogue/repository.ts';
import { storedSecret } from '../../src/identity/secret.ts';
import { signToken } from '../../src/identity/token.ts';
import { importRecords } from '../../src/records/import.ts';
import { cliEnv, withSqliteStore } from './cli.ts';
import { spawnServe, type ServedProcess } from './served.ts';

export type { ServedProcess };

export const yunnanFixture = (name: string) => fileURLToPath(new URL(`../fixtures/yunnan/${name}`, import.meta.url));

export interface YunnanFolder {
  dir: string;
  data: string;
  checkpoints: string;
  platformFile: string;
  /** A token of the police department (530000-GAT), signed with the folder's secret. */
  token: string;
  /** The environment of a command on the folder. */
  env: NodeJS.ProcessEnv;
  /** `govgraph serve` on a free port; resolves with the process and its port once it serves. */
  serve(): Promise<ServedProcess>;
  /** The first `first` residents' regions, read on `port`. */
  read(port: number, first: number): Promise<{ data?: { police?: { residents: { nodes: unknown[] } } }; errors?: unknown[] }>;
  remove(): void;
}

export async function yunnanFolder(prefix: string): Promise<YunnanFolder> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const data = join(dir, 'data');
  const checkpoints = join(dir, 'checkpoints.jsonl');
  const platformFile = join(dir, 'platform.yaml');
  writeFileSync(platformFile, stringify({ ...parse(readFileSync(yunnanFixture('platform.yaml'), 'utf8')), limits: { rate: { perDepartment: 'off', perUser: 'off' } }, server: { drainDelayMs: 100 } }));
  const platform = loadPlatform(platformFile);
  const secret = await withSqliteStore(data, async (store) => {
    await importCatalogueFiles(store, platform, [yunnanFixture('police.yaml')], { publish: true });
    const residents = (await publishedCatalogues(store)).flatMap((c) => c.resources).find((r) => r.code === '530000-GAT-R01')!;
    await importRecords(store, residents, yunnanFixture('residents.jsonl'));
    return storedSecret(store);
  });
  const token = await signToken(secret, { dept: '530000-GAT', user: 'load', roles: [], ttl: '1h' });
  const env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platformFile, GOVGRAPH_AUDIT_CHECKPOINTS: checkpoints });

  const serve = (): Promise<ServedProcess> => spawnServe([], env);

  const read: YunnanFolder['read'] = (port, first) =>
    fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ police { residents(first: ${first}) { nodes { xzqh } } } }` }),
    }).then((r) => r.json() as ReturnType<YunnanFolder['read']>);

  return { dir, data, checkpoints, platformFile, token, env, serve, read, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
