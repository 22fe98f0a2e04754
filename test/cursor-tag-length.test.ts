// A page cursor is sealed with a 16-byte GCM tag, and only a whole tag opens one: GCM also verifies a tag
// cut short, so a cursor holding 4 bytes of tag would be forged by guessing one in 2^32.
import { describe, expect, it } from 'vitest';
import { createCursorCodec } from '../src/server/cursors.ts';

const codec = createCursorCodec(new TextEncoder().encode('a platform secret of the Shantou test, 32+ bytes'));

describe('a page cursor', () => {
  it('opens whole, with its 16-byte tag', () => {
    expect(codec.open(codec.seal('["4405", 7]'))).toBe('["4405", 7]');
  });

  it('is refused with its tag cut short (12, 8 or 4 bytes), though GCM would verify those', () => {
    const whole = Buffer.from(codec.seal(''), 'base64url'); // iv, tag, nothing sealed
    for (const tagBytes of [12, 8, 4]) {
      const cut = whole.subarray(0, 12 + tagBytes).toString('base64url');
      expect(() => codec.open(cut), `a ${tagBytes}-byte tag`).toThrow(/not one this platform gave out/);
    }
  });
});
