// Long numbers in a request's variables are looked for no deeper than its platform lets variables nest
// (SPEC §13). A body's long numbers (more significant digits than a double holds: SPEC §4) are found in
// its JSON text when the body is read, before the request takes its rate token, each at the cost of its
// path; they were looked for 210 levels deep whatever the platform, so a megabyte of them 205 deep held
// the event loop 0.4 to 0.5 s a request (four clients of one user sending such bodies, refused anyway,
// made another department's lookup wait 19 s; found by the §13 walk). Under the platform's bound
// (filter.maxDepth 5: 18 levels) such a body is read in about 20 ms, and refused as nested too deep.
// On a Tibet platform of the test's own (test/fixtures/xizang-objections).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonBody } from '../src/server/http/body.ts';
import { WrittenNumber } from '../src/formats/decimal.ts';
import { bodyNumberPaths } from '../src/server/plugins/written-numbers.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/xizang-objections/${name}`, import.meta.url));
const LONG = '0.10000000000000000001';
const AGRICULTURE = { dept: '540000-NNT', roles: ['applicant' as const], purpose: 'survey-check' };
const PAGE = 'query($f: HouseholdFilter) { statistics { households(first: 1, filter: $f) { nodes { householdNo } } } }';

/** A filter whose innermost condition compares q01 with a long number, under `ands` levels of and. */
const nestedFilter = (ands: number): string => {
  let f = `{"q01":{"eq":${LONG}}}`;
  for (let i = 0; i < ands; i++) f = `{"and":[${f}]}`;
  return f;
};

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('statistics.yaml')] });
}, 30_000);
afterAll(() => gw?.close());

describe("long numbers looked for within the platform's variables depth", () => {
  it('a body read with a bound marks the long numbers within it, none deeper', () => {
    const body = (ands: number) => {
      const read = parseJsonBody(Buffer.from(`{"query":"q","variables":{"f":${nestedFilter(ands)}}}`), 18) as { variables: { f: unknown } };
      bodyNumberPaths(read.variables); // as the request's operation is resolved
      return read;
    };
    // 7 and: the number under 16 levels of variables (f, 7 × list and object, q01); its value at 17.
    let inner: any = body(7).variables.f;
    for (let i = 0; i < 7; i++) inner = inner.and[0];
    expect(inner.q01.eq).toEqual(new WrittenNumber(LONG, 0.1));
    inner = body(12).variables.f;
    for (let i = 0; i < 12; i++) inner = inner.and[0];
    expect(inner.q01.eq).toBe(0.1);
  });

  /** The page read as the agriculture department, with its long number filter nested `levels` deep, as sent in a body's text. */
  async function sendNested(levels: number): Promise<{ errors: { message: string; extensions: { code: string } }[] }> {
    const res = await fetch(`${gw.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(AGRICULTURE.dept, AGRICULTURE.roles)}`, 'x-purpose': AGRICULTURE.purpose },
      body: `{"query":${JSON.stringify(PAGE)},"variables":{"f":${nestedFilter(levels)}}}`,
    });
    return (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
  }

  it('a request whose long number is deeper than variables may nest is refused as nested too deep, not read for its numbers', async () => {
    const body = await sendNested(12);
    expect(body.errors).toEqual([expect.objectContaining({ message: 'The variables are nested deeper than 18 levels.', extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  });

  it('a long number within the bound is still refused where it would be rounded', async () => {
    const body = await sendNested(3);
    expect(body.errors).toEqual([expect.objectContaining({ message: expect.stringContaining(`String cannot represent a non string value: ${LONG}`), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  });
});
