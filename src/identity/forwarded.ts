// Forwarded identities (SPEC §12): when a department D of platform A reads the namespace of a connected
// platform B, A sends the sub-selection to B with a token that A signs with its Ed25519 key: `iss` A's
// region, `aud` B's region, `sub` the user, `dept`, `deptLevel`, `deptRegion` of D, `purpose`, `iat`,
// `exp` at most 60 s after `iat`, and a `jti` that B accepts once.
//
// B accepts it only when its own `connected` lists A (by region; the keys come from A's url), the
// signature verifies with A's published keys, D's region lies within A's region and agrees with D's
// level, D's code has a department code's shape and names a division within A's region too, D is not
// one of B's own departments (in any case), and the jti was not seen before. Roles never travel.
// Every refusal is UNAUTHENTICATED with one message; the reason goes to the log (`refusal`). A refusal of
// the department once the token verified (signed, for B, fresh, used once) is A's own act, and also gets
// B's audit entry (ForwardedDepartmentRefused); a token that does not verify gets none (its claims are anyone's).
import { KeyObject, randomUUID } from 'node:crypto';
import { signEd25519, verifyEd25519 } from './ed25519.ts';
import { fetchKeySet } from './key-set-fetch.ts';
import { createRemoteJWKSet, customFetch, decodeJwt, decodeProtectedHeader, errors, type JWTPayload } from 'jose';
import { levelOfRegion, withinRegion } from '../access/row-scope.ts';
import { MAX_NAME, userNameFault } from '../model/input-bounds.ts';
import { LEVELS, platformBase, type Department, type Level, type Platform } from '../model/platform.ts';
import type { Store } from '../store/port.ts';
import { AuthenticationError, type AuthenticationFailure } from './errors.ts';
import { MAX_FORWARDED_TTL_SECONDS, SIGNING_ALGORITHM, type PlatformKeys } from './platform-keys.ts';
import { BEARER, CLOCK_TOLERANCE_SECONDS, type Identity } from './verify.ts';

/** The header a forwarding platform sets to its region; a request with it must carry a forwarded token. */
export const FORWARDED_HEADER = 'x-govgraph-forwarded-by';
/**
 * The answer's header in which a platform gives the forwarding one the outcome its audit entry of a
 * forwarded read recorded (SPEC §12: both audit, with one outcome). Its answer alone does not tell it: a
 * denied item on a page of no records has no error, and a page of no records holds no value, yet the
 * platform's entry counts the one as denied and the other as read. (A header, not the answer's body: the
 * body stays the department's answer.)
 */
export const READ_OUTCOME_HEADER = 'x-govgraph-read-outcome';
/**
 * The outcomes of a read a platform's entry may record that a forwarding platform takes: `refused` when
 * nothing was read there but a refusal (a masked item filtered with `contains` or ordered by), or the whole
 * request was refused (a limit, a rate, an unknown purpose, a department refused once its token verified:
 * request-context.ts sends it for those its context refuses, once their entry is written), as the
 * forwarding platform writes the same refusal of its own. Not `error`: its errors pass on.
 */
export const FORWARDED_READ_OUTCOMES: readonly string[] = ['allowed', 'partial', 'denied', 'refused'];
export const FORWARDED_TTL_SECONDS = 30;
export { MAX_FORWARDED_TTL_SECONDS };
/**
 * How long a connected platform's key set is used before it is fetched again (at the next request after).
 * A key it retired (`govgraph platform rotate-key` there) is published until its last token has expired
 * (RETIRED_KEY_GRACE_MS, src/identity/platform-keys.ts), and accepted here at most this much longer. A
 * key not in the set (a new one) fetches it again at once, at most once a second (cooldownDuration).
 */
export const KEY_SET_MAX_AGE_MS = 10_000;
export const FORWARDED_JTI = '_forwarded_jti';
/** A department code as the platform file's schema writes it (schema/platform.schema.json): its division, a dash, letters and digits. */
const DEPARTMENT_CODE = /^([0-9]{6})-[A-Za-z0-9]+$/;

