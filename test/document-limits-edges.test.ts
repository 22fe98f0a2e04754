// The document limits' walk (src/limits/cost.ts) at its edges, on a real gateway of a Yangzhou
// platform of the test's own under `trustedDocuments: require`: a persisted document is costed with the
// request's variables and its aliases counted as a sent one's, and an operation of a type the schema has
// no root for (a subscription) is refused as invalid, GRAPHQL_VALIDATION_FAILED, not answered as
// INTERNAL_SERVER_ERROR from execution (graphql 16 validates it and fails only when running it).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/limits/trusted.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/yangzhou-aliases/${p}`, import.meta.url));
const MAX_COST = 150;
const page = (alias: string, directives = '') => `${alias}: foodLicences(first: 100)${directives} { nodes { licenceNo holder } }`;
const DOCUMENTS = {
  // 1 + 1 + (1 + 100 × 2): over maxCost only when $v includes it
  included: `query Included($v: Boolean!) { yzMarket { ${page('a', ' @include(if: $v)')} } }`,
  aliases: 'query Four { yzMarket { a: __typename b: foodLicences(first: 1) { totalCount } c: foodLicences(first: 1) { totalCount } d: foodLicences(first: 1) { totalCount } e: foodLicences(first: 1) { totalCount } } }',
  subscription: 'subscription Watch { yzMarket { foodLicences(first: 1) { totalCount } } }',
};

let gw: TestGateway;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-limits-edges-'));
  const manifest = Object.fromEntries(Object.values(DOCUMENTS).map((text) => [sha256(text), text]));
  writeFileSync(join(dir, 'persisted-documents.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'platform.yaml'), `${readFileSync(fixture('platform.yaml'), 'utf8')}\ntrustedDocuments:\n  mode: require\n  manifests: [persisted-documents.json]\n`);
  gw = await startTestGateway({ platformFile: join(dir, 'platform.yaml'), catalogueFiles: [fixture('licences.yaml')], limits: { maxAliases: 3, maxCost: MAX_COST } });
}, 60_000);
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(body: object) {
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token('321000-SJJ')}`, 'x-purpose': 'licence-check' },
    body: JSON.stringify(body),
  });
  return { status: res.status, ...((await res.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] }) };
}
const codes = (r: { errors?: { extensions: Record<string, unknown> }[] }) => r.errors?.map((e) => [e.extensions.code, e.extensions.limit]);

describe('a persisted document', () => {
  it('is costed with the request\'s variables: an @include(if: $v) true is counted', async () => {
    expect((await post({ documentId: sha256(DOCUMENTS.included), variables: { v: false } })).errors).toBeUndefined();
    const r = await post({ documentId: sha256(DOCUMENTS.included), variables: { v: true } });
    expect(codes(r)).toEqual([['QUERY_TOO_COMPLEX', 'maxCost']]);
    expect(r.errors?.[0].extensions.figure).toBe(1 + 1 + 1 + 100 * 2);
  });

  it('has its aliases counted as a sent document\'s (an alias of __typename not)', async () => {
    for (const body of [{ documentId: sha256(DOCUMENTS.aliases) }, { query: DOCUMENTS.aliases }]) {
      const r = await post(body);
      expect(codes(r), JSON.stringify(body)).toEqual([['QUERY_TOO_COMPLEX', 'maxAliases']]);
      expect(r.errors?.[0].extensions.figure).toBe(4);
    }
  });
});

describe('an operation of a type the schema has no root for', () => {
  it('a subscription is refused as invalid, by its documentId or its text', async () => {
    for (const body of [{ documentId: sha256(DOCUMENTS.subscription) }, { query: DOCUMENTS.subscription }]) {
      const r = await post(body);
      expect([r.status, r.data ?? undefined, codes(r)], JSON.stringify(body)).toEqual([400, undefined, [['GRAPHQL_VALIDATION_FAILED', undefined]]]);
      expect(r.errors?.[0].message).toBe('This gateway runs no subscription operations: send a query or a mutation.');
    }
  });
});
