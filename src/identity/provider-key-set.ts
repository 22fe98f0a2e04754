// The identity provider's key set as the gateway fetches it (GOVGRAPH_JWKS_URL; src/identity/verify.ts
// checks tokens with it): what its answer may be, how a failure is repeated, how a key is named, and the
// URL as the log shows it.
import type { JWK } from 'jose';
import { fetchKeySet } from './key-set-fetch.ts';

/** A JWKS URL as the log shows it: no user name, password or query (where credentials would be). */
export function shownUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/** The largest key set answer of an identity provider read: a few keys are a few kilobytes. */
export const MAX_PROVIDER_JWKS_BYTES = 256 * 1024;
/** How long a failed fetch of the provider's key set is answered without fetching again (the 503's Retry-After). */
export const FETCH_RETRY_MS = 5_000;

/** Why the provider's answer is no key set; its message goes into KeySetUnavailableError's. */
class KeySetAnswerError extends Error {}

/**
 * fetch for the provider's key set (jose's customFetch): an answer that is no key set is said as such
 * (jose's own `Expected 200 OK` and JSON errors read as a malformed token: 401 for the client, nothing
 * for the operator), the answer is read up to MAX_PROVIDER_JWKS_BYTES, and a failure is repeated without
 * fetching for FETCH_RETRY_MS (jose fetches again for every token it lacks a key for, failure or not).
 */
export function providerFetch(now: () => number): (url: string, init: RequestInit) => Promise<Response> {
  let failed: { error: unknown; at: number } | null = null;
  const fetchOnce = async (url: string, init: RequestInit): Promise<Response> => {
    const res = await fetchKeySet(url, init, MAX_PROVIDER_JWKS_BYTES);
    if (res.status !== 200) {
      let to: URL | null = null;
      try {
        if (res.location) to = new URL(res.location, url);
      } catch {
        // not a URL: said as the status alone
      }
      throw new KeySetAnswerError(to
        ? `the provider answered HTTP ${res.status}, a redirect to ${shownUrl(to.href)}, which is not followed: set GOVGRAPH_JWKS_URL to the key set's own URL`
        : `the provider answered HTTP ${res.status}`);
    }
    if (res.body === null) throw new KeySetAnswerError(`the provider's answer is larger than ${MAX_PROVIDER_JWKS_BYTES} bytes`);
    try {
      JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new KeySetAnswerError(`the provider's answer is not JSON (content-type ${JSON.stringify(res.contentType ?? 'none')})`);
    }
    return new Response(res.body, { status: 200, headers: res.contentType ? { 'content-type': res.contentType } : {} });
  };
  return async (url, init) => {
    if (failed && now() - failed.at < FETCH_RETRY_MS) throw failed.error;
    try {
      const res = await fetchOnce(url, init);
      failed = null;
      return res;
    } catch (error) {
      failed = { error, at: now() };
      throw error;
    }
  };
}

/** A public key's own material (RSA modulus and exponent, EC curve and point): what names it in a key set. */
export function keyName(jwk: JWK): string {
  return JSON.stringify([jwk.kty, jwk.crv ?? null, jwk.n ?? null, jwk.e ?? null, jwk.x ?? null, jwk.y ?? null]);
}

/** Options of jose's remote key set, for tests: how soon an unknown `kid` may fetch the set again. */
export interface KeySetTimes {
  cooldownDuration?: number;
}
