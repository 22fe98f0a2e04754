// Tokens signed with the platform secret (SPEC §7, `govgraph token`).
import { SignJWT } from 'jose';
import type { Role } from './roles.ts';

const TTL = /^([1-9][0-9]*)([smhd])$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;
/** The longest lifetime a token may be given. */
export const MAX_TTL_SECONDS = 366 * 86400;

/** Seconds of a lifetime like `90s`, `30m`, `8h`, `7d`; RangeError when malformed or over a year. */
export function parseTtl(ttl: string): number {
  const m = TTL.exec(ttl.trim());
  if (!m) throw new RangeError(`Invalid lifetime ${JSON.stringify(ttl)}: write a number and a unit s, m, h or d, like 8h or 7d.`);
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
  if (seconds > MAX_TTL_SECONDS) throw new RangeError(`Lifetime ${ttl} is too long: at most 366d.`);
  return seconds;
}

export async function signToken(
  secret: Uint8Array,
  claims: { dept: string; user: string; roles: Role[]; ttl: string },
  now: Date = new Date(),
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ dept: claims.dept, roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.user)
    .setIssuedAt(iat)
    .setExpirationTime(iat + parseTtl(claims.ttl))
    .sign(secret);
}
