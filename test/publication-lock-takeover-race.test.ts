// A publication taking the lock over from a holder taken for dead, while that holder renews it. Found by the
// review of the publication lock as merged: the takeover's conditional write named the token it read, not
// the renewal, so a holder that renewed between the taker's read and its write (a holder late by more than
// STALE_MS, an index build on a big collection, then back at its next step) was told by its renewal that it
// still held the lock, and the taker was told so too: both went on to publish, each checked without the
// other. The takeover now names the renewal it found stale as well, and loses to the holder's renewal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { PUBLICATION_LOCK, PublicationBusyError, STALE_MS, withPublicationLock } from '../src/catalogue/publication-lock.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { eq, type Store } from '../src/store/port.ts';

let dir: string;
let holderStore: Store;
let takerStore: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-lock-takeover-'));
  // Two connections on one data folder, as two processes have.
  holderStore = await openSqliteStore(dir);
  takerStore = await openSqliteStore(dir);
});
afterEach(async () => {
  await holderStore.close();
  await takerStore.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `store`, whose first read of the lock's row runs `between` before it answers. */
function readingThenWaiting(store: Store, between: () => Promise<void>): Store {
  let first = true;
  return new Proxy(store, {
    get(target, prop, receiver) {
      const real = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== 'find') return typeof real === 'function' ? real.bind(target) : real;
      return async (collection: string, ...rest: unknown[]) => {
        const rows = await (real as (...a: unknown[]) => Promise<unknown>).call(target, collection, ...rest);
        if (collection === PUBLICATION_LOCK && first) {
          first = false;
          await between();
        }
        return rows;
      };
    },
  }) as Store;
}

test('a holder renewing between a taker’s read and its takeover keeps the lock, and the taker waits', async () => {
  let acquired!: () => void;
  const holding = new Promise<void>((resolve) => (acquired = resolve));
  let renew!: () => Promise<void>;
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  const inside: string[] = [];
  const holder = withPublicationLock(holderStore, 'the slow publication', async (held) => {
    inside.push('holder');
    renew = held;
    acquired();
    await done;
    await held(); // right before its change: still its own
    inside.push('holder published');
  });
  await holding;
  // The holder's last renewal is older than STALE_MS (it spent that long on one index build).
  await holderStore.update(PUBLICATION_LOCK, eq('key', 'publication'), { since: new Date(Date.now() - 2 * STALE_MS).toISOString() });

  // The taker reads the stale row; the holder comes back and renews before the taker writes.
  let renewed: unknown;
  const taker = withPublicationLock(
    readingThenWaiting(takerStore, async () => {
      renewed = await renew().then(() => 'renewed', (err: Error) => err.name);
    }),
    'the taker',
    async () => {
      inside.push('taker');
    },
    { waitMs: 300 },
  );
  const taken = await taker.then(() => 'took it', (err: Error) => err);
  release();
  const held = await holder.then(() => 'done', (err: Error) => err.name);

  expect(renewed).toBe('renewed'); // the holder was told it holds the lock...
  expect(taken).toEqual(new PublicationBusyError('the slow publication')); // ...so the taker may not have it
  expect(inside).toEqual(['holder', 'holder published']);
  expect(held).toBe('done');
  expect(await takerStore.count(PUBLICATION_LOCK)).toBe(0);
});
