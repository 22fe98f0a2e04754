// Authorisation answers as GraphQL errors carrying the spec's codes (SPEC §6, §8).
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { pathToArray } from 'graphql/jsutils/Path.js';
import type { Decision } from '../access/decide.ts';
import type { ResourceModel } from '../generate/model.ts';

type Denial = Extract<Decision, { allowed: false }>;

function denialOptions(d: Denial, model: ResourceModel, item: string | null) {
  return { extensions: { code: d.code, resource: model.resource.code, ...(item ? { item } : {}) } };
}

/** The denials made, by decision: a decision is memoised per access profile (src/access/context.ts). */
const denials = new WeakMap<Denial, Map<string, GraphQLError>>();

/**
 * The error of a denial, made once per decision, resource and item and the same object for every request
 * of the profile: nothing changes an error once made (graphql and Apollo copy what they locate or format),
 * and making one cost about as much as executing the 13th column of a 100-row page.
 */
export function deniedError(d: Denial, model: ResourceModel, item: string | null): GraphQLError {
  let byField = denials.get(d);
  if (!byField) denials.set(d, (byField = new Map()));
  const key = `${model.resource.code}|${item ?? ''}`;
  let error = byField.get(key);
  if (!error) byField.set(key, (error = withoutStack(() => new GraphQLError(d.message, denialOptions(d, model, item)))));
  return error;
}

/** Located denials of a request, by rule and path pattern (list indices wildcarded). */
const locatedByRequest = new WeakMap<object, Map<string, GraphQLError>>();

/**
 * The denial of a field on a row, located at the first row of its path pattern and the same object for
 * every other row: SPEC §6 wants one error per denied item and path pattern, not one per row, and graphql
 * passes an already located error through as it is instead of building one per row.
 */
export function deniedOnce(ctx: object, d: Denial, model: ResourceModel, item: string | null, info: GraphQLResolveInfo): GraphQLError {
  let located = locatedByRequest.get(ctx);
  if (!located) locatedByRequest.set(ctx, (located = new Map()));
  const path = pathToArray(info.path);
  const key = `${model.resource.code}|${item}|${path.map((p) => (typeof p === 'number' ? '*' : p)).join('.')}`;
  let error = located.get(key);
  if (!error) {
    error = withoutStack(() => new GraphQLError(d.message, { ...denialOptions(d, model, item), nodes: info.fieldNodes, path }));
    located.set(key, error);
  }
  return error;
}

/**
 * An answer, not a failure: its stack says nothing worth knowing. Made with no stack captured at all:
 * capturing one, and formatting it through source maps when anything reads it (graphql's GraphQLError
 * copies its original error's stack), cost a tenth of a ms per request that carries a denial.
 */
export function withoutStack<E extends Error>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return withoutStack(() => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions } }));
}

type ErrorLike = { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> };

/** Drops the repeats of an error: same code, resource, item and path with list indices wildcarded. */
export function dedupeErrors<E extends ErrorLike>(errors: readonly E[]): E[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const ext = e.extensions ?? {};
    const path = (e.path ?? []).map((p) => (typeof p === 'number' ? '*' : p)).join('.');
    const k = [ext.code, ext.resource, ext.item, path, ext.code ? '' : e.message].join('|');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
