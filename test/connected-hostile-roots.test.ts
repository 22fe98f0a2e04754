// A connected platform whose schema has a Mutation or a Subscription type besides its Query (a govgraph
// gateway's data schema has neither): stitched, its Mutation kept that name, and put beside this
// platform's own Mutation it clashed, so every namespace, of every connected platform, was left out of
// the schema, and the status blamed "a type of this platform's catalogues". Only a platform's Query is
// read (SPEC §12): its other roots are not taken into this gateway's schema.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { levelsCityEntry, startLevelsProvince } from './helpers/stand-in-province.ts';

const SDL = 'type Query { housing: Housing } type Housing { permits: Int } type Mutation { drop: Int } type Subscription { ticks: Int }';

let work: string;
let city: Server;
let gw: TestGateway;

beforeAll(async () => {
  city = createServer((req, res) => {
    if (req.url?.startsWith('/.well-known/govgraph/schema')) {
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ region: '610100', name: 'City', version: 'v1', sdl: SDL }));
    }
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const data: Record<string, unknown> = { __typename: 'Query' };
      for (const [, alias] of (JSON.parse(text).query as string).matchAll(/^ {2}(\w+): housing/gm)) data[alias] = { permits: 7 };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
    });
  });
  await new Promise<void>((r) => city.listen(0, '127.0.0.1', r));
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-roots-'));
  ({ gw } = await startLevelsProvince(work, [levelsCityEntry(`http://127.0.0.1:${(city.address() as { port: number }).port}`)], { connectedPollMs: 0 }));
}, 60_000);

afterAll(async () => {
  await gw?.close();
  city.closeAllConnections();
  city.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a connected platform whose schema has a Mutation and a Subscription', () => {
  it('its namespace is served from its Query; its other roots are not taken, and nothing is left out', async () => {
    const res = await gw.query('{ city { housing { permits } } naturalResources { parcels { totalCount } } }', { dept: '610000-MZ', purpose: 'land-survey' });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ city: { housing: { permits: 7 } }, naturalResources: { parcels: { totalCount: 0 } } });
    expect(gw.gateway.connected.status()[0]).toMatchObject({ reachable: true, lastError: null });
    const mutation = await gw.query('mutation { city { drop } }', { dept: '610000-MZ', purpose: 'land-survey' });
    expect(mutation.errors?.[0].message).toBe('Cannot query field "city" on type "Mutation".');
  });
});
