// The refusal of an invalid document as the department's view of the schema gives it (SPEC §15). Apollo
// validates every document against the gateway's whole schema, so that a read of an item the department
// may never read runs and is denied with its code (SPEC §6). graphql's own messages for a document that
// fails there name what the department did not write, out of that whole schema: the key argument of a
// lookup left out ("argument "alias" of type "String!" is required"), the type of an item the view
// leaves out ("type "String" has no subfields", "used in position expecting type "String""). A
// refused document is checked again against the department's view (plugins/introspection.ts) and answered
// with those errors: they name only what the view holds. The limits' own refusals (QUERY_TOO_COMPLEX,
// introspection turned off) stay as they are.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, specifiedRules, validate, type GraphQLFormattedError } from 'graphql';
import type { RequestContext } from '../../../resolvers/request.ts';
import type { DepartmentViews } from './introspection.ts';

type Format = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** Whether a validation error is one of graphql's own rules (no extensions), not a limit's or Apollo's. */
function fromSpecifiedRule(error: GraphQLError): boolean {
  const original = error.originalError instanceof GraphQLError ? error.originalError : error;
  return Object.keys(original.extensions ?? {}).length === 0;
}

export function viewValidationPlugin(views: DepartmentViews, format: Format): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const { contextValue: ctx, document, errors, response } = rc;
          // Refused in validation: a document, no operation resolved, every error a validation failure.
          if (rc.operation || !document || !ctx.identity || !errors?.length || response.body.kind !== 'single') return;
          if (!errors.every((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED') || !errors.some(fromSpecifiedRule)) return;
          const answered = response.body.singleResult.errors;
          if (!answered || answered.length !== errors.length) return;
          let again: readonly GraphQLError[];
          try {
            again = validate(await views.schemaFor(ctx.published, ctx.identity.dept), document, specifiedRules);
          } catch {
            return; // the view could not be built: the answer as it was
          }
          // A document invalid in the whole schema is invalid in a part of it; should none be found, the
          // answer stays as it was rather than seem to pass.
          if (again.length === 0) return;
          const kept = answered.filter((_, i) => !fromSpecifiedRule(errors[i]));
          const viewed = again.map((e) => format({ message: e.message, locations: e.locations, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, e));
          response.body.singleResult.errors = [...kept, ...viewed];
        },
      };
    },
  };
}
