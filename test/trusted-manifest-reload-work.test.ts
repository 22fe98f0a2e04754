// A manifest reloaded while the gateway serves (SPEC §13): the reload ran on the event loop and worked out
// every document of every manifest again (parsed, printed canonically), a few tenths of a millisecond each:
// with 2,000 documents each instance stopped answering for over a second at each client release. Now only
// the texts not seen before are worked out. Counted by graphql's `parse` calls, not timed. Documents of a
// platform of its own (a forestry bureau); no gateway: TrustedDocumentStore.reload is what each instance's
// timer runs.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const parsed = vi.hoisted(() => ({ count: 0 }));
vi.mock('graphql', async (importOriginal) => {
  const graphql = await importOriginal<typeof import('graphql')>();
  return { ...graphql, parse: (...args: Parameters<typeof graphql.parse>) => (parsed.count++, graphql.parse(...args)) };
});
const { sha256, TrustedDocumentStore } = await import('../src/limits/trusted.ts');

const stands = (i: number) => `query Stands${i} { forestry { stands(first: ${i + 1}) { nodes { standNo species } } } }`;

let dir: string;
let manifest: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gg-reload-work-'));
  manifest = join(dir, 'ranger-client.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function release(texts: string[], secondsLater: number): void {
  writeFileSync(manifest, JSON.stringify(Object.fromEntries(texts.map((t) => [sha256(t), t]))));
  const at = new Date(Date.now() + secondsLater * 1000);
  utimesSync(manifest, at, at);
}

describe('a manifest reloaded with one document more', () => {
  it('parses the new document only; the text of every document is recognised, old and new', () => {
    const texts = Array.from({ length: 40 }, (_, i) => stands(i));
    release(texts, 0);
    const store = new TrustedDocumentStore({ mode: 'require', manifests: [manifest] });
    parsed.count = 0;
    release([...texts, stands(40)], 5);
    expect(store.reload()).toBe(true);
    expect(parsed.count).toBe(1);
    // Sent as text, spaced otherwise: recognised by its canonical print, the old ones and the new one.
    for (const i of [0, 39, 40]) expect(store.admits({ query: `${stands(i)}\n` })).toBe(true);
  });

  it('forgets a withdrawn document: its text, however spaced, is no longer trusted', () => {
    release([stands(1), stands(2)], 0);
    const store = new TrustedDocumentStore({ mode: 'require', manifests: [manifest] });
    release([stands(2)], 5);
    store.reload();
    expect(store.admits({ query: `${stands(1)} ` })).toBe(false);
    expect(store.admits({ query: `${stands(2)} ` })).toBe(true);
  });
});
