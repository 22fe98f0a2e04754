// A query whose answer is `data: null` (a non-null root field failing: `catalogues(id: "")` refused with
// BAD_USER_INPUT) beside other root fields already started. graphql-js answered at once while those
// went on: a department's read was put on record after the request's entry was written (the entry said 0
// records of a list it went on to read), and a supervisor's consistencyReport wrote its entry after the
// answer had gone out, saying the request was given a report its caller never got. graphql-jit waited for
// them. Now both executors answer once every field started has settled (src/server/started-work.ts), so
// the audit log holds all of the request's entries when its answer arrives, and nothing is written after.
// On a Xiamen platform of its own (test/fixtures/xiamen-sample), with the store's first data read held
// until the test lets it go: over real HTTP, each document in two shapes, one compiled by graphql-jit and
// one sent to graphql-js (a response key asked twice under different conditions:
// src/server/conditioned-duplicates.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { idCardCheckDigit } from '../src/formats/idcard.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import type { Row } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { withHeldReads } from './helpers/held-reads.ts';
import { aroundMethod } from './helpers/store-around.ts';
import { fileURLToPath } from 'node:url';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/xiamen-sample/${p}`, import.meta.url));
const POLICE = { dept: '350200-GAJ', purpose: 'xm-residence' };
const SUPERVISOR = { dept: '350200-DSJ', roles: ['supervisor' as const], purpose: 'xm-residence' };
const FAILING = 'catalogues(id: "") { id }';

function idNumber(n: number): string {
  const first17 = `35020019800101${String(n).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
}

/** The next data read (not the platform's own collections, `_...`) waits for `release`; `done` settles once it has read. */
interface Hold { done: Promise<void>; release(): void; released: boolean }
let next: ((h: Hold) => void) | undefined;

function holdNext(collection: string): Promise<void> | undefined {
  const take = next;
  if (collection.startsWith('_') || !take) return undefined;
  next = undefined;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const h: Hold = { done: gate.then(() => new Promise((r) => setImmediate(r))), released: false, release: () => { h.released = true; release(); } };
  take(h);
  return gate;
}

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('gaj.yaml'), fixture('mzj.yaml')],
    // The consistency report reads by compareJoined, a department's list by find.
    wrapStore: (s) => aroundMethod(withHeldReads(s, holdNext), 'compareJoined', async (_args, call) => {
      await holdNext('joined');
      return call();
    }),
  });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  const named = (n: number, name: string): Row => ({ idNumber: idNumber(n), fullName: name });
  await gw.store.insert(collectionOf(resources.find((r) => r.code === '350200-GAJ-00001')!), [named(1, 'A'), named(2, 'B')]);
  await gw.store.insert(collectionOf(resources.find((r) => r.code === '350200-MZJ-00001')!), [named(1, 'A'), named(2, 'B (moved)')]);
}, 60_000);
afterAll(() => gw?.close());

const entries = async () =>
  (await gw.store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map((e) => ({ seq: e.seq, kind: e.kind, action: e.action, outcome: e.outcome, resources: JSON.parse(String(e.resources)) }));

/**
 * Sends `doc` as `who` with the next data read held, let go a while after it started. Whether the answer
 * came before that, what the audit log held when it came, and what it holds once the held read and what
 * followed it are done.
 */
async function askHeld(doc: string, who: typeof POLICE | typeof SUPERVISOR) {
  const before = (await entries()).length;
  const hold = new Promise<Hold>((r) => (next = r));
  let current: Hold | undefined;
  let timer: NodeJS.Timeout | undefined;
  // Not a bound on anything: the fixed gateway answers after the release whenever it comes; an unfixed one
  // answered while the read was held (or before it started), long before this.
  void hold.then((h) => {
    current = h;
    timer = setTimeout(() => h.release(), 1000);
  });
  const res = await gw.query(doc, who);
  const answeredBeforeRelease = !current?.released;
  const atAnswer = (await entries()).slice(before);
  const h = await hold;
  h.release();
  clearTimeout(timer);
  await h.done;
  // Whatever the held read was for has had time to write its entry (an unfixed gateway did within milliseconds).
  await new Promise((r) => setTimeout(r, 1500));
  return { res, answeredBeforeRelease, atAnswer, later: (await entries()).slice(before) };
}

/** The document for each executor: as written (graphql-jit), and with `field` asked twice, once under a condition (graphql-js). */
const shapes = (field: string): [string, string][] => [
  ['graphql-jit', `{ ${field} ${FAILING} }`],
  ['graphql-js', `{ a: ${field.replace(' {', ' @skip(if: false) {')} a: ${field} ${FAILING} }`],
];

describe('a query answered data: null while other fields it started are under way', () => {
  for (const [executor, doc] of shapes('xmPolice { named { nodes { fullName } } }')) {
    it(`${executor}: a department's read is on record, as read, before the answer; nothing after`, async () => {
      const { res, answeredBeforeRelease, atAnswer, later } = await askHeld(doc, POLICE);
      expect(res.data).toBeNull();
      expect(res.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['BAD_USER_INPUT', ['catalogues']]]);
      expect(answeredBeforeRelease).toBe(false);
      expect(later).toEqual(atAnswer);
      // One entry: the request's, an error (nothing delivered), naming the two records the store gave.
      expect(atAnswer).toMatchObject([{ kind: 'read', outcome: 'error', resources: [{ resource: '350200-GAJ-00001', items: ['fullName'], records: 2 }] }]);
    });
  }

  for (const [executor, doc] of shapes('consistencyReport(element: "XM-NAME") { left right differing }')) {
    it(`${executor}: a supervisor's consistencyReport writes its entry before the answer, not after`, async () => {
      const { res, answeredBeforeRelease, atAnswer, later } = await askHeld(doc, SUPERVISOR);
      expect(res.data).toBeNull();
      expect(answeredBeforeRelease).toBe(false);
      expect(later).toEqual(atAnswer);
      expect(atAnswer.map((e) => [e.kind, e.action])).toEqual([['workflow', 'consistencyReport']]);
    });
  }
});
