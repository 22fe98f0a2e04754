// Tokens signed with the platform secret (SPEC §7, `govgraph token`).
import { SignJWT } from 'jose';
import type { Role } from './roles.ts';

const TTL = /^([1-9][0-9]*)([smhd])$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;
/** The longest lifetime a token may be given. */
export const MAX_TTL_SECONDS = 366 * 86400;

/** Why a lifetime like `90s`, `30m`, `8h`, `7d` is none (`0s`, `1.5h`, `8 hours`) or too long; null when it is fine. */
export function ttlProblem(ttl: string): string | null {
  const m = TTL.exec(ttl.trim());
  if (!m) return 'must be a positive duration: a whole number from 1 and a unit s, m, h or d, like 30m, 8h or 7d';
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
  return seconds > MAX_TTL_SECONDS ? 'must be at most 366d' : null;
}

/** Seconds of a lifetime like `90s`, `30m`, `8h`, `7d`; RangeError when malformed or over a year. */
export function parseTtl(ttl: string): number {
  const problem = ttlProblem(ttl);
  if (problem) throw new RangeError(`lifetime ${JSON.stringify(ttl)}: ${problem}`);
  const m = TTL.exec(ttl.trim())!;
  return Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
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
