// Every refusal of a request is in its audit entry (SPEC §10: per resource the items denied, with codes).
// A document whose aliases probe the masked items of two providers (a `startsWith` on each) is refused
// twice, once per list. The entry kept the first refusal only: the second provider's part named its
// resource, refused, with nothing denied, so it never saw that its personal item was probed, and a
// department could hide a probe from a provider by putting a refused alias of another provider first.
// On a platform of its own (test/fixtures/liaoning): pensions of 210000-RSJ, vehicles of 210000-GAT, both
// unconditional with a masked personal item; the requester a city tax bureau.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = (name: string) => join(here, 'fixtures/liaoning', name);

const PENSIONS = '210000-RSJ-00003';
const VEHICLES = '210000-GAT-00020';
const TAX = { dept: '210100-SWJ', purpose: 'tax-collection' };

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('pensions.yaml'), fixture('vehicles.yaml')] });
});
afterAll(async () => {
  await gw?.close();
});

interface Part {
  resource: string;
  items: string[];
  denied: { item: string; code: string }[];
}
interface Entry {
  requestId: string;
  outcome: string;
  detail: string | null;
  resources: Part[];
}

const LOG = '{ auditLog(first: 5) { nodes { requestId outcome detail resources { resource items denied { item code } } } } }';

/** The entry of `requestId` as `dept` reads it (a supervisor of the competent department: all of it). */
async function entryAs(requestId: string, dept: string, roles: ('supervisor')[] = []): Promise<Entry> {
  const read = await gw.query(LOG, { dept, roles });
  return (read.data!.auditLog.nodes as Entry[]).find((e) => e.requestId === requestId)!;
}

async function send(document: string, requestId: string) {
  return gw.query(document, { ...TAX, headers: { 'x-request-id': requestId } });
}

const denied = (entry: Entry, resource: string) => entry.resources.find((p) => p.resource === resource)?.denied;

it("names the masked items of both providers that one document's aliases probed, to the supervisor and to each provider", async () => {
  const sent = await send(
    `{ lnHr { pensions(filter: { idNo: { startsWith: "2101" } }) { nodes { payNo } } }
       lnPolice { vehicles(filter: { ownerId: { startsWith: "2101" } }) { nodes { plate } } } }`,
    'two-probes',
  );
  expect(sent.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([
    ['lnHr.pensions', 'BAD_USER_INPUT'],
    ['lnPolice.vehicles', 'BAD_USER_INPUT'],
  ]);

  const all = await entryAs('two-probes', '210000-DSJ', ['supervisor']);
  expect(all.outcome).toBe('REFUSED');
  expect(denied(all, PENSIONS)).toEqual([{ item: 'idNo', code: 'BAD_USER_INPUT' }]);
  expect(denied(all, VEHICLES)).toEqual([{ item: 'ownerId', code: 'BAD_USER_INPUT' }]);
  expect(all.detail).toBe(sent.errors!.map((e) => `BAD_USER_INPUT: ${e.message}`).join('; '));

  // Each provider reads its own part of the attempt.
  expect((await entryAs('two-probes', '210000-GAT')).resources).toEqual([{ resource: VEHICLES, items: [], denied: [{ item: 'ownerId', code: 'BAD_USER_INPUT' }] }]);
  expect((await entryAs('two-probes', '210000-RSJ')).resources).toEqual([{ resource: PENSIONS, items: [], denied: [{ item: 'idNo', code: 'BAD_USER_INPUT' }] }]);
});

it('names a probe of a second provider beside data read from a first and a refusal of the first', async () => {
  const sent = await send(
    `{ lnPolice { a: vehicles(first: 1) { nodes { plate } } b: vehicles(orderBy: [{ field: ownerId, direction: ASC }]) { nodes { plate } } }
       lnHr { pensions(filter: { idNo: { contains: "0101" } }) { nodes { payNo } } } }`,
    'read-and-probes',
  );
  expect(sent.errors?.map((e) => e.path?.join('.')).sort()).toEqual(['lnHr.pensions', 'lnPolice.b']);
  expect(sent.data!.lnPolice.a).toEqual({ nodes: [] });

  const all = await entryAs('read-and-probes', '210000-DSJ', ['supervisor']);
  expect(all.outcome).toBe('PARTIAL');
  expect(denied(all, VEHICLES)).toEqual([{ item: 'ownerId', code: 'BAD_USER_INPUT' }]);
  expect(denied(all, PENSIONS)).toEqual([{ item: 'idNo', code: 'BAD_USER_INPUT' }]);
  expect((await entryAs('read-and-probes', '210000-RSJ')).resources).toEqual([{ resource: PENSIONS, items: [], denied: [{ item: 'idNo', code: 'BAD_USER_INPUT' }] }]);
});
