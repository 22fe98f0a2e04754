// The platform's light fields do not wait for their department's turn (src/limits/turns.ts), but a light
// root field with a heavy field under it does: a catalogue version's `warnings` scan the audit log of the
// last 90 days for the catalogue's resources, as `usage` does, and its `document` is the whole catalogue.
// Through a real gateway on the platform of test/fixtures/turns, with a bound of 1: the compiling
// department's queries of its submitted version's warnings scanned the log all at once.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { readDocument } from '../src/catalogue/read.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { takesTurn } from '../src/limits/turns.ts';
import { submitCatalogue } from '../src/workflow/catalogues.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { withHeldReads } from './helpers/held-reads.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/turns', name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const COMPILER = '540000-TJ';

const waits = (text: string): boolean => {
  const doc = parse(text);
  return takesTurn(doc, doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!);
};

describe('which queries wait for their turn', () => {
  it('light fields, aliased or not, do not; a light field selecting a version\'s warnings or document does, fragments followed', () => {
    expect(waits('{ me { department } a: catalogues { id title published { version resources { code items { name } } } } b: grants { id } }')).toBe(false);
    expect(waits('{ catalogues { versions { warnings { kind usedBy } } } }')).toBe(true);
    expect(waits('{ catalogue(id: "X") { ...V } } fragment V on Catalogue { versions { ... on CatalogueVersion { document } } }')).toBe(true);
    expect(waits('{ x: catalogues { published { doc: document } } }')).toBe(true);
    expect(waits('{ tibetStats { counties { nodes { name } } } }')).toBe(true);
  });
});

describe("a light field's heavy part takes a turn through the gateway", () => {
  const scans = { inFlight: 0, most: 0 };
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway({
      platformFile: fixture('platform.yaml'),
      catalogueFiles: [fixture('catalogue.yaml')],
      limits: { timeoutMs: 10_000, concurrentPerDepartment: 1 },
      wrapStore: (store) => withHeldReads(store, async (collection, options) => {
        // The scan's reads of entries of kind `read`; not the audit writer's own reads of the log's head.
        if (collection !== AUDIT_COLLECTION || !JSON.stringify(options).includes('"read"')) return;
        scans.most = Math.max(scans.most, ++scans.inFlight);
        await sleep(150);
        scans.inFlight--;
      }),
    });
    // A second version submitted by the compiling department: its warnings are computed against the first.
    const catalogue = readDocument(fixture('catalogue.yaml')) as Catalogue;
    const dept = gw.platform.departments.find((d) => d.code === COMPILER)!;
    await submitCatalogue({ store: gw.store, platform: gw.platform, now: new Date() }, { dept, user: 'dawa', roles: ['compiler'], purpose: null, requestId: 'submit-v2' }, { ...catalogue, title: 'Turns test catalogue, revised' });
  }, 60_000);

  afterAll(() => gw?.close());

  it("the compiling department's queries of its submitted version's warnings scan the audit log one at a time", async () => {
    const token = await gw.token(COMPILER, ['compiler']);
    const query = '{ catalogues { versions { version status warnings { kind } } } }';
    Object.assign(scans, { inFlight: 0, most: 0 });
    const answers = await Promise.all(Array.from({ length: 3 }, async () => {
      const res = await fetch(`${gw.gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { data?: { catalogues: { versions: { status: string }[] }[] }; errors?: unknown };
    }));
    for (const a of answers) {
      expect(a.errors).toBeUndefined();
      expect(a.data!.catalogues[0].versions.map((v) => v.status)).toEqual(['PUBLISHED', 'SUBMITTED']);
    }
    expect(scans.most).toBe(1);
  }, 30_000);
});
