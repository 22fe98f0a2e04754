// The cache of parsed and validated documents, per schema, in place of Apollo's `documentStore`.
//
// Apollo keys its documentStore by a hash of the schema printed as SDL, computed when a schema is
// installed: printing a big platform's schema held the event loop in one piece for 40-50 ms at every
// publication (500 resources; issue 9 asks for 100 ms at most, the rest of the install included). A
// document validated against one schema must never be served to a request on another (Apollo's reason
// for the prefix), and a request's schema is an object Apollo keeps for it: here a document is cached
// under the identity of the schema it was validated against, which costs nothing to compute. Apollo is
// given no documentStore (`documentStore: null`) and finds the document this plugin sets at
// didResolveSource, before it would parse and validate.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { createDocumentStore } from '../document-store.ts';

export function documentCachePlugin<C extends BaseContext>(store = createDocumentStore()): ApolloServerPlugin<C> {
  const schemaIds = new WeakMap<GraphQLSchema, number>();
  let nextId = 0;
  const keyOf = (schema: GraphQLSchema, queryHash: string): string => {
    let id = schemaIds.get(schema);
    if (id === undefined) schemaIds.set(schema, (id = nextId++));
    return `${id}:${queryHash}`;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveSource(rc) {
          const document = store.get(keyOf(rc.schema, rc.queryHash));
          // Apollo reads `document` right after this hook and skips parsing and validating when it is set.
          if (document) (rc as { document?: DocumentNode }).document = document;
        },
        async validationDidStart(rc) {
          return async (errors) => {
            if (!errors?.length) store.set(keyOf(rc.schema, rc.queryHash), rc.document);
          };
        },
      };
    },
  };
}
