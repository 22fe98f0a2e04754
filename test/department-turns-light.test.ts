// Which queries wait for their department's turn (src/limits/turns.ts): `me`, `resourceInfo` and
// introspection do not; the catalogues and the workflow lists do, though they were counted light: what
// they read grows with the platform, at every alias, whatever the caller may see. `catalogues` reads every
// version of every catalogue whole and parses it (a catalogue of 500 resources of 40 items in 10 versions:
// 360 ms a call); `grants` reads every grant of the platform, then keeps the caller's (20,000 grants: 29
// aliases, 2.7 s for an empty answer). Through a real gateway on the platform of test/fixtures/turns, with
// a bound of 1: one department's queries of the catalogues, or of its grants, read all at once.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import { takesTurn } from '../src/limits/turns.ts';
import { GRANTS } from '../src/access/grants.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { withHeldReads } from './helpers/held-reads.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/turns', name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DEPT = '540000-GT';

/** A gateway on the platform of test/fixtures/turns running one query of a department at a time, its store's reads going through `hold` first. */
const turnsGateway = (hold: Parameters<typeof withHeldReads>[1]): Promise<TestGateway> =>
  startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('catalogue.yaml')],
    limits: { timeoutMs: 20_000, concurrentPerDepartment: 1 },
    wrapStore: (store) => withHeldReads(store, hold),
  });

/** A read of the catalogue versions as a list reads them (their summaries, or whole), not of the versions' heads. */
const listsVersions = (collection: string, options: unknown): boolean => {
  const projection = (options as { projection?: string[] } | undefined)?.projection;
  return collection === CATALOGUE_VERSIONS && (!projection || projection.includes('summary'));
};

const waits = (text: string): boolean => {
  const doc = parse(text);
  return takesTurn(doc, doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!);
};

describe('which queries wait for their turn', () => {
  it('me, resourceInfo and introspection, aliased or not, do not; the catalogues and the workflow lists do, fragments followed', () => {
    expect(waits('{ me { department } r: resourceInfo(code: "540000-TJ-00001") { name } s: resourceInfo(code: "X") { code } __schema { queryType { name } } __typename }')).toBe(false);
    expect(waits('{ me { department } catalogues { id } }')).toBe(true);
    for (const list of ['grants', 'sharingRequests', 'objections', 'demands']) expect(waits(`{ me { user } mine: ${list} { id } }`)).toBe(true);
    expect(waits('{ x: catalogue(id: "TURNS-TJ") { id } }')).toBe(true);
    expect(waits('{ me { user } ...C } fragment C on Query { ... on Query { catalogues { versions { warnings { kind } } } } }')).toBe(true);
  });

  it('introspection of the whole schema (`__schema` listing its types) waits, fragments followed; a type by name does not', () => {
    expect(waits('{ __schema { types { name fields { name } } } }')).toBe(true);
    expect(waits('{ a: __schema { queryType { name } } b: __schema { types { name } } }')).toBe(true);
    expect(waits('query { ...S } fragment S on Query { __schema { ...T } } fragment T on __Schema { ... on __Schema { types { name } } }')).toBe(true);
    expect(waits('{ __schema { queryType { name } directives { name } } __type(name: "Query") { fields { name } } }')).toBe(false);
  });

  it("walking the schema from a type (a type's members under another's) waits as its types do; one type's members do not", () => {
    // Query's fields are the namespaces, their types' fields every resource (graphql refuses a third list).
    expect(waits('{ __schema { queryType { fields { name type { fields { name type { name } } } } } } }')).toBe(true);
    expect(waits('{ a: __type(name: "Query") { fields { type { fields { name } } } } }')).toBe(true);
    expect(waits('{ __type(name: "Q") { ...M } } fragment M on __Type { possibleTypes { ...N } } fragment N on __Type { inputFields { name } }')).toBe(true);
    expect(waits('{ __type(name: "Query") { fields { name args { name type { name ofType { name } } } type { name kind } } } }')).toBe(false);
    expect(waits('{ __type(name: "Q") { ...M fields { type { name } } } } fragment M on __Type { fields { name } }')).toBe(false);
  });
});

