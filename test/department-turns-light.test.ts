// Which queries wait for their department's turn (src/limits/turns.ts): the platform's light fields do
// not; `catalogues` and `catalogue` do, though they were counted light: each reads every version of the
// catalogues it lists whole from the store and parses it, at every alias, whatever it selects (a catalogue
// of 500 resources of 40 items in 10 versions: 360 ms a call), and a version's `warnings` scan the audit
// log of 90 days as `usage` does. Through a real gateway on the platform of test/fixtures/turns, with a
// bound of 1: one department's queries of the catalogues read the versions all at once.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import { takesTurn } from '../src/limits/turns.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { withHeldReads } from './helpers/held-reads.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/turns', name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DEPT = '540000-GT';

const waits = (text: string): boolean => {
  const doc = parse(text);
  return takesTurn(doc, doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!);
};

describe('which queries wait for their turn', () => {
  it('light fields, aliased or not, do not; catalogues and catalogue do, fragments followed', () => {
    expect(waits('{ me { department } r: resourceInfo(code: "540000-TJ-00001") { name } a: grants { id } b: sharingRequests { id } __schema { queryType { name } } }')).toBe(false);
    expect(waits('{ me { department } catalogues { id } }')).toBe(true);
    expect(waits('{ x: catalogue(id: "TURNS-TJ") { id } }')).toBe(true);
    expect(waits('{ me { user } ...C } fragment C on Query { ... on Query { catalogues { versions { warnings { kind } } } } }')).toBe(true);
  });
});

describe("one department's queries of the catalogues take turns through the gateway", () => {
  const versionReads = { inFlight: 0, most: 0 };
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway({
      platformFile: fixture('platform.yaml'),
      catalogueFiles: [fixture('catalogue.yaml')],
      limits: { timeoutMs: 10_000, concurrentPerDepartment: 1 },
      wrapStore: (store) => withHeldReads(store, async (collection, options) => {
        // A version read whole (no projection): not the reads of the versions' heads.
        if (collection !== CATALOGUE_VERSIONS || (options as { projection?: unknown } | undefined)?.projection) return;
        versionReads.most = Math.max(versionReads.most, ++versionReads.inFlight);
        await sleep(150);
        versionReads.inFlight--;
      }),
    });
  }, 60_000);

  afterAll(() => gw?.close());

  it('three queries of the catalogues sent at once read the versions one query at a time', async () => {
    const token = await gw.token(DEPT);
    Object.assign(versionReads, { inFlight: 0, most: 0 });
    const answers = await Promise.all(Array.from({ length: 3 }, async () => {
      const res = await fetch(`${gw.gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ catalogues { id title } }' }),
      });
      return (await res.json()) as { data?: unknown; errors?: unknown };
    }));
    for (const a of answers) expect(a).toEqual({ data: { catalogues: [{ id: 'TURNS-TJ', title: 'Turns test catalogue' }] } });
    expect(versionReads.most).toBe(1);
  }, 30_000);
});
