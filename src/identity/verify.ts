// Who is asking (SPEC §7): `Authorization: Bearer <JWT>` verified with jose, HS256 with the platform
// secret and/or RS256/ES256 with the keys of a JWKS URL. Claims: `sub` (user), `dept` (department code
// of the platform), `roles` (array), `exp` (required).
//
// Decisions:
// - Every failure is an AuthenticationError (`UNAUTHENTICATED`) with one of two messages: the header is
//   missing or malformed, or the token is invalid or expired. Which check failed (signature, expiry,
//   claims, department...) is in `reason`, for the server's log, not for the client. Two say more, as
//   their holder cannot act otherwise and the signature held: a department the platform does not list,
//   and a token not valid yet (its `nbf` ahead of this gateway's clock: a new token from the same clock
//   would be refused too), which says so and to check the clocks.
// - `roles` may be absent (no roles: the user may still query data). Roles the platform does not know
//   are ignored, so tokens of an identity provider that also serves other systems work; `roles` that
//   is not an array of strings makes the token invalid.
// - Clocks of gateway instances and identity providers may drift: `exp` and `nbf` get 30 s of tolerance.
//   `iat` is not checked, in the future either: a token's life is bounded by `exp` (and `nbf`), which
//   are checked; a future `iat` grants nothing they do not, and refusing it would refuse the tokens of a
//   `govgraph token` or identity provider whose clock runs ahead, tokens taken today. (A forwarded token's
//   `iat` is checked, src/identity/forwarded.ts: its lifetime is measured from it.)
// - An HS256 token that names an `iss` or `aud` is held to GOVGRAPH_JWT_ISSUER / GOVGRAPH_JWT_AUDIENCE
//   when the operator sets them, with or without a key set (secretClaimsProblem); `govgraph token`'s
//   name neither.
// - With both a secret and a JWKS URL, an HS256 token is checked with the secret and an RS256/ES256 one
//   with the key set; the caller decides what to trust by what it passes.
// - A key set that cannot be fetched is the platform's failure, not the client's: KeySetUnavailableError,
//   also when the provider answers something else than a key set (an error status, a redirect, a login
//   page, more than MAX_PROVIDER_JWKS_BYTES). A failed fetch is not tried again for FETCH_RETRY_MS: tokens
//   that need the set meanwhile are refused at once (503), rather than each waiting for a fetch of its own.
// - A token is verified once: its identity is kept (a bounded LRU cache, by the token's text) until the
//   token expires, so later requests with it skip the signature check. Only tokens that passed every
//   check are kept; a forged, `none`, expired or unknown-department token is checked, and refused, every
//   time. A kept token past its `exp` (with the same tolerance) is dropped and refused as expired.
// - A kept token signed by a key of the key set is kept only while the gateway's copy of the key set holds
//   that key: a provider that removes a key (rotation, a leak) has its tokens refused once the gateway has
//   fetched the set again, as a token not kept would be, not until their `exp` (which may be years away).
import { LRUCache } from 'lru-cache';
import { createRemoteJWKSet, customFetch, errors, exportJWK, jwksCache, jwtVerify, type CryptoKey, type ExportedJWKSCache, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { userNameFault } from '../model/input-bounds.ts';
import { identifierFault } from '../model/identifier-text.ts';
import type { Department, Platform } from '../model/platform.ts';
import { AuthenticationError, KeySetUnavailableError, type AuthenticationFailure } from './errors.ts';
import { keyName, providerFetch, shownUrl, type KeySetTimes } from './provider-key-set.ts';
import { isRole, type Role } from './roles.ts';

export interface Identity {
  user: string;
  dept: Department;
  roles: Role[];
  /**
   * Roles the token carries that the platform does not know (at most a few, cut short), so that a refusal
   * for a missing role can name them: an identity provider's `APPLICANT` is not `applicant`.
   */
  otherRoles?: string[];
  /** The region of the connected platform that forwarded the request (SPEC §12); absent for a direct one. */
  via?: string;
}

export interface Verifier {
  /** The identity of a request from its Authorization header; AuthenticationError when there is none. */
  verify(authorization: string | undefined): Promise<Identity>;
  /**
   * The identity of a token this verifier verified and kept, while it is valid; else undefined (and then
   * `verify` decides). Only department tokens are kept: a token that claims to be forwarded never reaches
   * `verify` (src/identity/forwarded.ts), so a kept one needs no second look at its claims.
   */
  known(authorization: string | undefined): Identity | undefined;
}

/**
 * The name a department's counters (rate buckets, masked-probe quotas) are kept under. A department
 * forwarded by a connected platform (SPEC §12) is that platform's: department codes are each platform's
 * own, so two connected platforms may both forward an "XCZX", and one must not empty the other's bucket.
 * Its code is joined to the forwarding platform's region with `@`, which no department code holds.
 */
export function counterKey(identity: Identity): string {
  return identity.via ? `${identity.dept.code}@${identity.via}` : identity.dept.code;
}

export const HEADER_MESSAGE =
  'Missing or malformed Authorization header: send `Authorization: Bearer <token>` (an operator makes one with `govgraph token`).';
/**
 * A token of the secret refused: expired, or its signature not the one this gateway checks. The likeliest
 * reason for the second is a secret changed since the token was made (a rotation: GOVGRAPH_JWT_SECRET set
 * to a new value, or the stored secret replaced, then `audit rekey`), and the message blamed another data
 * folder only, which sent an operator looking for a mix-up that was not there. Nothing of the secret or of
 * which reason applied is said: the same words for every refused token.
 */
export const TOKEN_MESSAGE =
  "The token is invalid or expired, or signed with a secret this gateway no longer accepts (the platform secret was rotated since it was made, or it was made for another data folder's store); get a new one with `govgraph token` run on this gateway's store (the same --data or --mongodb-uri, or GOVGRAPH_JWT_SECRET).";

/** The same, on a gateway whose tokens come from an identity provider only (GOVGRAPH_JWKS_URL, no secret). */
export const KEY_SET_TOKEN_MESSAGE =
  "The token is invalid or expired; get a new one from the identity provider that issues this platform's tokens (this gateway accepts those signed by a key of GOVGRAPH_JWKS_URL).";

/**
 * The same, on a gateway that takes both (GOVGRAPH_JWKS_URL and GOVGRAPH_JWT_SECRET): `govgraph token` signs
 * with GOVGRAPH_JWT_SECRET only there (src/cli/token.ts), never with the store's secret.
 */
export const BOTH_TOKEN_MESSAGE =
  "The token is invalid or expired; get a new one from the identity provider that issues this platform's tokens (this gateway accepts those signed by a key of GOVGRAPH_JWKS_URL), or from `govgraph token` run with this gateway's GOVGRAPH_JWT_SECRET.";

/**
 * A token refused for its `nbf` alone so far (jose checks the claims once the signature holds): the
 * general message sent its holder for a new token, which a clock ahead makes as unusable. It says when the
 * token becomes valid and by how much that is ahead of this gateway, both of the token the caller holds
 * (nothing of the platform's secret or keys), and to check the clocks.
 */
export function notYetValidMessage(error: errors.JWTClaimValidationFailed, nowMs: number): string {
  const nbf = Number(error.payload.nbf);
  const ahead = Math.max(0, Math.round(nbf - nowMs / 1000));
  const by = ahead < 120 ? `${ahead} s` : ahead < 7200 ? `${Math.round(ahead / 60)} min` : `${Math.round(ahead / 3600)} h`;
  return (
    `The token is not valid yet: its nbf (not before) is ${new Date(nbf * 1000).toISOString()}, ${by} ahead of this gateway's clock ` +
    `(${CLOCK_TOLERANCE_SECONDS} s are allowed). Check the clock of the machine that issued it (the identity provider, or where \`govgraph token\` ran) ` +
    "and this gateway's: one of them is off (NTP). Or send it again once that time has passed."
  );
}

export const SECRET_ALGORITHMS = ['HS256'];
export const KEY_SET_ALGORITHMS = ['RS256', 'ES256'];
export const CLOCK_TOLERANCE_SECONDS = 30;
const MAX_HEADER_LENGTH = 16 * 1024;
export const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*) *$/i;
/** How many verified tokens are kept (least recently used dropped first). */
export const VERIFIED_TOKENS = 10_000;

