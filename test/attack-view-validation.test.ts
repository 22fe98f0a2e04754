// A department probing the schema through validation messages (SPEC §15: the schema as it sees it), on a
// platform of its own (test/fixtures/hainan-language): a refused document's errors name nothing of what the
// department's view leaves out (a resource shared with no one, an item not shared or not by API), where
// graphql's messages against the whole schema named a hidden lookup's key argument and the types of hidden
// items. A document that passes still reads, and a denied item is still denied with its code (SPEC §6).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/hainan-language/${name}`, import.meta.url));
const READER = '460100-MZJ';
const PROVIDER = '460000-GAT';
const PURPOSE = 'relief-check';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('market.yaml')] });
  const residents = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === '460000-GAT-00001')!;
  await gw.store.insert(collectionOf(residents), [{ certNo: '460100199001011234', division: '460100', age: 30, criminalNote: 'theft' }]);
}, 60_000);
afterAll(() => gw?.close());

const messages = (r: GraphQLResponse) => (r.errors ?? []).map((e) => e.message);
const ask = (query: string, dept = READER, variables?: Record<string, unknown>) => gw.query(query, { dept, purpose: PURPOSE, variables });

describe('a refused document, as the department\'s view gives it', () => {
  it('names no key argument of a lookup of a resource shared with no one', async () => {
    const hidden = await ask('{ hnPolice { islandInformant { __typename } } }');
    const absent = await ask('{ hnPolice { islandGhost { __typename } } }');
    expect(hidden.status).toBe(400);
    expect(messages(hidden)).toEqual(['Cannot query field "islandInformant" on type "HnPoliceResources".']);
    expect(messages(absent)).toEqual(['Cannot query field "islandGhost" on type "HnPoliceResources".']);
    // Its provider's view holds it: the message of the whole schema, key argument and all.
    const own = await ask('{ hnPolice { islandInformant { __typename } } }', PROVIDER);
    expect(messages(own)).toEqual(['Field "islandInformant" argument "alias" of type "String!" is required, but it was not provided.']);
  });

  it('tells a hidden item from one that does not exist by nothing but its name', async () => {
    for (const hidden of ['criminalNote', 'dossierCode']) {
      const asHidden = messages(await ask(`{ hnPolice { islandResidents { nodes { ${hidden} { x } } } } }`));
      const asAbsent = messages(await ask(`{ hnPolice { islandResidents { nodes { ghostItem { x } } } } }`));
      expect(asHidden).toEqual([`Cannot query field "${hidden}" on type "IslandResident".`]);
      expect(asHidden.map((m) => m.replace(hidden, 'ghostItem'))).toEqual(asAbsent);
    }
  });

  it('names no type of a hidden item through a variable\'s position or a value', async () => {
    const position = await ask('query($v: Int) { hnPolice { islandInformants(filter: { handlerNote: { eq: $v } }) { totalCount } } }');
    const value = await ask('{ hnPolice { islandResidents(filter: { criminalNote: { gt: 5 } }) { totalCount } } }');
    for (const r of [position, value]) {
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.errors)).not.toMatch(/"String"|StringFilter|handlerNote"? of/);
      expect(r.errors!.every((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED')).toBe(true);
    }
    expect(messages(position)).toEqual(['Cannot query field "islandInformants" on type "HnPoliceResources".']);
    expect(messages(value)).toEqual(['Field "criminalNote" is not defined by type "IslandResidentFilter".']);
  });

  it('names no type of a hidden item through a variable\'s value', async () => {
    // The filter the test above writes in the document, sent as a variable: coerced against the whole
    // schema it said 'Field "gt" is not defined by type "StringFilter"' and 'String cannot represent a non
    // string value: 5', the type of an item the department's view leaves out.
    const filtered = 'query($f: IslandResidentFilter) { hnPolice { islandResidents(filter: $f) { totalCount } } }';
    for (const [f, shown] of [[{ criminalNote: { gt: 5 } }, '{ criminalNote: { gt: 5 } }'], [{ criminalNote: { eq: 5 } }, '{ criminalNote: { eq: 5 } }']] as const) {
      const r = await ask(filtered, READER, { f });
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.errors)).not.toMatch(/"String"|StringFilter|String cannot/);
      expect(r.errors!.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(messages(r)).toEqual([`Variable "$f" got invalid value ${shown}; Field "criminalNote" is not defined by type "IslandResidentFilter".`]);
    }
    // A visible item's value refused as before, its type named; its provider is told of the hidden item's type.
    expect(messages(await ask(filtered, READER, { f: { age: { eq: 'old' } } }))).toEqual(['Variable "$f" got invalid value "old" at "f.age.eq"; Int cannot represent non-integer value: "old"']);
    expect(messages(await ask(filtered, PROVIDER, { f: { criminalNote: { gt: 5 } } }))).toEqual(['Variable "$f" got invalid value { gt: 5 } at "f.criminalNote"; Field "gt" is not defined by type "StringFilter".']);
  });

  it('keeps a limit\'s refusal beside them', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: islandResident(certNo: "k${i}") { age }`).join(' ');
    const r = await ask(`{ hnPolice { ${aliases} islandInformant { __typename } } }`);
    expect(r.errors!.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX', 'GRAPHQL_VALIDATION_FAILED']);
    expect(r.errors![1].message).toBe('Cannot query field "islandInformant" on type "HnPoliceResources".');
  });
});

describe('a valid document', () => {
  it('still reads, a denied item null with its code (SPEC §6)', async () => {
    const r = await ask('{ hnPolice { islandResidents { nodes { age criminalNote } } } }');
    expect(r.data).toEqual({ hnPolice: { islandResidents: { nodes: [{ age: 30, criminalNote: null }] } } });
    expect(r.errors!.map((e) => [e.extensions?.code, e.extensions?.item])).toEqual([['NOT_SHARED', 'criminalNote']]);
  });
});
