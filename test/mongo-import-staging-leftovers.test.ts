// Staging collections left by MongoDB data imports killed midway (src/store/mongo/staging.ts): which ones an
// opening of the store drops. Runs without a server: the choice is the adapter's, the drops the driver's.
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { STALE_MS, stagingMadeAt, stagingPrefix, staleStagingCollections } from '../src/store/mongo/staging.ts';

const now = Date.parse('2026-03-14T02:00:00Z');
const madeAt = (ms: number) => `${stagingPrefix('permits_xj')}${ObjectId.createFromTime(Math.floor(ms / 1000)).toHexString()}`;

describe('staging collections of killed MongoDB imports', () => {
  it('reads when a staging collection was made from its id, and knows no other name', () => {
    expect(stagingMadeAt(madeAt(now - 60_000))).toBe(now - 60_000);
    expect(stagingMadeAt('permits_xj')).toBeUndefined();
    expect(stagingMadeAt('permits_xj.importing.not-an-id')).toBeUndefined();
  });

  it('drops one not renewed for STALE_MS, keeps one renewed since or made since', () => {
    const killed = madeAt(now - 2 * STALE_MS); // its import died: no renewal
    const killedAfterRenewals = madeAt(now - 3 * STALE_MS);
    const longImport = madeAt(now - 10 * STALE_MS); // runs for an hour, renewed a moment ago
    const justBegun = madeAt(now - 1_000); // not renewed yet
    const renewals = new Map([
      [killedAfterRenewals, now - STALE_MS - 1],
      [longImport, now - 5_000],
    ]);
    expect(staleStagingCollections([killed, killedAfterRenewals, longImport, justBegun, 'permits_xj', '_audit'], renewals, now)).toEqual([
      killed,
      killedAfterRenewals,
    ]);
  });

  it('takes one stamped far ahead of the clock (a clock set years ahead) for a leftover, one a little ahead for live', () => {
    const ahead = madeAt(now + 365 * 24 * 3600_000);
    const slightlyAhead = madeAt(now + 2_000); // another machine's clock, kept in step by NTP
    expect(staleStagingCollections([ahead, slightlyAhead], new Map(), now)).toEqual([ahead]);
  });
});