function headerError(reason: AuthenticationFailure): AuthenticationError {
  return new AuthenticationError(HEADER_MESSAGE, reason);
}

type TokenError = (reason: AuthenticationFailure, cause?: unknown) => AuthenticationError;

/** The reason a jose error gives, or null when it is not about the token. */
function joseReason(error: unknown): AuthenticationFailure | null {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && error.reason === 'check_failed') return 'not-yet-valid';
    return error.reason === 'missing' ? 'missing-claims' : 'invalid';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad-signature';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'algorithm-not-allowed';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return 'bad-signature';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return null;
  if (error instanceof errors.JOSEError) return 'malformed-token';
  return null;
}

/** Why a key set could not be fetched: the system's message (`connect ECONNREFUSED 10.1.2.3:443`), with its code when the message lacks it. */
function fetchFailure(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${message} (${e.code})` : message;
}

interface Verified {
  identity: Identity;
  /** Until when the token is accepted: `exp` plus the clock tolerance, in ms. */
  until: number;
  /** The key of the key set that verified it (keyName), absent for a token of the secret. */
  key?: string;
}

/**
 * What the identity provider's tokens must also name (GOVGRAPH_JWT_ISSUER, GOVGRAPH_JWT_AUDIENCE), when the
 * operator says so: a provider that signs tokens for other systems too would otherwise let a token made
 * for one of them, with a `dept` claim, in here. HS256 tokens (govgraph token's) name neither.
 */
export interface ProviderClaims {
  issuer?: string;
  audience?: string;
}

/** Why a provider token's `iss` or `aud` is not the one asked for, or null. */
function providerClaimsProblem(payload: JWTPayload, want: ProviderClaims): 'wrong-issuer' | 'wrong-audience' | null {
  if (want.issuer !== undefined && payload.iss !== want.issuer) return 'wrong-issuer';
  const aud = payload.aud;
  if (want.audience !== undefined && !(aud === want.audience || (Array.isArray(aud) && aud.includes(want.audience)))) return 'wrong-audience';
  return null;
}

/**
 * Why an HS256 token's `iss` or `aud` is not this gateway's, or null, once the operator names them
 * (GOVGRAPH_JWT_ISSUER, GOVGRAPH_JWT_AUDIENCE; `serve` takes them with the secret alone too). One naming another audience is for that audience (RFC 7519
 * §4.1.3): a token another system made for itself with a shared GOVGRAPH_JWT_SECRET was taken here. Held
 * only to what the operator names, as a provider's tokens are: `govgraph token`'s tokens name neither, and
 * tokens made by hand or by a test harness that name an `iss` or `aud` are taken on a gateway that names
 * none, as they always were (an operator sharing the secret names the audience).
 */
function secretClaimsProblem(payload: JWTPayload, ours: ProviderClaims): 'wrong-issuer' | 'wrong-audience' | null {
  if (ours.issuer !== undefined && payload.iss !== undefined && payload.iss !== ours.issuer) return 'wrong-issuer';
  if (ours.audience === undefined || payload.aud === undefined) return null;
  return payload.aud === ours.audience || (Array.isArray(payload.aud) && payload.aud.includes(ours.audience)) ? null : 'wrong-audience';
}

export function createVerifier(opts: { secret?: Uint8Array; jwksUrl?: string; provider?: ProviderClaims; platform: Platform; now?: () => number; keySetTimes?: KeySetTimes }): Verifier {
  const { secret, jwksUrl } = opts;
  if (!secret && !jwksUrl) throw new Error('createVerifier needs a secret or a JWKS URL');
  // jose writes each key set it fetched here (jwks, and uat: when): the keys a kept token's key is looked for in.
  const fetched: Partial<ExportedJWKSCache> = {};
  const keySet = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl), { ...opts.keySetTimes, [jwksCache]: fetched as Record<string, never>, [customFetch]: providerFetch(opts.now ?? Date.now) }) : null;
  let current: { uat: number | undefined; keys: Set<string> } = { uat: undefined, keys: new Set() };
  const currentKeys = (): Set<string> => {
    if (current.uat !== fetched.uat) current = { uat: fetched.uat, keys: new Set((fetched.jwks?.keys ?? []).map(keyName)) };
    return current.keys;
  };
  const keyNames = new WeakMap<CryptoKey, string>();
  const nameOf = async (key: CryptoKey): Promise<string> => {
    let name = keyNames.get(key);
    if (name === undefined) keyNames.set(key, (name = keyName(await exportJWK(key))));
    return name;
  };
  /** The kept identity of a token, while it is valid and its key is still in the key set; else undefined. */
  const keptFor = (token: string): Verified | undefined => {
    const kept = verified.get(token);
    if (kept?.key !== undefined && !currentKeys().has(kept.key)) {
      verified.delete(token); // the provider no longer publishes its key: the token is checked again, and refused
      return undefined;
    }
    return kept;
  };
  const algorithms = [...(secret ? SECRET_ALGORITHMS : []), ...(keySet ? KEY_SET_ALGORITHMS : [])];
  const departments = new Map(opts.platform.departments.map((d) => [d.code, d]));
  const now = opts.now ?? Date.now;
  const verified = new LRUCache<string, Verified>({ max: VERIFIED_TOKENS });
  // Where a working token comes from: the provider's, or `govgraph token` with the secret this gateway checks
  // (beside a provider, GOVGRAPH_JWT_SECRET only: src/server/app.ts).
  const message = secret && keySet ? BOTH_TOKEN_MESSAGE : secret ? TOKEN_MESSAGE : KEY_SET_TOKEN_MESSAGE;
  const tokenError: TokenError = (reason, cause) => new AuthenticationError(message, reason, { cause });

  async function verify(authorization: string | undefined): Promise<Identity> {
    if (authorization === undefined || authorization.trim() === '') throw headerError('missing-header');
    if (authorization.length > MAX_HEADER_LENGTH) throw headerError('malformed-header');
    const match = BEARER.exec(authorization.trim());
    if (!match) throw headerError('malformed-header');
    const kept = keptFor(match[1]);
    if (kept) {
      if (now() <= kept.until) return kept.identity;
      verified.delete(match[1]);
      throw tokenError('expired');
    }

    let payload: JWTPayload;
    let usedKeySet = false;
    let usedKey: CryptoKey | undefined;
    const getKey: JWTVerifyGetKey = async (header, token) => {
      if (header.alg === 'HS256' && secret) return secret;
      if (keySet) {
        usedKeySet = true;
        return (usedKey = await keySet(header, token));
      }
      throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
    };
    try {
      ({ payload } = await jwtVerify(match[1], getKey, {
        algorithms,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      const reason = joseReason(error);
      if (reason === 'not-yet-valid') throw new AuthenticationError(notYetValidMessage(error as errors.JWTClaimValidationFailed, now()), reason, { cause: error });
      if (reason) throw tokenError(reason, error);
      if (keySet && (usedKeySet || error instanceof errors.JOSEError)) {
        throw new KeySetUnavailableError(`cannot fetch the JSON Web Key Set of GOVGRAPH_JWKS_URL (${shownUrl(jwksUrl!)}): ${fetchFailure(error)}`, { cause: error });
      }
      throw error;
    }
    const wrong = usedKeySet ? (opts.provider ? providerClaimsProblem(payload, opts.provider) : null) : secretClaimsProblem(payload, opts.provider ?? {});
    if (wrong) throw tokenError(wrong);
    const identity = identityOf(payload, departments, tokenError);
    const key = usedKey ? await nameOf(usedKey) : undefined;
    verified.set(match[1], { identity, until: (payload.exp! + CLOCK_TOLERANCE_SECONDS) * 1000, key });
    return identity;
  }

  function known(authorization: string | undefined): Identity | undefined {
    const match = authorization === undefined || authorization.length > MAX_HEADER_LENGTH ? null : BEARER.exec(authorization.trim());
    const kept = match ? keptFor(match[1]) : undefined;
    return kept && now() <= kept.until ? kept.identity : undefined;
  }

  return { verify, known };
}

/** The identity a verified payload names; AuthenticationError when a claim is missing or wrong. */
function identityOf(payload: JWTPayload, departments: Map<string, Department>, tokenError: TokenError): Identity {
  const { sub, dept, roles } = payload as JWTPayload & { dept?: unknown; roles?: unknown };
  // A blank sub names no one, as `govgraph token --user ' '` is refused: the audit log would name a user of spaces.
  // A claim there but of the wrong type (a `dept` list, a numeric `sub`) is `invalid`, as the log's reasons
  // say; `missing-claims` is for a claim left out (or a blank `sub`).
  // A sub that shows nothing (U+200B, U+3164, U+FEFF: trim() leaves them) is blank too, as govgraph token's --user.
  const subFault = typeof sub === 'string' ? userNameFault(sub) : null;
  if (sub === undefined || dept === undefined || subFault === 'blank') throw tokenError('missing-claims');
  if (typeof sub !== 'string' || typeof dept !== 'string') throw tokenError('invalid');
  // The user is kept in every audit entry and workflow row the token's requests make: an identity
  // provider's user names fit (an e-mail address is at most 254 characters), a megabyte does not, and a
  // control character (a line break) would make a second line of every listing that prints the user.
  if (subFault !== null) throw tokenError('invalid');
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((r) => typeof r === 'string'))) {
    throw tokenError('invalid');
  }
  // A code or a role holding a format character (U+202E, U+200B) or not in NFC reads as another one
  // (src/model/identifier-text.ts): such a token is a bad token, refused as the others, unquoted.
  if (identifierFault(dept) !== null || (roles as string[] | undefined)?.some((r) => identifierFault(r) !== null)) throw tokenError('invalid');
  const department = departments.get(dept);
  if (!department) {
    // Told plainly, the signature being good: the general message would send its holder to `govgraph token`,
    // which refuses that department too. The code is the token's own, quoted (and cut: a claim may be long).
    const shown = JSON.stringify(dept.length > 64 ? `${dept.slice(0, 64)}…` : dept);
    throw new AuthenticationError(`The token's department ${shown} is not one of this platform's departments (its platform file does not list it, or no longer does): ask the platform's operator for a token of a listed department.`, 'unknown-department');
  }
  const carried = (roles as string[] | undefined) ?? [];
  const other = carried.filter((r) => !isRole(r));
  return {
    user: sub,
    dept: department,
    roles: [...new Set(carried.filter(isRole))],
    ...(other.length ? { otherRoles: [...new Set(other)].slice(0, MAX_OTHER_ROLES).map(cutRole) } : {}),
  };
}

/** Unknown roles kept for a refusal's message: an identity provider's token may carry dozens. */
const MAX_OTHER_ROLES = 5;

/** An unknown role as kept: at most 32 UTF-16 units, never half of a surrogate pair (a lone one would show as \ud83d). */
function cutRole(r: string): string {
  if (r.length <= 32) return r;
  const cut = /[\uD800-\uDBFF]$/.test(r.slice(0, 32)) ? 31 : 32;
  return `${r.slice(0, cut)}…`;
}
