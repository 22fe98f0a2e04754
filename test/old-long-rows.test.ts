// Rows an older version wrote before the workflow's input bounds (src/model/input-bounds.ts): an
// objection's reason, a demand's description, a request's justification, an audit entry's detail, each
// megabytes long. Reading them (the GraphQL views, the command lists, the audit log's view) neither fails
// nor sends the megabytes on: each is shown cut with a marker saying how long it was, and the row keeps
// it whole. The rows are written straight into the store, as the older version left them.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GRANTS } from '../src/access/grants.ts';
import { AUDIT_COLLECTION, entryHash, fromRow } from '../src/audit/entry.ts';
import { auditKey } from '../src/audit/key.ts';
import { readDocuments } from '../src/catalogue/read.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { MAX_LIST, MAX_NAME, MAX_TEXT, MAX_TITLE, MAX_USER } from '../src/model/input-bounds.ts';
import { eq } from '../src/store/port.ts';
import { DEMANDS } from '../src/workflow/demands.ts';
import { OBJECTIONS } from '../src/workflow/objections.ts';
import { SHARING_REQUESTS } from '../src/workflow/sharing.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { guizhouFixture } from './helpers/guizhou.ts';

vi.setConfig({ testTimeout: 120_000 });

const CHARS = 3_000_000;
const long = (c: string) => c.repeat(CHARS); // 3 million characters, 9 MB in UTF-8 for a CJK one
const cut = (c: string, max: number) => `${c.repeat(max)}… [cut: ${CHARS} characters in all]`;

/** 5,000 names of 128 + 11 characters or more, each cut to 128 and the list to 200 entries when shown. */
const manyNames = Array.from({ length: 5000 }, (_, i) => `${'x'.repeat(MAX_NAME + 10)}${i}`);
const shownManyNames = (list: string[]) => {
  expect(list).toHaveLength(MAX_LIST);
  expect(list[0]).toBe(`${'x'.repeat(MAX_NAME)}… [cut: ${MAX_NAME + 11} characters in all]`);
  expect(list.at(-1)).toBe('… [cut: 5000 entries in all]');
};

const police = readDocuments(guizhouFixture('police.yaml'))[0] as Catalogue;
const resource = police.resources[0];
const provider = resource.provider;
const platformFile = guizhouFixture('platform.yaml');
let requester: string;
let competent: string;
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ platformFile, catalogueFiles: [guizhouFixture('police.yaml')] });
  competent = gw.platform.platform.competentDepartment;
  requester = gw.platform.departments.find((d) => d.code !== provider && d.code !== competent)!.code;
  const at = '2026-11-02T01:00:00.000Z';
  await gw.store.insert(OBJECTIONS, [{
    id: 'old-objection', resource: resource.code, provider, key: JSON.stringify('K1'), item: resource.items[1].name, department: requester,
    raisedBy: 'old.user', raisedAt: at, reason: long('理'), proposedValue: long('值'), status: 'rejected', answeredBy: 'old.approver',
    answeredAt: at, answer: long('答'), correctedAt: null, slot: 'closed:old-objection',
  }]);
  await gw.store.insert(DEMANDS, [{
    id: 'old-demand', title: long('题'), description: long('述'), items: JSON.stringify(manyNames),
    purposes: JSON.stringify([]), provider, requester, requestedBy: 'old.user', requestedAt: at, status: 'cannot-share', answeredBy: 'old.approver',
    answeredAt: at, basis: long('据'), resource: null, fulfilledAt: null, fulfilledBy: null,
  }]);
  await gw.store.insert(SHARING_REQUESTS, [{
    id: 'old-request', requester, resource: resource.code, provider, items: JSON.stringify([resource.key]), purposes: JSON.stringify([]),
    justification: long('因'), until: null, status: 'rejected', requestedBy: 'old.user', requestedAt: at, decidedBy: 'old.approver', decidedAt: at,
    reason: long('拒'), grantId: null, openKey: 'decided|old-request',
  }]);
  // A grant whose lists an older version let grow (revoked: what is read is its view, not its access).
  await gw.store.insert(GRANTS, [{
    id: 'old-grant', requester, resource: resource.code, items: JSON.stringify(manyNames), purposes: JSON.stringify([]), unmasked: JSON.stringify(manyNames),
    rows: null, from: at, until: null, revokedAt: at, revokedBy: 'old.approver', createdAt: at, createdBy: 'old.approver', requestId: null,
  }]);
  // An audit entry of the older version: its detail, user and operation name as long, hashed under the
  // platform's key as that version chained it (a newest entry that does not verify would refuse the
  // commands that may append, `demand list` among them: src/audit/chain-key.ts).
  const [last] = await gw.store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'desc' }], limit: 1 });
  const newest = eq('seq', last.seq as number);
  await gw.store.update(AUDIT_COLLECTION, newest, { detail: long('详'), user: long('u'), operationName: long('O') });
  const [older] = await gw.store.find(AUDIT_COLLECTION, { filter: newest });
  await gw.store.update(AUDIT_COLLECTION, newest, { hash: entryHash(fromRow(older), await auditKey(gw.store)) });
});
afterAll(() => gw?.close());

