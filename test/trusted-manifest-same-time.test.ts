// A manifest replaced by one of the same modification time (SPEC §13: manifests reload without a restart).
// Releases whose files all carry one time (a Nix store's, an image built with SOURCE_DATE_EPOCH, `cp -p`
// or `rsync -t`) put the new manifest in place under the old one's time: the instance, which looked at the
// time alone, kept the old documents until restarted. Documents of a platform of its own (a Macau-like
// port authority); no gateway: TrustedDocumentStore.reload is what each instance's timer runs.
import { mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256, TrustedDocumentStore } from '../src/limits/trusted.ts';

const BERTHS = 'query Berths { portAuthority { berths(first: 3) { nodes { berthNo } } } }';
const VESSELS = 'query Vessels { portAuthority { vessels(first: 3) { nodes { imo } } } }';
/** The time every file of a reproducible release has (the Nix store's: one second after the epoch). */
const RELEASE_TIME = new Date(1000);

let dir: string;
let manifest: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gg-same-time-'));
  manifest = join(dir, 'port-client.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` as `file` with the release's time. */
function released(file: string, documents: string[]): void {
  writeFileSync(file, JSON.stringify(Object.fromEntries(documents.map((d) => [sha256(d), d]))));
  utimesSync(file, RELEASE_TIME, RELEASE_TIME);
}

describe('a manifest replaced by one with the same modification time', () => {
  it('is read again when the new file is put in place (renamed over it): the new document runs, the withdrawn one no longer', () => {
    released(manifest, [BERTHS]);
    const store = new TrustedDocumentStore({ mode: 'require', manifests: [manifest] });
    expect(store.admits({ hash: sha256(BERTHS) })).toBe(true);
    const next = join(dir, 'port-client.json.new');
    released(next, [VESSELS]);
    renameSync(next, manifest);
    expect(store.reload()).toBe(true);
    expect(store.admits({ hash: sha256(VESSELS) })).toBe(true);
    expect(store.admits({ hash: sha256(BERTHS) })).toBe(false);
  });

  it('is read again when written in place, even to the same size, and its time set back', () => {
    released(manifest, [BERTHS]);
    const store = new TrustedDocumentStore({ mode: 'require', manifests: [manifest] });
    const swapped = BERTHS.replace('berthNo', 'berthId');
    expect(swapped.length).toBe(BERTHS.length);
    released(manifest, [swapped]);
    expect(store.reload()).toBe(true);
    expect(store.admits({ hash: sha256(swapped) })).toBe(true);
    expect(store.admits({ hash: sha256(BERTHS) })).toBe(false);
  });

  it('is not read again while nothing changed', () => {
    released(manifest, [BERTHS]);
    const store = new TrustedDocumentStore({ mode: 'require', manifests: [manifest] });
    expect(store.reload()).toBe(false);
  });
});
