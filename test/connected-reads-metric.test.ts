// /metrics and a connected platform whose schema answers while its data reads fail. Its
// `govgraph_connected_platform_up` is its schema poll's (as /healthz's `reachable`): a city answering every
// schema ask but no namespace read within timeoutMs showed up = 1 while every read of it was
// PLATFORM_UNAVAILABLE, and /metrics held nothing else of it: an operator's alert on the metric never
// fired. Now each namespace read counts in govgraph_connected_platform_reads_total by outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { rootAliases, startProvinceOfStandInCity } from './helpers/stand-in-province.ts';

const SDL = 'type Query { housing: Housing } type Housing { permits: Int }';
let answers = true;
let stand: Awaited<ReturnType<typeof startProvinceOfStandInCity>>;
let gw: TestGateway;

beforeAll(async () => {
  stand = await startProvinceOfStandInCity(
    SDL,
    (query) => (answers ? { body: { data: { __typename: 'Query', ...Object.fromEntries(rootAliases(query, 'housing').map((a) => [a, { __typename: 'Housing', permits: 3 }])) } } } : undefined),
    { connectedPollMs: 0 },
    (url) => `  - { region: "610100", name: Test City Sharing Platform, url: "${url}", namespace: city, timeoutMs: 300 }`,
  );
  ({ gw } = stand);
}, 60_000);

afterAll(() => stand?.close());

const read = () => gw.query('{ city { housing { permits } } }', { dept: '610000-MZ', purpose: 'land-survey' });
const metric = async (name: string) => {
  const text = await (await fetch(`${gw.gateway.url}/metrics`)).text();
  return Object.fromEntries([...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))].map(([, labels, value]) => [labels, Number(value)]));
};

describe("a connected platform's namespace reads in /metrics", () => {
  it('counts each read by outcome, apart from the schema poll that keeps it up', async () => {
    answers = true;
    expect((await read()).data).toEqual({ city: { housing: { permits: 3 } } });
    answers = false;
    for (let i = 0; i < 2; i++) expect((await read()).errors?.[0].extensions?.code).toBe('PLATFORM_UNAVAILABLE');
    expect(await metric('govgraph_connected_platform_up')).toEqual({ 'namespace="city"': 1 });
    expect(await metric('govgraph_connected_platform_reads_total')).toEqual({ 'namespace="city",outcome="answered"': 1, 'namespace="city",outcome="unavailable"': 2 });
  });
});
