// Why a connected platform is unavailable (SPEC §12): each reason said for operators with the platform's
// url and for callers without it, and PLATFORM_UNAVAILABLE, the error that carries both.

import { GraphQLError } from 'graphql';
import { DEFAULT_CONNECTED_TIMEOUT_MS, type ConnectedPlatform } from '../model/platform.ts';
import { platformBase } from '../identity/forwarded.ts';
import { TooManyValues, TransportError } from './http-client.ts';
import { theirError, theirLabel } from './their-text.ts';

/**
 * Why a connected platform failed, said for operators (the log, `platform status`) with its url, and for
 * callers and /healthz, which anyone may ask, with `url` null: a connected platform's url is an address
 * of the internal network, of no use to a department developer and of some to an attacker.
 */
export type Reason = (url: string | null) => string;
export const said = (text: string): Reason => () => text;
/** "<url> did not answer ..." for operators, "it did not answer ..." for callers. */
export const of = (rest: string): Reason => (url) => `${url ?? 'it'} ${rest}`;

/** PLATFORM_UNAVAILABLE for callers, with the same message naming the url for operators. */
export class Unavailable extends GraphQLError {
  readonly forOperators: string;
  /** The reason alone, as `lastError` says it (the platform is named beside it). */
  readonly reason: Reason;
  constructor(c: ConnectedPlatform, reason: Reason) {
    const message = (url: string | null) => `The connected platform ${c.name} (${c.region}) is unavailable: ${reason(url)}`;
    super(message(null), { extensions: { code: 'PLATFORM_UNAVAILABLE', platform: c.region } });
    this.forOperators = message(platformBase(c));
    this.reason = reason;
  }
}

export function unavailable(c: ConnectedPlatform, reason: Reason): Unavailable {
  return new Unavailable(c, reason);
}

/** The network failures an operator meets most, in words (the code follows in brackets); others by their code. */
const NETWORK_FAILURES: Record<string, (where: string) => string> = {
  ENOTFOUND: (where) => `the host name of ${where} is not known: check the url, and this machine's name service`,
  EAI_AGAIN: (where) => `the host name of ${where} could not be looked up just now (the name service did not answer)`,
  ECONNRESET: (where) => `the connection to ${where} was closed in the middle of the request (the gateway there stopped, or something between closed it)`,
  EHOSTUNREACH: (where) => `there is no route to ${where} from this machine`,
  ENETUNREACH: (where) => `the network of ${where} cannot be reached from this machine`,
};

/** Why a request failed, in a sentence for a person. */
export function failure(c: ConnectedPlatform, err: unknown): Reason {
  if (err instanceof TransportError) {
    if (err.code === 'TIMEOUT') return said(`no answer within ${c.timeoutMs ?? DEFAULT_CONNECTED_TIMEOUT_MS} ms.`);
    if (err.code === 'ECONNREFUSED') return (url) => `nothing listens at ${url ?? 'its address'} (connection refused).`;
    if (err.code === 'TOO_LARGE') return of(`sent an answer of ${err.message}, the most this gateway reads of a connected platform's answer; it was read no further.`);
    const known = NETWORK_FAILURES[err.code];
    if (known) return (url) => `${known(url ?? 'its address')} (${err.code}).`;
    if (err.code !== 'ERROR') return (url) => `${err.code} at ${url ?? 'its address'}.`;
    // Node's own words may name the address ("connect EHOSTUNREACH 10.1.2.3:4000"): for operators only.
    return (url) => (url ? `${err.message}.` : 'the connection failed.');
  }
  // Not the connected platform's failure but this gateway's own, before anything was sent: signing the
  // request reads this platform's keys from its store. The store's message may name a MongoDB host and
  // port or the SQLite file's path, and /healthz, which anyone may ask, shows what callers are told.
  return (url) => (url
    ? `this gateway could not make the request: ${theirError((err as Error).message)}.`
    : "this gateway could not make the request (its own failure, such as its store not answering, not the connected platform's; its log says why).");
}

/** An answer refused for the values it holds (answer-values.ts), with the figures. */
export function tooManyValues(err: TooManyValues, maxCost: number): Reason {
  const { where, bound } = err.over;
  return said(where === 'data'
    ? `it answered with more than ${bound} JSON values in its data (${err.bytes} bytes), more than a response of this gateway may hold under its limits.maxCost of ${maxCost} field values; the answer was not used.`
    : `it answered with more than ${bound} JSON values outside its data (errors, extensions; ${err.bytes} bytes), more than this gateway takes besides the data; the answer was not used.`);
}

/** The reason a platform gives for refusing this one, as shown (its first error's message, cut). */
export function refusal(body: { errors?: readonly { message?: unknown }[] }): string {
  const message = Array.isArray(body.errors) ? body.errors[0]?.message : undefined;
  return message === undefined ? 'no reason given' : theirError(withoutStack(String(message)));
}

/** A connected platform's error message up to its first stack frame ("\n    at f (/srv/x.js:1:2)"), if any. */
export function withoutStack(message: string): string {
  const frame = message.search(/\n\s*at \S/);
  return frame < 0 ? message : message.slice(0, frame);
}

/** A redirect, never followed: the url listed is where the platform answers. Where it points is for operators. */
export function redirected(res: { status: number; location?: string }): Reason | null {
  if (res.status < 300 || res.status > 399) return null;
  return (url) => url
    ? `${url} answered with a redirect (HTTP ${res.status}) to ${theirLabel(res.location ?? 'nowhere')}, which this gateway does not follow: list the url the platform answers at.`
    : `it answered with a redirect (HTTP ${res.status}), which this gateway does not follow.`;
}
