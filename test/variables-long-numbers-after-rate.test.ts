// A body's long numbers (SPEC §4) are looked for once its request has its rate token and its document
// validates (SPEC §13), not when the body is read: a megabyte of them cost 0.1 s of the event loop (0.5 s
// 205 deep) to every request that sent one, the ones past the rate, answered RATE_LIMITED, and the ones
// whose document did not validate included, so a user past its rate still held the gateway (four clients
// made another department's lookup wait a second; found by the §13 walk). The text's walk is counted here
// through the module it lives in. On a Tibet platform of the test's own (test/fixtures/xizang-objections).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const walks = vi.hoisted(() => ({ n: 0 }));
vi.mock('../src/formats/written-numbers.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/formats/written-numbers.ts')>();
  return { ...real, markWrittenNumbers: (...args: Parameters<typeof real.markWrittenNumbers>) => (walks.n++, real.markWrittenNumbers(...args)) };
});

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/xizang-objections/${name}`, import.meta.url));
const LONG = '0.10000000000000000001';
const PAGE = 'query($f: HouseholdFilter) { statistics { households(first: 1, filter: $f) { nodes { householdNo } } } }';
const longNumbers = `{"q01":{"in":[${Array.from({ length: 50 }, () => LONG).join(',')}]}}`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('statistics.yaml')],
    rates: true,
    limits: { rate: { perUser: { requests: 1, perMs: 3_600_000 }, perDepartment: null } },
  });
}, 30_000);
afterAll(() => gw?.close());

async function send(query: string, token: string) {
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'survey-check' },
    body: `{"query":${JSON.stringify(query)},"variables":{"f":${longNumbers}}}`,
  });
  return { status: res.status, body: (await res.json()) as { errors?: { message: string; extensions: { code: string } }[] } };
}

describe("a body's long numbers looked for after its rate and validation", () => {
  it('a document that does not validate, and a request past the rate, cost no walk of the text; one that runs does', async () => {
    const token = await gw.token('540000-NNT', ['applicant'], 'surveyor');
    walks.n = 0;
    const invalid = await send('query($f: HouseholdFilter) { statistics { nothingHere } }', token);
    expect(invalid.body.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const past = await send(PAGE, token);
    expect(past.status).toBe(429);
    expect(past.body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect(walks.n).toBe(0);

    const other = await gw.token('540000-NNT', ['applicant'], 'another-surveyor');
    const runs = await send(PAGE, other);
    expect(walks.n).toBe(1);
    // Refused for its digits, as before: a String is never given the rounded number.
    expect(runs.body.errors?.[0].message).toContain(`String cannot represent a non string value: ${LONG}`);
  });
});
