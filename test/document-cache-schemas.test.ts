// The cache of validated documents is per schema (src/server/plugins/document-cache.ts): a document
// validated against the schema in effect is served from the cache while that schema answers, and is
// validated again against a newly published one, so that a field a publication dropped is refused as
// unknown, never executed. Apollo keyed its own cache by the printed schema; this one by its identity.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApolloServerPlugin } from '@apollo/server';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { yunnanFixture } from './helpers/yunnan-folder.ts';

const BIRTHS = 'query Births { police { residents(first: 1) { nodes { csrq } } } }';

describe('the document cache across a publication', () => {
  let gw: TestGateway;
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-doc-cache-'));
  /** The texts of the documents validated (a document from the cache is not). */
  const validated: string[] = [];
  const counting: ApolloServerPlugin = {
    async requestDidStart() {
      return { async validationDidStart(rc) { validated.push(rc.source); } };
    },
  };

  beforeAll(async () => {
    gw = await startTestGateway({
      platformFile: yunnanFixture('platform.yaml'),
      catalogueFiles: [yunnanFixture('police.yaml')],
      gateway: { plugins: [counting] },
    });
  });
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a document from the cache on one schema and validates it again on the next', async () => {
    const token = await gw.token('530000-GAT');
    const send = () => gw.query(BIRTHS, { token }).then((r) => r.errors?.map((e) => e.extensions?.code) ?? []);
    expect(await send()).not.toContain('GRAPHQL_VALIDATION_FAILED');
    expect(await send()).not.toContain('GRAPHQL_VALIDATION_FAILED');
    expect(validated.filter((text) => text === BIRTHS)).toHaveLength(1); // the second came from the cache

    // A new version of the catalogue drops the residents' date of birth.
    const file = join(dir, 'police.yaml');
    writeFileSync(file, readFileSync(yunnanFixture('police.yaml'), 'utf8').replace(/^ {6}- \{ name: csrq,.*\n/m, ''));
    await importCatalogueFiles(gw.store, gw.platform, [file], { publish: true });
    expect(await gw.gateway.holder.refresh()).toBe(true);

    const after = await gw.query(BIRTHS, { token });
    expect(after.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(after.errors?.[0].message).toContain('csrq');
    expect(validated.filter((text) => text === BIRTHS)).toHaveLength(2);
  }, 60_000);
});
