// The refusal of an invalid document, or of a variable's value, as the department's view of the schema
// gives it (SPEC §15). Apollo validates every document against the gateway's whole schema, so that a read
// of an item the department may never read runs and is denied with its code (SPEC §6). graphql's own
// messages for a document that fails there name what the department did not write, out of that whole
// schema: the key argument of a lookup left out ("argument "alias" of type "String!" is required"), the
// type of an item the view leaves out ("type "String" has no subfields", "used in position expecting type
// "String""). A refused document is checked again against the department's view (plugins/introspection.ts)
// and answered with those errors: they name only what the view holds. The limits' own refusals
// (QUERY_TOO_COMPLEX, introspection turned off) stay as they are.
// So are the variables of a valid document that do not coerce (graphql's getVariableValues, before anything
// runs): coerced against the whole schema, a filter sent as a variable named the type of an item the view
// leaves out (`{ criminalNote: { gt: 5 } }`: 'Field "gt" is not defined by type "StringFilter"', `{ eq: 5 }`:
// 'String cannot represent a non string value'), as the same filter written in the document no longer did.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, getVariableValues, specifiedRules, validate, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { RequestContext } from '../../../resolvers/request.ts';
import type { DepartmentViews } from './introspection.ts';

type Format = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** Whether a validation error is one of graphql's own rules (no extensions), not a limit's or Apollo's. */
function fromSpecifiedRule(error: GraphQLError): boolean {
  const original = error.originalError instanceof GraphQLError ? error.originalError : error;
  return Object.keys(original.extensions ?? {}).length === 0;
}

/** Whether an error is graphql's refusal of a variable's value (Apollo codes it BAD_USER_INPUT): it names its definition. */
const refusedVariable = (error: GraphQLError): boolean =>
  error.extensions?.code === 'BAD_USER_INPUT' && error.nodes?.length === 1 && error.nodes[0].kind === Kind.VARIABLE_DEFINITION;

export function viewValidationPlugin(views: DepartmentViews, format: Format): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const { contextValue: ctx, document, errors, response } = rc;
          if (!document || !ctx.identity || !errors?.length || response.body.kind !== 'single') return;
          const answered = response.body.singleResult.errors;
          if (!answered || answered.length !== errors.length) return;
          let view: GraphQLSchema;
          const viewOf = async () => (view ??= await views.schemaFor(ctx.published, ctx.identity!.dept));
          let again: readonly GraphQLError[];
          let ours: (e: GraphQLError) => boolean;
          let code: string;
          if (!rc.operation) {
            // Refused in validation: a document, no operation resolved, every error a validation failure.
            if (!errors.every((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED') || !errors.some(fromSpecifiedRule)) return;
            ours = fromSpecifiedRule;
            code = 'GRAPHQL_VALIDATION_FAILED';
            try {
              again = validate(await viewOf(), document, specifiedRules);
            } catch {
              return; // the view could not be built: the answer as it was
            }
          } else {
            // Refused as its variables were coerced: nothing ran (no data), an error naming a variable's definition.
            if ('data' in response.body.singleResult && response.body.singleResult.data !== undefined) return;
            if (!errors.some(refusedVariable)) return;
            ours = refusedVariable;
            code = 'BAD_USER_INPUT';
            try {
              const coerced = getVariableValues(await viewOf(), rc.operation.variableDefinitions ?? [], rc.request.variables ?? {});
              again = coerced.errors ?? [];
            } catch {
              return;
            }
          }
          // Invalid in the whole schema is invalid in a part of it; should nothing be found, the answer stays
          // as it was rather than seem to pass.
          if (again.length === 0) return;
          const kept = answered.filter((_, i) => !ours(errors[i]));
          const viewed = again.map((e) => format({ message: e.message, locations: e.locations, extensions: { code } }, e));
          response.body.singleResult.errors = [...kept, ...viewed];
        },
      };
    },
  };
}
