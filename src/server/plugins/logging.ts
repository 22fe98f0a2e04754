// Structured request logs (pino): one line per GraphQL request with its request id, department, purpose,
// operation name, duration and outcome. A log line names what happened, never what was read: no
// variables, no record values, no error messages (they can echo input), no tokens, no document text.
//
// Outcomes: `ok` (no errors), `partial` (errors beside data), `denied` (only access or authentication
// errors and no data), `error` (anything else), with the distinct error codes of the response.
// The level comes from GOVGRAPH_LOG_LEVEL (pino's levels, `silent` included); default `info`, and
// `silent` under vitest so that test output stays readable.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { pino, type DestinationStream, type Logger } from 'pino';
import { setting } from '../../model/settings.ts';
import { StoreUnavailableError } from '../../store/port.ts';
import { AuthenticationError } from '../../identity/errors.ts';
import { recordedOperationName } from '../../audit/entry.ts';
import { requestAudit } from './audit.ts';
import { REQUEST_CANCELLED } from '../../limits/cancel.ts';
import type { RequestContext } from '../../../resolvers/request.ts';

export type Outcome = 'ok' | 'partial' | 'denied' | 'error';

/** Codes that mean "you may not", as opposed to "something went wrong". */
const DENIAL_CODES = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'PURPOSE_REQUIRED', 'NOT_SHARED', 'METHOD_NOT_API', 'OUT_OF_SCOPE',
  'PURPOSE_OUT_OF_SCOPE', 'GRANT_REQUIRED',
]);

/** The levels GOVGRAPH_LOG_LEVEL may name: pino's, and `silent`. */
export const LOG_LEVELS: readonly string[] = [...Object.keys(pino.levels.values), 'silent'];

export function logLevel(env: NodeJS.ProcessEnv = process.env): string {
  // In any case (`WARN` is `warn`): pino's levels are lower case, an operator's habits are not always.
  return setting('GOVGRAPH_LOG_LEVEL', env)?.trim().toLowerCase() ?? (env.VITEST ? 'silent' : 'info');
}

export function createLogger(destination?: DestinationStream, level = logLevel()): Logger {
  const options = { level, base: { service: 'govgraph' } };
  return destination ? pino(options, destination) : pino(options);
}

/** True when any value below `data` is neither null nor an empty list/object: some data was returned. */
function holdsData(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.some(holdsData);
  if (typeof value === 'object') return Object.values(value).some(holdsData);
  return true;
}

/** The distinct error codes of a response, in order of first appearance. */
export function errorCodes(errors: readonly GraphQLFormattedError[] | undefined): string[] {
  return [...new Set((errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
}

export function outcomeOf(data: unknown, errors: readonly GraphQLFormattedError[] | undefined): Outcome {
  const codes = errorCodes(errors);
  if (codes.length === 0) return 'ok';
  if (holdsData(data)) return 'partial';
  return codes.every((c) => DENIAL_CODES.has(c)) ? 'denied' : 'error';
}

/** What is known of a request refused while its context was made, once its token was verified. */
export interface RefusedRequest {
  requestId: string;
  department: string;
  /** The connected platform that forwarded it (its region), for a forwarded department. */
  via?: string;
  operationName: string | null;
}

const refusedRequests = new WeakMap<object, RefusedRequest>();

/** Notes whose request `err` refused (for the log line and the metrics of contextCreationDidFail); returns it. */
export function noteRefused(err: unknown, request: RefusedRequest): unknown {
  if (typeof err === 'object' && err !== null) refusedRequests.set(err, request);
  return err;
}

/** The request a refusal of context creation refused, when its token was verified. */
export const refusedRequest = (err: unknown): RefusedRequest | undefined =>
  typeof err === 'object' && err !== null ? refusedRequests.get(err) : undefined;

const refusalStarts = new WeakMap<object, number>();

/**
 * Notes when the making of the context that `err` refused began (performance.now()), for the request
 * duration histogram of contextCreationDidFail (metrics.ts); returns `err`.
 */
export function noteRefusalStart(err: unknown, startedMs: number): unknown {
  if (typeof err === 'object' && err !== null) refusalStarts.set(err, startedMs);
  return err;
}

/** How long the making of the context that `err` refused took, in seconds; 0 when it was not noted. */
export function refusalSeconds(err: unknown): number {
  const started = typeof err === 'object' && err !== null ? refusalStarts.get(err) : undefined;
  return started === undefined ? 0 : Math.max(0, performance.now() - started) / 1000;
}

const refusalReasons = new WeakMap<object, string>();

/**
 * Notes why the token of the request `refusal` answers was refused (an AuthenticationError's `reason`: which
 * check failed, which the client is not told), for its log line; returns `refusal`.
 */
export function noteRefusalReason(refusal: unknown, cause: unknown): unknown {
  const reason = (cause as { reason?: unknown } | null)?.reason;
  if (cause instanceof AuthenticationError && typeof reason === 'string' && typeof refusal === 'object' && refusal !== null) {
    refusalReasons.set(refusal, reason);
  }
  return refusal;
}

/** The code a failure of context creation answers with, as format-error.ts makes the answer. */
export function contextFailureCode(err: unknown): string {
  if (err instanceof StoreUnavailableError) return 'STORE_UNAVAILABLE';
  const code = (err as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/** The outcome of a request refused with `code` and no data. */
export const refusalOutcome = (code: string): Outcome => (DENIAL_CODES.has(code) ? 'denied' : 'error');

export function loggingPlugin(logger: Logger = createLogger()): ApolloServerPlugin<RequestContext> {
  return {
    // Authentication happens while the context is made; a refusal there never reaches requestDidStart.
    // Later refusals (a rate, an untrusted document, the store) are of a known department: the line names
    // the request id (that of its audit entry), the department and the operation name.
    async contextCreationDidFail({ error }) {
      const code = contextFailureCode(error);
      const outcome = refusalOutcome(code);
      const reason = typeof error === 'object' && error !== null ? refusalReasons.get(error) : undefined;
      const line = { ...refusedRequest(error), outcome, codes: [code], ...(reason ? { reason } : {}) };
      if (outcome === 'error' && code !== 'RATE_LIMITED' && code !== 'DOCUMENT_NOT_TRUSTED') logger.warn(line, 'graphql request refused');
      else logger.info(line, 'graphql request refused');
    },

    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ request, operationName, response }) {
          // The audit plugin may still blank the response (fail-closed): log what the client receives.
          await requestAudit(contextValue).written;
          const body = response.body;
          const result = body.kind === 'single' ? body.singleResult : body.initialResult;
          const outcome = outcomeOf(result.data, result.errors);
          const line = {
            requestId: contextValue.requestId,
            department: contextValue.identity?.dept.code ?? null,
            // A connected platform's department (a forwarded request): which platform, as its audit entry and a refused request's line say.
            ...(contextValue.identity?.via ? { via: contextValue.identity.via } : {}),
            purpose: contextValue.purpose ?? null,
            operationName: recordedOperationName(operationName ?? request.operationName),
            durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
            outcome,
            codes: errorCodes(result.errors),
          };
          // A client that hung up (REQUEST_CANCELLED alone) is no fault of the gateway's: info, not warn.
          const hungUp = line.codes.length === 1 && line.codes[0] === REQUEST_CANCELLED;
          if (outcome === 'error' && !hungUp) logger.warn(line, 'graphql request');
          else logger.info(line, 'graphql request');
        },
      };
    },
  };
}