describe('rows written before the input bounds', () => {
  it('are shown cut, with the marker, in the GraphQL views of their readers', async () => {
    const approver = { dept: provider, roles: ['approver' as const] };
    const objections = await gw.query('{ objections(id: "old-objection") { reason proposedValue answer } }', approver);
    expect(objections.errors).toBeUndefined();
    expect(objections.data!.objections).toEqual([{ reason: cut('理', MAX_TEXT), proposedValue: cut('值', MAX_TEXT), answer: cut('答', MAX_TEXT) }]);

    const demands = await gw.query('{ demands(id: "old-demand") { title description basis items } }', approver);
    expect(demands.errors).toBeUndefined();
    const [demand] = demands.data!.demands;
    expect({ ...demand, items: undefined }).toEqual({ title: cut('题', MAX_TITLE), description: cut('述', MAX_TEXT), basis: cut('据', MAX_TEXT), items: undefined });
    shownManyNames(demand.items);

    // Its names are published by no version: set aside (shown.ts), cut there as in the list it names them in.
    const grants = await gw.query('{ grants { id items setAside unmasked } }', approver);
    expect(grants.errors).toBeUndefined();
    const grant = grants.data!.grants.find((g: { id: string }) => g.id === 'old-grant');
    shownManyNames(grant.setAside);
    expect([grant.items, grant.unmasked]).toEqual([[], []]);

    const requests = await gw.query('{ sharingRequests(id: "old-request") { justification reason } }', approver);
    expect(requests.errors).toBeUndefined();
    expect(requests.data!.sharingRequests).toEqual([{ justification: cut('因', MAX_TEXT), reason: cut('拒', MAX_TEXT) }]);

    const audit = await gw.query('{ auditLog(first: 50) { nodes { detail user operationName } } }', { dept: competent, roles: ['supervisor'] });
    expect(audit.errors).toBeUndefined();
    expect(audit.data!.auditLog.nodes).toContainEqual({ detail: cut('详', MAX_TEXT), user: cut('u', MAX_USER), operationName: cut('O', MAX_NAME) });
    expect(JSON.stringify(audit).length).toBeLessThan(100_000);
  });

  it('are shown cut by the command lists', async () => {
    const govgraph = (...args: string[]) => runGovgraph(args, { env: cliEnv({ GOVGRAPH_DATA_DIR: gw.dataDir, GOVGRAPH_PLATFORM: platformFile }) });
    for (const [args, text] of [[['objection', 'list'], cut('理', MAX_TEXT)], [['demand', 'list'], cut('题', MAX_TITLE)], [['request', 'list'], cut('拒', MAX_TEXT)],
      [['grant', 'list'], `${'x'.repeat(MAX_NAME)}… [cut: ${MAX_NAME + 11} characters in all]`]] as const) {
      const r = await govgraph(...args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(text);
      expect(r.stdout.length).toBeLessThan(100_000); // a grant's two lists of 200 names: about 64,000; whole, 1.4 MB
    }
  });

  it('keep their whole text in the store', async () => {
    const [row] = await gw.store.find(OBJECTIONS, { filter: eq('id', 'old-objection') });
    expect(row.reason).toBe(long('理'));
  });
});