export const FORWARDED_MESSAGE = 'The forwarded identity is not accepted: this platform accepts forwarded requests only from the platforms it is connected to, signed, fresh and used once.';

export interface ForwardedClaims {
  iss: string;
  aud: string;
  sub: string;
  dept: string;
  deptLevel: Level;
  deptRegion: string;
  purpose: string | null;
}

const base64url = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');

/**
 * A's token for one request to B: a compact JWS (RFC 7515) signed with Ed25519 (RFC 8037), as jose's
 * SignJWT makes it, but signed synchronously with node:crypto: jose signs through WebCrypto, a job on
 * the thread pool, which measured about 0.1 ms more per forwarded request (docs/benchmarks.md). Every
 * request gets its own token (a fresh jti), so nothing here can be reused. B verifies with jose.
 */
export async function signForwarded(keys: PlatformKeys, c: ForwardedClaims, now = new Date()): Promise<string> {
  const { kid, key } = await keys.signing();
  const iat = Math.floor(now.getTime() / 1000);
  const header = base64url({ alg: SIGNING_ALGORITHM, kid, typ: 'JWT' });
  const payload = base64url({
    dept: c.dept, deptLevel: c.deptLevel, deptRegion: c.deptRegion, purpose: c.purpose,
    iss: c.iss, aud: c.aud, sub: c.sub, iat, exp: iat + FORWARDED_TTL_SECONDS, jti: randomUUID(),
  });
  const input = `${header}.${payload}`;
  return `${input}.${signEd25519(Buffer.from(input), key).toString('base64url')}`;
}

/** The claims a forwarded identity is made of; the presence of any of them makes a token "forwarded". */
const FORWARDED_CLAIMS = ['deptLevel', 'deptRegion'] as const;

/**
 * Whether the request claims to be forwarded: the forwarding header, an EdDSA token, or a token with
 * forwarded claims. Such a request is verified as a forwarded one and nothing else.
 */
export function claimsForwarded(headers: Record<string, string | string[] | undefined>): boolean {
  if (headers[FORWARDED_HEADER] !== undefined) return true;
  const auth = headers.authorization;
  const match = typeof auth === 'string' ? BEARER.exec(auth.trim()) : null;
  if (!match) return false;
  try {
    if (decodeProtectedHeader(match[1]).alg === SIGNING_ALGORITHM) return true;
    const payload = decodeJwt(match[1]);
    return FORWARDED_CLAIMS.some((c) => c in payload);
  } catch {
    return false;
  }
}

export { platformBase };

export interface ForwardedVerifier {
  verify(authorization: string | undefined, forwardedBy: string | string[] | undefined): Promise<{ identity: Identity; purpose: string | null }>;
  /**
   * What this platform's operator is told of a refusal `err` of verify (the caller gets FORWARDED_MESSAGE
   * only): the region the token names as its issuer (unverified; null when it names none), which check
   * failed, and what to look at, naming the url listed for that region. Null when `err` is no refusal.
   */
  refusal(err: unknown, authorization: string | undefined): ForwardedRefusal | null;
}

/**
 * A refusal of the department a connected platform forwards, once its token verified: signed by a platform
 * this one lists, for this one, fresh and used once. The claims are then that platform's word (not a
 * forger's), and the refusal is that platform forwarding a department it may not: written to this
 * platform's audit log (outcome `refused`, the department, user and purpose as claimed, `via`), and said
 * `refused` to the forwarding platform (READ_OUTCOME_HEADER), so that both entries agree. A token that does
 * not verify (a forgery, an unknown platform, expired, replayed) is refused with AuthenticationError alone:
 * its claims are anyone's, and reach the log's `forwarded-refused` line only as the region it names.
 */
export class ForwardedDepartmentRefused extends AuthenticationError {
  constructor(
    reason: AuthenticationFailure,
    /** Why, in this platform's words (the region checked, never a claim but a division code): for its audit entry. */
    readonly why: string,
    /** The identity the token claims (no roles), as its entry names it. */
    readonly claimed: Identity,
    /** The purpose the token claims, as sent (this platform's vocabulary not yet asked). */
    readonly purpose: string | null,
  ) {
    super(FORWARDED_MESSAGE, reason);
  }
}

