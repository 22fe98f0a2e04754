// A version's submission warnings (SPEC §9) read as a field, stopped by the time limit (limits.timeoutMs,
// SPEC §13). A draft's warnings scan 90 days of the audit log for the departments that read its resources,
// a page at a time; the resolver took the store once, so once the time limit had answered the request the
// scan went on reading page after page (the platform-fields walk: a supervisor's `catalogues { versions
// { warnings } }` over 40 drafts still held the gateway's store after its answer). Now the next page is not
// read once the request is cancelled.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { expectNoPageAfterLimit, startQualityWithReads } from './helpers/slow-audit-pages.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/quality/${name}`, import.meta.url));
const TIMEOUT_MS = 400;
const PAGE_MS = 150;
const PAGES = 20;

let gw: TestGateway;
let pages: { read: number; slow: boolean };
beforeAll(async () => {
  ({ gw, pages } = await startQualityWithReads({ timeoutMs: TIMEOUT_MS, pageMs: PAGE_MS, pages: PAGES, slow: false }));
  // A draft of the police's catalogue, whose warnings scan the reads of its resources.
  const draft = readFileSync(fixture('police.yaml'), 'utf8').replace('title: Quality test catalogue of the police', 'title: Quality test catalogue of the police, revised');
  const sub = await gw.query('mutation($doc: String!) { submitCatalogue(document: $doc) { version { status } } }', { dept: '370000-GAT', roles: ['compiler'], variables: { doc: draft } });
  expect(sub.errors).toBeUndefined();
}, 60_000);
afterAll(() => gw?.close());

describe("a draft's warnings stopped by the time limit", () => {
  it('read no more pages of the audit log once the limit has answered', async () => {
    pages.slow = true;
    const res = await gw.query('{ catalogues(id: "QT-GAT") { versions { status warnings { kind } } } }', { dept: '370000-DSJ', roles: ['supervisor'] });
    expect(res.errors?.map((e) => e.extensions?.code)).toContain('QUERY_TOO_COMPLEX');
    await expectNoPageAfterLimit(pages, PAGE_MS, PAGES);
  }, 30_000);
});
