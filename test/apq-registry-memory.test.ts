// Apollo's automatic persisted queries, registered per requester (src/limits/trusted.ts), are bounded in
// characters as well as in number: a text may be a megabyte of comment around `{ __typename }`, and 1,000
// such registrations (within every limit, from a few users of one department) held a gigabyte.
import { describe, expect, it } from 'vitest';
import { MAX_REGISTERED, MAX_REGISTERED_CHARS, TrustedDocumentStore } from '../src/limits/trusted.ts';

const MB = 2 ** 20;
const text = (i: number) => `#${'x'.repeat(MB)}\nquery A${i} { __typename }`;

describe('APQ registrations', () => {
  it('keep at most MAX_REGISTERED_CHARS characters of text, the oldest forgotten first', () => {
    const store = new TrustedDocumentStore({ mode: 'off', manifests: [] });
    const n = Math.ceil(MAX_REGISTERED_CHARS / MB) + 4;
    expect(n).toBeLessThan(MAX_REGISTERED); // the count alone would keep them all
    for (let i = 0; i < n; i++) store.register('530000-GAT', `h${i}`, text(i));
    expect(store.registeredBy('530000-GAT', 'h0')).toBeUndefined();
    expect(store.registeredBy('530000-GAT', `h${n - 1}`)).toBe(text(n - 1));
    let kept = 0;
    for (let i = 0; i < n; i++) kept += store.registeredBy('530000-GAT', `h${i}`)?.length ?? 0;
    expect(kept).toBeLessThanOrEqual(MAX_REGISTERED_CHARS);
  });

  it('count a text registered again once', () => {
    const store = new TrustedDocumentStore({ mode: 'off', manifests: [] });
    for (let i = 0; i < 40; i++) store.register('530000-GAT', 'same', text(1));
    store.register('530000-GAT', 'small', '{ __typename }');
    expect(store.registeredBy('530000-GAT', 'same')).toBe(text(1));
    expect(store.registeredBy('530000-GAT', 'small')).toBe('{ __typename }');
  });

  it('keep at most MAX_REGISTERED small texts', () => {
    const store = new TrustedDocumentStore({ mode: 'log', manifests: [] });
    for (let i = 0; i <= MAX_REGISTERED; i++) store.register('530000-GAT', `h${i}`, `query A${i} { __typename }`);
    expect(store.registeredBy('530000-GAT', 'h0')).toBeUndefined();
    expect(store.registeredBy('530000-GAT', 'h1')).toBeDefined();
  });
});
