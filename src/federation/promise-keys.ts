// A client's alias `then` under a connected platform's namespace. graphql-tools reads the namespace's
// answer with @whatwg-node/promise-helpers, whose `isPromise` (`value?.then != null`) takes every
// object with a `then` key for a promise and fails on it: the whole namespace became an internal error.
// The catalogues refuse `then` as a name (PROMISE_MEMBER); an alias is the client's, so the document is
// refused before it runs, naming the alias, as GraphQL's own validation refuses a bad field.
import { GraphQLError, type ValidationRule } from 'graphql';
import { connectedTypePrefix, PROMISE_MEMBER } from '../catalogue/names.ts';
import type { Platform } from '../model/platform.ts';

export function promiseKeyRule(platform: Pick<Platform, 'connected'>): ValidationRule {
  const namespaces = (platform.connected ?? []).map((c) => ({ namespace: c.namespace, prefix: connectedTypePrefix(c.namespace) }));
  return (context) => ({
    Field(node) {
      if (namespaces.length === 0 || (node.alias?.value ?? node.name.value) !== PROMISE_MEMBER) return;
      const parent = context.getParentType()?.name;
      const under = parent === undefined ? undefined : namespaces.find((n) => parent.startsWith(n.prefix));
      if (!under) return;
      context.reportError(new GraphQLError(
        `The alias "${PROMISE_MEMBER}" cannot be used under the namespace ${under.namespace} of a connected platform: the answers from there are read by a library that takes an object with a ${PROMISE_MEMBER} key for a promise; choose another alias.`,
        { nodes: node, extensions: { code: 'BAD_USER_INPUT' } },
      ));
    },
  });
}
