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
//
// And per requester (its department, as its rates and APQ registrations are kept: counterKey). A document
// another department sent is not served to this one from the cache: a cached document skips parsing,
// validation and (hanging on it) the compiled query, the cost and the trust verdict, so a department that
// sent a text it guessed (a lookup of somebody's ID number, written in the document as GraphiQL users
// write it) learned from how fast it was answered whether another department had sent that text (found by
// the side-channel walk, h193: about 2 ms sooner on a small query, in two requests of three, one probe a
// text since the probe caches it). The same text of two departments is parsed and compiled once each.
import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { counterKey } from '../../identity/verify.ts';
import { createDocumentStore } from '../document-store.ts';
import type { RequestContext } from '../../../resolvers/request.ts';

export function documentCachePlugin(store = createDocumentStore()): ApolloServerPlugin<RequestContext> {
  const schemaIds = new WeakMap<GraphQLSchema, number>();
  let nextId = 0;
  const keyOf = (schema: GraphQLSchema, context: RequestContext, queryHash: string): string => {
    let id = schemaIds.get(schema);
    if (id === undefined) schemaIds.set(schema, (id = nextId++));
    // A request reaches the cache only once its token is verified; '' would be a request without one.
    const requester = context.identity ? counterKey(context.identity) : '';
    return `${id}:${requester}:${queryHash}`;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveSource(rc) {
          const document = store.get(keyOf(rc.schema, rc.contextValue, rc.queryHash));
          // Apollo reads `document` right after this hook and skips parsing and validating when it is set.
          // Only a document parsed from this very text: a persisted hash is the key of whatever text it
          // names, which need not be that text's SHA-256 (a manifest key kept when its document was edited),
          // and the text whose SHA-256 it is, sent earlier, was served for it: a documentId ran another
          // operation than its manifest's (test/trusted-hash-of-another-text.test.ts).
          if (document && document.loc?.source.body === rc.source) (rc as { document?: DocumentNode }).document = document;
        },
        async validationDidStart(rc) {
          return async (errors) => {
            if (!errors?.length) store.set(keyOf(rc.schema, rc.contextValue, rc.queryHash), rc.document);
          };
        },
      };
    },
  };
}
