// SPEC §6: one error per denied item and path pattern, not one per row. A denied item in a list of 100
// records is refused by its rule on every row; this plugin keeps the first error of each
// (code, resource, item, path with list indices wildcarded) and drops its repeats.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';

type ErrorLike = Pick<GraphQLFormattedError, 'message' | 'path' | 'extensions'>;

export function errorKey(e: ErrorLike): string {
  const ext = e.extensions ?? {};
  const path = (e.path ?? []).map((p) => (typeof p === 'number' ? '*' : p)).join('.');
  return [ext.code, ext.resource, ext.item, path, ext.code ? '' : e.message].join('|');
}

export function dedupeErrors<E extends ErrorLike>(errors: readonly E[]): E[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = errorKey(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export const oneErrorPerItemPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind === 'single' && response.body.singleResult.errors) {
          response.body.singleResult.errors = dedupeErrors(response.body.singleResult.errors);
        }
      },
    };
  },
};
