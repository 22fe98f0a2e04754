// A gateway that started while its connected city was down has no `city` namespace until the city first
// answers (SPEC §12): a typed client's operation selecting it is refused whole by validation. graphql's
// words alone, `Cannot query field "city" on type "Query".`, read as a field that does not exist (as
// after a rename): the developer regenerated, or took the field out. The refusal now says which
// connected platform it is, why it has not answered (as /healthz says it, no url) and what to do.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { levelsCityEntry, startLevelsProvince, startProvinceOfStandInCity } from './helpers/stand-in-province.ts';

let gw: TestGateway | undefined;
let work: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-ns-not-yet-'));
  // A port where nothing listens: the city is down.
  const s = netServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  ({ gw } = await startLevelsProvince(work, [levelsCityEntry(`http://127.0.0.1:${port}`)], { connectedPollMs: 0 }));
});
afterAll(async () => {
  await gw?.close();
  rmSync(work, { recursive: true, force: true });
});

it('says that a namespace is missing because its platform has not answered yet, and what to do', async () => {
  const answer = await gw!.query('{ city { cityHousing { permits { totalCount } } } naturalResources { parcels { totalCount } } }', {
    dept: '610000-MZ',
    purpose: 'land-survey',
  });
  expect(answer.data).toBeUndefined();
  expect(answer.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([[
    'GRAPHQL_VALIDATION_FAILED',
    'Cannot query field "city" on type "Query". It is the namespace of the connected platform Test City Sharing Platform (610100), '
    + 'which has not answered this gateway since it started (nothing listens at its address (connection refused)): '
    + 'the namespace is added within seconds of its answering. Send the request again then; without city, this platform\'s own fields answer now.',
  ]]);
  // Any other unknown field keeps graphql's words alone.
  const other = await gw!.query('{ town { x } }', { dept: '610000-MZ', purpose: 'land-survey' });
  expect(other.errors?.map((e) => e.message)).toEqual(['Cannot query field "town" on type "Query".']);
});

// A city that answers, with a schema this gateway cannot stitch (a type it names is in none of its
// definitions): its status is reachable, with the problem, and its namespace missing as well. The refusal
// said it "has not answered this gateway since it started" and that the namespace "is added within
// seconds of its answering", neither true: it answers at every poll, and nothing changes until its schema
// is fixed there.
it('says that a platform which answers with a schema that cannot be stitched is not one that has not answered', async () => {
  const stand = await startProvinceOfStandInCity('type Query { housing: Housing }', () => ({ body: { data: null } }));
  try {
    expect(stand.gw.gateway.connected.publicStatus()[0]).toMatchObject({ reachable: true, schemaVersion: null });
    const answer = await stand.gw.query('{ city { housing } }', { dept: '610000-MZ', purpose: 'land-survey' });
    expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const [message] = answer.errors!.map((e) => e.message);
    expect(message).toMatch(/^Cannot query field "city" on type "Query"\. It is the namespace of the connected platform Test City Sharing Platform \(610100\), which answers this gateway, but with a schema not taken here since it started \(its schema cannot be stitched: Unknown type "Housing"[^)]*\): /);
    expect(message).toContain('the namespace is added once that is fixed there (the operator sees why in `govgraph platform status`); without city, this platform\'s own fields answer now.');
    expect(message).not.toContain('has not answered');
    expect(message).not.toContain('127.0.0.1');
  } finally {
    await stand.close();
  }
});
