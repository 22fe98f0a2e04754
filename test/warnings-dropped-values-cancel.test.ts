// A version's warnings count the stored records holding each enum value it takes away (dropped-values.ts),
// one count per value. Read as a field, those counts went through the store the resolver took once, so
// once the time limit (limits.timeoutMs, SPEC §13) had answered the request, the counts went on, value
// after value (a compiler's draft taking most values from a few enum items of a big resource held the
// store, and on the embedded store the event loop, long after its answer). Now no count starts once the
// request is cancelled, as the audit-log scan of the same warnings stops (test/warnings-cancel.test.ts).
// On a Qinghai fixture (test/fixtures/qinghai-quality) whose own enum item has 24 values.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = 'test/fixtures/qinghai-quality';
const COMPILER = { dept: '630000-MZ', roles: ['compiler' as const] };
const COLLECTION = 'r_630000_mz_00021';
const VALUES = Array.from({ length: 24 }, (_, i) => `s${String(i).padStart(2, '0')}`);
const TIMEOUT_MS = 400;
const COUNT_MS = 150;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const counts = { started: 0, slow: false };
/** The store, its counts of the recipients' collection slow while `counts.slow`, and counted. */
const slowCounts = (inner: Store): Store =>
  new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop !== 'count') return value.bind(target);
      return async (collection: string, ...rest: unknown[]) => {
        if (counts.slow && collection === COLLECTION) {
          counts.started++;
          await sleep(COUNT_MS);
        }
        return value.call(target, collection, ...rest);
      };
    },
  });

let dir: string;
let gw: TestGateway;
let doc: Catalogue;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-dropped-cancel-'));
  doc = parse(readFileSync(join(FIXTURE, 'benefits.yaml'), 'utf8')) as Catalogue;
  doc.resources[1].items[1].values = VALUES;
  writeFileSync(join(dir, 'benefits.yaml'), stringify(doc));
  gw = await startTestGateway({
    platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [join(dir, 'benefits.yaml')], limits: { timeoutMs: TIMEOUT_MS }, wrapStore: slowCounts,
  });
  // A draft that keeps one value of the 24: 23 counts when its warnings are read.
  const draft = structuredClone(doc);
  draft.resources[1].items[1].values = [VALUES[0]];
  const sub = await gw.query('mutation($doc: String!) { submitCatalogue(document: $doc) { version { status } } }', { ...COMPILER, variables: { doc: JSON.stringify(draft) } });
  expect(sub.errors).toBeUndefined();
}, 60_000);
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('starts no count of a value taken away once the time limit has answered', async () => {
  counts.slow = true;
  const res = await gw.query('{ catalogues(id: "QH-BENEFITS") { versions { status warnings { kind records } } } }', COMPILER);
  expect(res.errors?.map((e) => e.extensions?.code)).toContain('QUERY_TOO_COMPLEX');
  // A count under way when the limit answered may end; none starts after it.
  await sleep(2 * COUNT_MS);
  const settled = counts.started;
  await sleep(4 * COUNT_MS);
  expect(counts.started).toBe(settled);
  expect(settled).toBeLessThan(VALUES.length / 2);
}, 30_000);
