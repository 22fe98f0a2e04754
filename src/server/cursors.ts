// Page cursors are sealed with AES-256-GCM under a key derived from the platform secret: a cursor holds
// the sort values of the last record, which may be personal data (an ID number as key), so it must be
// opaque to the client and not forgeable.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { CursorCodec } from '../../resolvers/request.ts';

export function createCursorCodec(secret: Uint8Array): CursorCodec {
  const key = createHash('sha256').update('govgraph cursor v1\0').update(secret).digest();
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
    },
    open(sealed) {
      try {
        const buf = Buffer.from(sealed, 'base64url');
        const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
        d.setAuthTag(buf.subarray(12, 28));
        return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
      } catch {
        throw new GraphQLError('The `after` cursor is not one this platform gave out; pass the endCursor of a previous page.', {
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
    },
  };
}