describe("one department's queries of the catalogues take turns through the gateway", () => {
  const versionReads = { inFlight: 0, most: 0 };
  const grantReads = { inFlight: 0, most: 0 };
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await turnsGateway(async (collection, options) => {
      // The grants listed (sorted as the list shows them), not the requester's own active grants read for its access.
      const held = listsVersions(collection, options) ? versionReads
        : collection === GRANTS && (options as { sort?: unknown } | undefined)?.sort ? grantReads : null;
      if (!held) return;
      held.most = Math.max(held.most, ++held.inFlight);
      await sleep(150);
      held.inFlight--;
    });
  }, 60_000);

  afterAll(() => gw?.close());

  /** `query` sent three times at once by the department. */
  async function threeAtOnce(query: string): Promise<unknown[]> {
    const token = await gw.token(DEPT);
    return Promise.all(Array.from({ length: 3 }, async () => {
      const res = await fetch(`${gw.gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      return res.json();
    }));
  }

  it('three queries of the catalogues sent at once read the versions one query at a time', async () => {
    Object.assign(versionReads, { inFlight: 0, most: 0 });
    const answers = await threeAtOnce('{ catalogues { id title } }');
    for (const a of answers) expect(a).toEqual({ data: { catalogues: [{ id: 'TURNS-TJ', title: 'Turns test catalogue' }] } });
    expect(versionReads.most).toBe(1);
  }, 30_000);

  it("three queries of the department's grants sent at once read the grants one query at a time", async () => {
    Object.assign(grantReads, { inFlight: 0, most: 0 });
    const answers = await threeAtOnce('{ grants { id } }');
    for (const a of answers) expect(a).toEqual({ data: { grants: [] } });
    expect(grantReads.most).toBe(1);
  }, 30_000);
});

// Introspection is answered on the department's view by a plugin, before the gateway's executor
// (src/server/plugins/introspection.ts): it took no turn there, and 16 queries of 30 aliases of
// `__schema { types { fields { args } } }` at once kept another department's lookup waiting 2 s. Now the
// plugin runs it in the department's turn: held behind the department's running query of the catalogues.
describe("a department's introspection of the whole schema takes its turn", () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held = { armed: false, inFlight: 0 };
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await turnsGateway(async (collection, options) => {
      if (!held.armed || !listsVersions(collection, options)) return;
      held.inFlight++;
      await gate;
      held.inFlight--;
    });
  }, 60_000);

  afterAll(() => {
    release();
    return gw?.close();
  });

  it('waits while the department holds its turn, and is answered whole once the turn is free', async () => {
    const token = await gw.token(DEPT);
    const send = async (query: string) => {
      const res = await fetch(`${gw.gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      return res.json() as Promise<{ data?: Record<string, unknown>; errors?: unknown[] }>;
    };
    // The department's view built once, and a light introspection answered while nothing is held.
    expect((await send('{ __type(name: "Query") { name } }')).data).toEqual({ __type: { name: 'Query' } });
    held.armed = true;
    const catalogues = send('{ catalogues { id } }');
    // Polled up to 10 s: the held read starts within milliseconds alone, later on two loaded cores.
    for (let i = 0; i < 1000 && held.inFlight === 0; i++) await sleep(10);
    expect(held.inFlight).toBe(1);
    let answered = false;
    const whole = send('{ __schema { types { name } } }').then((r) => ((answered = true), r));
    // A type by name does not wait; the whole schema's types do, behind the held query.
    expect((await send('{ __type(name: "Query") { name } }')).data).toEqual({ __type: { name: 'Query' } });
    await sleep(1000);
    expect(answered).toBe(false);
    release();
    expect((await catalogues).data).toEqual({ catalogues: [{ id: 'TURNS-TJ' }] });
    const introspected = await whole;
    expect(introspected.errors).toBeUndefined();
    expect((introspected.data!.__schema as { types: { name: string }[] }).types.map((t) => t.name)).toContain('Query');
  }, 30_000);
});
