// Page cursors are sealed with AES-256-GCM under a key derived from the platform secret: a cursor holds
// the sort values of the last record, which may be personal data (an ID number as key), so it must be
// opaque to the client and not forgeable. The tag is always read as 16 bytes: GCM also verifies a tag cut
// short, which would let a cursor of a few bytes be forged by guessing (one in 2^32 for 4).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { cursorNotGivenOut, type CursorCodec } from '../../resolvers/request.ts';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function createCursorCodec(secret: Uint8Array): CursorCodec {
  const key = createHash('sha256').update('govgraph cursor v1\0').update(secret).digest();
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
    },
    open(sealed) {
      try {
        const buf = Buffer.from(sealed, 'base64url');
        const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
        d.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([d.update(buf.subarray(IV_BYTES + TAG_BYTES)), d.final()]).toString('utf8');
      } catch {
        throw new GraphQLError(cursorNotGivenOut(), {
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
    },
  };
}
