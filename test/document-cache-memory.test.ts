// Apollo's cache of validated documents is bounded by what they hold, comments included
// (src/server/document-store.ts). A megabyte of comment around `{ __typename }` was counted as a few
// hundred bytes, so hundreds of such requests, within every limit, stayed in the gateway's memory for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApolloServerPlugin } from '@apollo/server';
import { parse } from 'graphql';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { yunnanFixture } from './helpers/yunnan-folder.ts';
import { createDocumentStore, DOCUMENT_STORE_MAX_BYTES, DOCUMENT_STORE_MAX_DOCUMENTS, documentSize } from '../src/server/document-store.ts';

const MB = 2 ** 20;
const padded = (name: string) => `#${'x'.repeat(MB)}\nquery ${name} { __typename }`;

describe('the document cache counts the texts it keeps', () => {
  let gw: TestGateway;
  /** Operation names whose document was validated (Apollo validates only a document not in its cache). */
  const validated: string[] = [];
  const counting: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async validationDidStart(rc) {
          validated.push(rc.request.operationName ?? /query (\w+)/.exec(rc.source ?? '')?.[1] ?? '?');
        },
      };
    },
  };

  beforeAll(async () => {
    gw = await startTestGateway({
      platformFile: yunnanFixture('platform.yaml'),
      catalogueFiles: [yunnanFixture('police.yaml')],
      limits: { maxRequestBytes: 2 * MB },
      gateway: { plugins: [counting] },
    });
  });
  afterAll(async () => gw?.close());

  it('forgets documents whose texts pass its bound, however small their ASTs', async () => {
    const token = await gw.token('530000-GAT');
    const send = async (name: string) => {
      const r = await gw.query(padded(name), { token });
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ __typename: 'Query' });
    };
    await send('First');
    await send('First');
    expect(validated.filter((n) => n === 'First')).toHaveLength(1); // the second came from the cache
    const others = Math.ceil(DOCUMENT_STORE_MAX_BYTES / MB) + 2;
    for (let i = 0; i < others; i++) await send(`Other${i}`);
    // More megabytes of text than the cache may hold came after it: the first is no longer kept.
    await send('First');
    expect(validated.filter((n) => n === 'First')).toHaveLength(2);
  }, 60_000);

  it('sizes a document by its text as well as its AST', async () => {
    const small = parse('{ __typename }');
    const commented = parse(padded('Q'));
    expect(documentSize(commented)).toBeGreaterThan(MB);
    expect(documentSize(small)).toBeLessThan(1000);
    const store = createDocumentStore(3 * MB);
    for (let i = 0; i < 5; i++) await store.set(`d${i}`, parse(padded(`Q${i}`)));
    expect(await store.get('d0')).toBeUndefined();
    expect(await store.get('d4')).toBeDefined();
  });

  it(`keeps at most ${DOCUMENT_STORE_MAX_DOCUMENTS} documents, however small: each holds its compiled query besides`, async () => {
    // A new filter value per request makes a new small document each time (1.5 kB): by bytes alone 20,000
    // stayed, each with ~35 kB of compiled work hanging on it (the soak walk).
    const store = createDocumentStore();
    const text = (i: number) => `{ people(filter: { idNumber: { eq: "${String(i).padStart(18, '0')}" } }) { totalCount } }`;
    const sent = DOCUMENT_STORE_MAX_DOCUMENTS + 500;
    for (let i = 0; i < sent; i++) await store.set(`d${i}`, parse(text(i)));
    expect(documentSize(parse(text(0))) * sent).toBeLessThan(DOCUMENT_STORE_MAX_BYTES); // within the bytes
    let kept = 0;
    for (let i = 0; i < sent; i++) if (await store.get(`d${i}`)) kept++;
    expect(kept).toBe(DOCUMENT_STORE_MAX_DOCUMENTS);
    expect(await store.get('d0')).toBeUndefined();
    expect(await store.get(`d${sent - 1}`)).toBeDefined();
  });
});
