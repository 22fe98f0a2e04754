// Publishing without a restart (SPEC §9): a request in flight during a publish completes on the schema
// it started with; a second gateway on the same store serves the new schema within 5 seconds; a version
// whose schema cannot be built is refused and the schema in effect stays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectionOf } from '../src/model/catalogue.ts';
import { signToken } from '../src/identity/token.ts';
import { startGateway, type Gateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { GA_COMPILER, PUBLISH, REVIEW, SUBMIT, ZWB_AUDITOR, demoCatalogue } from './helpers/workflow.ts';

const CASES = collectionOf(demoCatalogue('public-security.yaml').resources[0]);

/** A store whose next find on the case files waits until released. */
function gatedStore(inner: Store) {
  let gate: { entered: () => void; release: Promise<void> } | null = null;
  const store: Store = Object.create(inner);
  store.find = async (collection, query) => {
    if (gate && collection === CASES) {
      const g = gate;
      gate = null;
      g.entered();
      await g.release;
    }
    return inner.find(collection, query);
  };
  return {
    store,
    arm(): { entered: Promise<void>; release: () => void } {
      let entered!: () => void;
      let release!: () => void;
      const enteredP = new Promise<void>((r) => (entered = r));
      gate = { entered, release: new Promise<void>((r) => (release = r)) };
      return { entered: enteredP, release };
    },
  };
}

let gated: ReturnType<typeof gatedStore>;
let gw: TestGateway;
let second: { gateway: Gateway; store: Store } | null = null;

beforeAll(async () => {
  gw = await startTestGateway({ wrapStore: (s) => (gated = gatedStore(s)).store });
});
afterAll(async () => {
  await second?.gateway.close();
  await second?.store.close();
  await gw?.close();
});

async function publishVersion(doc: object): Promise<number> {
  const s = await gw.query(SUBMIT, { ...GA_COMPILER, variables: { doc: JSON.stringify(doc) } });
  expect(s.errors).toBeUndefined();
  const v = s.data!.submitCatalogue.version.version;
  await gw.query(REVIEW, { ...ZWB_AUDITOR, variables: { id: 'HN-GA', v, d: 'APPROVE' } });
  const p = await gw.query(PUBLISH, { ...GA_COMPILER, variables: { id: 'HN-GA', v } });
  expect(p.errors).toBeUndefined();
  return v;
}

const withItem = (name: string) => {
  const doc = demoCatalogue('public-security.yaml');
  doc.resources[0].items.push({ name, type: 'string' });
  return doc;
};

describe('a publish swaps the schema without a restart', () => {
  it('lets a request in flight finish on the schema it started with', async () => {
    await gw.store.upsert('r_430000_ga_00002', 'caseNo', [{ caseNo: 'A430000000000001', caseType: 'fraud', filedOn: '2026-01-05', status: 'closed' }]);
    const { entered, release } = gated.arm();
    const slow = gw.query(`query Slow { publicSecurity { criminalCaseFiles(first: 5) { nodes { caseNo caseType } totalCount } } }`, GA_COMPILER);
    await entered; // the request is inside the store, holding the old schema

    // The new version drops an item the slow request selects, and adds one.
    const next = withItem('district');
    next.resources[0].items = next.resources[0].items.filter((i) => i.name !== 'caseType');
    await publishVersion(next);
    const fresh = await gw.query(`{ publicSecurity { criminalCaseFiles(first: 1) { nodes { district } } } }`, GA_COMPILER);
    expect(fresh.errors).toBeUndefined();
    const gone = await gw.query(`{ publicSecurity { criminalCaseFiles(first: 1) { nodes { caseType } } } }`, GA_COMPILER);
    expect(gone.errors?.[0].message).toContain('Cannot query field "caseType"');

    release();
    const r = await slow;
    expect(r.errors).toBeUndefined();
    // Executed on the schema it was validated against: caseType is still there for it.
    expect(r.data).toEqual({ publicSecurity: { criminalCaseFiles: { nodes: [{ caseNo: 'A430000000000001', caseType: 'FRAUD' }], totalCount: 1 } } });
  });

  it('reaches a second gateway on the same store within 5 seconds', async () => {
    const store = await openSqliteStore(gw.dataDir);
    const gateway = await startGateway({ platform: gw.platform, store, port: 0, pollMs: 500 });
    second = { gateway, store };
    const token = await signToken(gateway.secret, { dept: '430000-GA', user: 'tester', roles: [], ttl: '1h' });
    const ask = async () => {
      const res = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ publicSecurity { criminalCaseFiles(first: 1) { nodes { courtroom } } } }' }),
      });
      return (await res.json()) as { errors?: unknown[] };
    };
    expect((await ask()).errors).toBeDefined();

    await publishVersion(withItem('courtroom'));
    const start = Date.now();
    let served = false;
    while (Date.now() - start < 5000) {
      if (!(await ask()).errors) {
        served = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(served).toBe(true);
  });

  it('refuses a version whose schema cannot be built; the schema in effect stays', async () => {
    // A type name the platform schema already uses: the gateway could not serve both.
    const doc = withItem('chamber');
    doc.resources[0].graphql.type = 'SubmissionWarning';
    const s = await gw.query(SUBMIT, { ...GA_COMPILER, variables: { doc: JSON.stringify(doc) } });
    let code = s.errors?.[0].extensions?.code;
    if (!s.errors) {
      // Not caught by validation: the publish builds the schema first and refuses it.
      const v = s.data!.submitCatalogue.version.version;
      await gw.query(REVIEW, { ...ZWB_AUDITOR, variables: { id: 'HN-GA', v, d: 'APPROVE' } });
      const p = await gw.query(PUBLISH, { ...GA_COMPILER, variables: { id: 'HN-GA', v } });
      code = p.errors?.[0].extensions?.code;
      expect(p.errors![0].message).toMatch(/cannot serve; the schema in effect stays/);
    }
    expect(code).toBe('CATALOGUE_INVALID');
    const still = await gw.query(`{ publicSecurity { criminalCaseFiles(first: 1) { nodes { courtroom } } } }`, GA_COMPILER);
    expect(still.errors).toBeUndefined();
    const cat = await gw.query(`{ catalogue(id: "HN-GA") { published { version } } }`, GA_COMPILER);
    expect(cat.data!.catalogue.published.version).toBe(3);
  });
});
