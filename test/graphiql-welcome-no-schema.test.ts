// GraphiQL's welcome text promised "The schema and its Docs load once the token is accepted" on every
// gateway. Under `server.introspection: false` and under `trustedDocuments.mode: require` (introspection is
// in no manifest) they never load, whatever the token: a department developer of Gansu (620100-MZJ, test/
// fixtures/gansu-clients) pasted a good token, got an empty Docs pane and a refusal, and the page still
// told them the Docs would come. The text now says why they do not and where the schema comes from, and
// under `require` that only a manifest's operation runs (its own `query { __typename }` is refused too).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/gansu-clients/${name}`, import.meta.url));
const dept = '620100-MZJ';
const purpose = 'subsistence-allowance';
const ENTERPRISES = 'query LanzhouEnterprises { gsMarket { enterprises(first: 2) { nodes { name } } } }';

/** The welcome text the page gives GraphiQL's query editor (the config JSON in the page). */
async function welcome(gw: TestGateway): Promise<string> {
  const page = await (await fetch(`${gw.gateway.url}/graphiql`)).text();
  const json = /<script type="application\/json" id="govgraph-graphiql-config">(.*?)<\/script>/s.exec(page)?.[1];
  if (!json) throw new Error(`no config in the page: ${page.slice(0, 200)}`);
  return (JSON.parse(json) as { defaultQuery: string }).defaultQuery;
}

/** The welcome text's comment lines joined into one text, as a person reads them. */
const prose = (text: string) => text.split('\n').filter((l) => l.startsWith('#')).map((l) => l.replace(/^#\s*/, '')).join(' ');

const started: TestGateway[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const gw of started) await gw.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function gansu(platformFile = fixture('platform.yaml'), server?: { introspection?: boolean }, graphiqlHeaders?: Record<string, string>): Promise<TestGateway> {
  const gw = await startTestGateway({
    platformFile,
    catalogueFiles: [fixture('police.yaml'), fixture('market.yaml')],
    gateway: { ...(server ? { server } : {}), ...(graphiqlHeaders ? { graphiqlHeaders } : {}) },
  });
  started.push(gw);
  return gw;
}

describe('GraphiQL welcome text on a Gansu gateway', () => {
  it('with introspection on, promises the schema and the Docs (and the schema loads)', async () => {
    const gw = await gansu();
    const text = prose(await welcome(gw));
    expect(text).toContain('The schema and its Docs load once the token is accepted');
    expect(text).toContain('subsistence-allowance, business-licensing');
    const answer = await gw.query('{ __schema { queryType { name } } }', { dept });
    expect(answer.errors).toBeUndefined();
  }, 30_000);

  it('with introspection off, says the Docs do not load and names govgraph schema print', async () => {
    const gw = await gansu(fixture('platform.yaml'), { introspection: false });
    const text = prose(await welcome(gw));
    expect(text).not.toContain('load once the token is accepted');
    expect(text).toContain('Introspection is turned off on this platform (server.introspection: false): the schema and its Docs do not load.');
    expect(text).toContain('`govgraph schema print --dept CODE`');
    // What the gateway answers GraphiQL's introspection with the developer's good token says the same.
    const answer = await gw.query('{ __schema { queryType { name } } }', { dept, purpose });
    expect(answer.errors?.[0]?.message).toMatch(/^Introspection is turned off on this platform \(server\.introspection: false\)/);
    // The prefilled page (serve --demo's way) does not promise them either.
    const prefilled = await gansu(fixture('platform.yaml'), { introspection: false }, { Authorization: `Bearer ${await gw.token(dept)}`, 'x-purpose': purpose });
    const prefilledText = prose(await welcome(prefilled));
    expect(prefilledText).not.toContain('show what that department may read');
    expect(prefilledText).toContain('the schema and its Docs do not load.');
  }, 30_000);

  it('under trustedDocuments require, says introspection is in no manifest and only manifest operations run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'govgraph-gansu-welcome-'));
    dirs.push(dir);
    const hash = createHash('sha256').update(ENTERPRISES).digest('hex');
    writeFileSync(join(dir, 'persisted-documents.json'), JSON.stringify({ [`sha256:${hash}`]: ENTERPRISES }));
    const platformFile = join(dir, 'platform.yaml');
    writeFileSync(platformFile, `${readFileSync(fixture('platform.yaml'), 'utf8')}trustedDocuments:\n  mode: require\n  manifests: [persisted-documents.json]\n`);
    const gw = await gansu(platformFile);
    const page = await welcome(gw);
    const text = prose(page);
    expect(text).not.toContain('load once the token is accepted');
    expect(text).toContain('This gateway runs only trusted documents (trustedDocuments: require) and introspection is in no manifest: the schema and its Docs do not load.');
    expect(text).toContain('Only the operations of the persisted-documents manifests run');
    // As the text says: the page's own query is refused, introspection too, and a manifest's operation runs.
    const own = await gw.query(page.slice(page.indexOf('query {')), { dept, purpose });
    expect(own.errors?.[0]?.extensions?.code).toBe('DOCUMENT_NOT_TRUSTED');
    const schema = await gw.query('{ __schema { queryType { name } } }', { dept, purpose });
    expect(schema.errors?.[0]?.message).toContain('introspection is in no manifest');
    const listed = await gw.query(ENTERPRISES, { dept, purpose });
    expect(listed.errors).toBeUndefined();
    expect(listed.data?.gsMarket?.enterprises?.nodes).toEqual([]);
  }, 30_000);
});
