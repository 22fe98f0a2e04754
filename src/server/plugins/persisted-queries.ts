// Apollo's automatic persisted queries (APQ), kept per requester. A client sends a document's hash alone,
// gets PERSISTED_QUERY_NOT_FOUND, then sends the text with the hash, which registers it; later requests
// send the hash alone. Apollo keeps one registry for everybody: a department that hashed a text it
// guessed (a filter on somebody's ID number) and sent the hash alone would learn from the answer whether
// another department had sent that text. Here a hash sent alone finds only what the same requester (its
// department, as its rates are counted: src/identity/verify.ts counterKey) registered; the manifests'
// documents (TrustedDocumentStore.cache) are everyone's.
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { counterKey } from '../../identity/verify.ts';
import type { TrustedDocumentStore } from '../../limits/trusted.ts';
import type { RequestContext } from '../../../resolvers/request.ts';

export function persistedQueriesPlugin(trusted: TrustedDocumentStore): ApolloServerPlugin<RequestContext> {
  // Registered once the operation passed every check, where Apollo registers (executionDidStart follows it).
  const register: GraphQLRequestListener<RequestContext> = {
    async executionDidStart(rc) {
      const identity = rc.contextValue.identity;
      if (identity && rc.metrics.persistedQueryRegister) trusted.register(counterKey(identity), rc.queryHash, rc.source);
    },
  };
  return {
    async requestDidStart(rc) {
      const { request, contextValue } = rc;
      const hash = (request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
      if (typeof hash !== 'string' || !contextValue.identity) return;
      // A hash alone: this requester's registration becomes the text (Apollo checks it against the hash).
      if (request.query === undefined) {
        const text = trusted.registeredBy(counterKey(contextValue.identity), hash);
        if (text !== undefined) request.query = text;
        return;
      }
      return register;
    },
  };
}