export interface ForwardedRefusal {
  platform: string | null;
  failure: AuthenticationFailure;
  reason: string;
}

/** The region a token names as its issuer, unverified: a region code or null. */
function issuerOf(authorization: string | undefined): string | null {
  const match = typeof authorization === 'string' ? BEARER.exec(authorization.trim()) : null;
  if (!match) return null;
  try {
    const iss = decodeJwt(match[1]).iss;
    return typeof iss === 'string' && /^[0-9]{6}$/.test(iss) ? iss : null;
  } catch {
    return null;
  }
}

/** node:crypto's view of a key jose's key set imported, made once per key. */
const keyObjects = new WeakMap<object, KeyObject>();
function keyObjectOf(key: CryptoKey | KeyObject | Uint8Array | object): KeyObject {
  if (key instanceof KeyObject) return key;
  let out = keyObjects.get(key);
  if (!out) keyObjects.set(key, (out = KeyObject.from(key as CryptoKey)));
  return out;
}

/** The largest key set answer read: a platform publishes one or two Ed25519 keys, a few hundred bytes. */
export const MAX_JWKS_BYTES = 64 * 1024;

/** fetch for jose's remote key sets of connected platforms (key-set-fetch.ts): read up to MAX_JWKS_BYTES. */
async function boundedFetch(url: string, init: RequestInit): Promise<Response> {
  const answer = await fetchKeySet(url, init, MAX_JWKS_BYTES);
  if (answer.body === null) throw new Error(`the key set at ${url} is larger than ${MAX_JWKS_BYTES} bytes`);
  // jose reads a 200's body and refuses any other status; a Response cannot carry a body under 204 or
  // 304, nor be made with a status outside 200-599, so any other is said as 502.
  return answer.status === 200 ? new Response(answer.body, { status: 200 }) : new Response(null, { status: 502 });
}

