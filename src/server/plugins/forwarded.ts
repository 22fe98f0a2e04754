// A forwarded request (SPEC §12) reads data and does nothing else: roles do not travel, and only the
// departments' data fields of Query may be selected (not the platform's own fields, nor mutations).
// A request refused so has its audit entry (SPEC §10: denied requests are logged too), naming the
// forwarded department and `via`: the connecting gateway sends its namespaces' data fields only, so such
// a request is that platform's signing key used otherwise, which this platform's supervisor must see.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind } from 'graphql';
import { noteRefusal, type RequestContext } from '../../../resolvers/request.ts';

/** The departments' data fields of Query in the catalogues in effect, computed once per publication. */
const dataFieldsOf = new WeakMap<RequestContext['published'], Set<string>>();
function dataFields(ctx: RequestContext): Set<string> {
  let fields = dataFieldsOf.get(ctx.published);
  if (!fields) {
    // The departments that publish resources in the catalogues in effect (the schema's data fields).
    const providers = new Set(ctx.published.flatMap((c) => c.resources.map((r) => r.provider)));
    fields = new Set(ctx.platform.departments.filter((d) => providers.has(d.code)).map((d) => d.graphqlName));
    dataFieldsOf.set(ctx.published, fields);
  }
  return fields;
}

export const forwardedPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart({ contextValue }) {
    if (!contextValue.identity?.via) return;
    return {
      async didResolveOperation({ operation }) {
        // No operation (several in the document and none named, or an unknown name): nothing can run, and
        // the execution answers graphql's own error for it (OPERATION_RESOLUTION_FAILURE).
        if (!operation) return;
        const data = dataFields(contextValue);
        const refused = operation.operation !== 'query'
          || operation.selectionSet.selections.some((s) => s.kind !== Kind.FIELD || (s.name.value !== '__typename' && !data.has(s.name.value)));
        if (refused) {
          throw noteRefusal(contextValue, new GraphQLError('A request forwarded by a connected platform may only read the departments\' data fields.', {
            extensions: { code: 'FORBIDDEN', http: { status: 403 } },
          }));
        }
      },
    };
  },
};
