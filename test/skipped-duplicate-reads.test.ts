// A data field selected twice under one response key, once under a condition that leaves it out (found by
// the limits' leftovers, h139, beside the count of unpaged lists): graphql-jit, which runs such a query
// (src/server/executor.ts), hands the list's or lookup's resolver both field nodes, and the read plan was
// made from both. So the item only the skipped selection named was read, and when denied, recorded in the
// audit log as a denial (outcome `partial`) of a request whose answer never held it. The plans follow the
// nodes that run (src/generate/selection.ts, fieldNodesThatRun), as graphql-js hands them. Xining's
// herders (test/fixtures/xining-limits), read by a county's civil affairs bureau.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { eq } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/xining-limits/${name}`, import.meta.url));
const HERDERS = '630100-NM-00021';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('herders.yaml')] });
  const resource = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === HERDERS)!;
  await gw.store.insert(collectionOf(resource), [{ herdNo: 'XN-H-001', township: '630102', inspectorNote: 'revisit in spring' }]);
}, 60_000);
afterAll(() => gw?.close());

/** The answer and what the audit log records of the read, asked by Chengdong's civil affairs bureau. */
async function asked(requestId: string, document: string, variables: Record<string, unknown>) {
  const res = await gw.query(document, { dept: '630102-MZ', purpose: 'pasture-subsidy', variables, headers: { 'x-request-id': requestId } });
  const entries = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) })).map(fromRow);
  return { res, entries: entries.map((e) => ({ outcome: e.outcome, items: e.resources?.[0]?.items, denied: e.resources?.[0]?.denied })) };
}

describe('a denied item named only by a selection a condition leaves out', () => {
  it('of a list is neither read nor recorded as denied', async () => {
    const { res, entries } = await asked('xn-list', 'query($no: Boolean!) { xnFarming { herders { nodes { township } } herders @include(if: $no) { nodes { inspectorNote } } } }', { no: false });
    expect(res).toEqual({ status: 200, data: { xnFarming: { herders: { nodes: [{ township: '630102' }] } } } });
    expect(entries).toEqual([{ outcome: 'allowed', items: ['township'], denied: [] }]);
  });

  it('of a lookup is neither read nor recorded as denied', async () => {
    const { res, entries } = await asked('xn-lookup', 'query($hide: Boolean!) { xnFarming { herder(herdNo: "XN-H-001") { township } herder(herdNo: "XN-H-001") @skip(if: $hide) { inspectorNote } } }', { hide: true });
    expect(res).toEqual({ status: 200, data: { xnFarming: { herder: { township: '630102' } } } });
    expect(entries).toEqual([{ outcome: 'allowed', items: ['township'], denied: [] }]);
  });

  it('is denied and recorded when the condition includes it', async () => {
    const { res, entries } = await asked('xn-included', 'query($no: Boolean!) { xnFarming { herders { nodes { township } } herders @include(if: $no) { nodes { inspectorNote } } } }', { no: true });
    expect(res.data).toEqual({ xnFarming: { herders: { nodes: [{ township: '630102', inspectorNote: null }] } } });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_SHARED']);
    expect(entries).toEqual([{ outcome: 'partial', items: ['township'], denied: [{ item: 'inspectorNote', code: 'NOT_SHARED' }] }]);
  });
});

// What an attacker might try so that a selection that runs is not taken for one (the plan would then neither
// deny nor record the item): every one of these runs the denied item, which is denied and recorded.
describe('a denied item in a selection that runs, however the document hides it', () => {
  const LIST = 'nodes { township } ';
  const documents: [string, string, Record<string, unknown>][] = [
    ['a named fragment', `query($no: Boolean!) { xnFarming { herders { ${LIST}} ...F } } fragment F on XnFarmingResources { herders @skip(if: $no) { nodes { inspectorNote } } }`, { no: false }],
    ['nested fragments, one spread skipped and the same spread again', `query($no: Boolean!) { xnFarming { herders { ${LIST}} ...A @include(if: $no) ...A } } fragment A on XnFarmingResources { ...B } fragment B on XnFarmingResources { herders { nodes { inspectorNote } } }`, { no: false }],
    ['an inline fragment included by a variable', `query($yes: Boolean!) { xnFarming { herders @skip(if: true) { ${LIST}} ... @include(if: $yes) { herders { nodes { inspectorNote } } } } }`, { yes: true }],
    ['the item under a skipped and a running parent of one fragment', `query($no: Boolean!) { a: xnFarming @include(if: $no) { herders { ...N } } xnFarming { herders { ${LIST}...N } } } fragment N on HerderConnection { nodes { inspectorNote } }`, { no: false }],
    ['aliases of one list', `query($no: Boolean!) { xnFarming { h: herders @include(if: $no) { ${LIST}} h: herders { nodes { inspectorNote } } } }`, { no: false }],
  ];
  it.each(documents)('through %s', async (name, document, variables) => {
    const { res, entries } = await asked(`xn-hidden-${name.replaceAll(' ', '-').replaceAll(',', '')}`, document, variables);
    expect(res.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['NOT_SHARED', expect.any(String)]]);
    expect(JSON.stringify(res.data)).not.toContain('revisit');
    expect(entries).toEqual([expect.objectContaining({ outcome: 'partial', denied: [{ item: 'inspectorNote', code: 'NOT_SHARED' }] })]);
  });
});