export function createForwardedVerifier(opts: { platform: Platform; store: Store }): ForwardedVerifier {
  const { platform, store } = opts;
  // Ignoring case, as the platform's check makes its department codes unique (src/catalogue/checks/platform.ts).
  const own = new Set(platform.departments.map((d) => d.code.toUpperCase()));
  const keySets = new Map(platform.connected.map((c) => [c.region, {
    entry: c,
    // Under the url's path, as its schema and data: a gateway behind a proxy's path prefix serves them all there.
    keys: createRemoteJWKSet(new URL(`${platformBase(c)}/.well-known/jwks.json`), { cooldownDuration: 1000, timeoutDuration: 3000, cacheMaxAge: KEY_SET_MAX_AGE_MS, [customFetch]: boundedFetch }),
  }]));
  const refuse = (reason: AuthenticationFailure, cause?: unknown): never => {
    throw new AuthenticationError(FORWARDED_MESSAGE, reason, { cause });
  };

  // The jti claimed in the store, so that a replay to another instance of this platform fails too; kept
  // as long as any instance could still accept the token (its exp, the clock tolerance and a token's
  // longest life again, for clocks apart).
  async function once(jti: string, exp: number): Promise<void> {
    const keepUntil = (exp + CLOCK_TOLERANCE_SECONDS + MAX_FORWARDED_TTL_SECONDS) * 1000;
    if (!(await store.claimOnce(FORWARDED_JTI, jti, keepUntil))) refuse('replayed');
  }

  function explain(failure: AuthenticationFailure, issuer: string | null): string {
    const entry = issuer === null ? undefined : keySets.get(issuer)?.entry;
    const keysAt = entry ? `${platformBase(entry)}/.well-known/jwks.json` : '';
    const who = entry ? `${entry.name} (${entry.region})` : 'the platform';
    switch (failure) {
      case 'unknown-platform':
        if (issuer === null) return 'the token names no region as its issuer (iss)';
        if (!entry) return `region ${issuer} is not among this platform's connected platforms: list it (region and url) to accept its requests`;
        return `the keys of ${who} could not be fetched from ${keysAt} (nothing answers there, or not with a key set): check the url listed for ${issuer}`;
      case 'bad-signature':
        return `the signature does not verify with the keys at ${keysAt || 'the url listed'}: the gateway there is not the one that signed; check the url listed for ${issuer}`;
      case 'replayed':
        return 'the token was used before (each forwarded token is accepted once)';
      case 'expired':
      case 'not-yet-valid':
      case 'too-long-lived':
        return `the token is ${failure === 'expired' ? 'expired' : failure === 'not-yet-valid' ? 'not valid yet' : `valid for more than ${MAX_FORWARDED_TTL_SECONDS} s`}: check the clocks of both machines`;
      case 'outside-region':
        return `the department it forwards lies outside ${who}'s region`;
      case 'unknown-department':
        return "the department it forwards is one of this platform's own";
      default:
        return `the token is not a forwarded identity this gateway accepts (${failure})`;
    }
  }

  return {
    refusal(err, authorization) {
      if (!(err instanceof AuthenticationError)) return null;
      const platform = issuerOf(authorization);
      return { platform, failure: err.reason, reason: explain(err.reason, platform) };
    },

    async verify(authorization, forwardedBy) {
      const match = typeof authorization === 'string' ? BEARER.exec(authorization.trim()) : null;
      if (!match) return refuse('malformed-header');
      let unverified: JWTPayload;
      try {
        unverified = decodeJwt(match[1]);
      } catch (err) {
        return refuse('malformed-token', err);
      }
      const issuer = unverified.iss;
      const known = typeof issuer === 'string' ? keySets.get(issuer) : undefined;
      if (!known) return refuse('unknown-platform');
      if (forwardedBy !== undefined && forwardedBy !== issuer) return refuse('invalid');
      // The signature, checked synchronously with node:crypto against the issuer's key that jose's remote
      // key set selects (by kid, fetched from the issuer's url and cached): jose's own jwtVerify checks it
      // through WebCrypto, a job on the thread pool, which under load costs a thread handoff per request.
      // The checks are jwtVerify's: alg EdDSA only, no `crit`, issuer, audience, exp and iat with tolerance.
      const [headerPart, payloadPart, signaturePart] = match[1].split('.');
      let header: ReturnType<typeof decodeProtectedHeader>;
      try {
        header = decodeProtectedHeader(match[1]);
      } catch (err) {
        return refuse('malformed-token', err);
      }
      if (header.alg !== SIGNING_ALGORITHM || header.crit !== undefined || header.b64 !== undefined) return refuse('algorithm-not-allowed');
      let key: KeyObject;
      try {
        key = keyObjectOf(await known.keys(header, { payload: payloadPart, signature: signaturePart }));
      } catch (err) {
        if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError)) return refuse('unknown-platform', err);
        return refuse('bad-signature', err);
      }
      let signed = false;
      try {
        signed = key.asymmetricKeyType === 'ed25519' && key.type === 'public' && verifyEd25519(Buffer.from(`${headerPart}.${payloadPart}`), Buffer.from(signaturePart, 'base64url'), key);
      } catch (err) {
        return refuse('bad-signature', err);
      }
      if (!signed) return refuse('bad-signature');
      const payload = unverified;
      const now = Math.floor(Date.now() / 1000);
      for (const claim of ['exp', 'iat', 'jti', 'sub', 'dept', ...FORWARDED_CLAIMS] as const) if (payload[claim] === undefined) return refuse('missing-claims');
      if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number') return refuse('invalid');
      if (payload.exp <= now - CLOCK_TOLERANCE_SECONDS) return refuse('expired');
      if (payload.iat > now + CLOCK_TOLERANCE_SECONDS || (payload.nbf !== undefined && !(typeof payload.nbf === 'number' && payload.nbf <= now + CLOCK_TOLERANCE_SECONDS))) return refuse('not-yet-valid');
      if (payload.iss !== known.entry.region) return refuse('invalid');
      const audience = platform.platform.region;
      if (!(payload.aud === audience || (Array.isArray(payload.aud) && payload.aud.includes(audience)))) return refuse('invalid');
      const { sub, dept, deptLevel, deptRegion, purpose, jti, exp, iat } = payload as JWTPayload & Record<string, unknown>;
      if (typeof sub !== 'string' || !sub || typeof dept !== 'string' || !dept || typeof jti !== 'string' || !jti) return refuse('missing-claims');
      // The user as a department's own token names one (src/identity/verify.ts): it is kept in this platform's audit log.
      const subFault = userNameFault(sub);
      if (subFault) return refuse(subFault === 'blank' ? 'missing-claims' : 'invalid');
      if ((exp as number) - (iat as number) > MAX_FORWARDED_TTL_SECONDS) return refuse('too-long-lived');
      // The code, at most as long as a platform file's or a catalogue's department code (128), and a text a
      // log can keep: it is kept in the audit log and as the key of the department's rate buckets and views.
      if (dept.length > MAX_NAME || userNameFault(dept)) return refuse('invalid');
      // Used once, before the department is looked at: from here the token is the connected platform's own
      // request, signed for this one and fresh, and a refusal of what it forwards is written to the audit log
      // (ForwardedDepartmentRefused), once a token; a replay of it is refused as any replay, unwritten.
      await once(jti, exp as number);
      const via = known.entry.region;
      const who = `${known.entry.name} (${via})`;
      const refuseDepartment = (reason: AuthenticationFailure, why: string): never => {
        // Its level and region as claimed when they are a level and a division code, else the forwarding
        // platform's: the refused request reads nothing, so they decide nothing (its entry and rate buckets
        // are keyed by the code, the user and `via`).
        const region = typeof deptRegion === 'string' && /^[0-9]{6}$/.test(deptRegion) ? deptRegion : via;
        const level = LEVELS.includes(deptLevel as Level) ? (deptLevel as Level) : (levelOfRegion(region) ?? levelOfRegion(via)!);
        const department: Department = { code: dept, name: `${dept} (via ${known.entry.name})`, graphqlName: '', level, region, via };
        throw new ForwardedDepartmentRefused(reason, why, { user: sub, dept: department, roles: [], via }, typeof purpose === 'string' ? purpose : null);
      };
      if (typeof deptRegion !== 'string' || !/^[0-9]{6}$/.test(deptRegion)) return refuseDepartment('invalid', 'its region is no division code');
      if (!LEVELS.includes(deptLevel as Level)) return refuseDepartment('invalid', 'its level is none this platform knows');
      if (levelOfRegion(deptRegion) !== deptLevel) return refuseDepartment('invalid', `its level does not agree with its region ${deptRegion}`);
      if (!withinRegion(deptRegion, via)) return refuseDepartment('outside-region', `its region ${deptRegion} lies outside the region of ${who}`);
      // The code too: share scopes read a division out of a department code ("4301*"), so a code naming a
      // division outside the forwarding platform's region would pass a scope meant for another's departments.
      const coded = DEPARTMENT_CODE.exec(dept);
      if (!coded) return refuseDepartment('invalid', 'its code is no department code (a division, a dash, letters and digits)');
      if (!withinRegion(coded[1], via)) return refuseDepartment('outside-region', `its code names division ${coded[1]}, outside the region of ${who}`);
      // A forwarded department is never one of this platform's own: it would read as their provider.
      if (own.has(dept.toUpperCase())) return refuseDepartment('unknown-department', "it is one of this platform's own departments");
      if (purpose !== null && purpose !== undefined && typeof purpose !== 'string') return refuseDepartment('invalid', 'its purpose is not a text');
      const department: Department = { code: dept, name: `${dept} (via ${known.entry.name})`, graphqlName: '', level: deptLevel as Level, region: deptRegion, via };
      return { identity: { user: sub, dept: department, roles: [], via }, purpose: (purpose as string | null | undefined) ?? null };
    },
  };
}
