// Locations for an error that graphql-js passed on without any: one that already knew its path when it was
// thrown (a connected platform's, placed by the delegation at the path of the client's document). graphql-js's
// locatedError keeps such an error as it is, where graphql-jit locates it at the field that threw: the same
// request answered `locations` compiled and none on graphql-js (test/jit-differential-platform.test.ts).
// Here the fields at its path are found in the operation as graphql-js collects them (fragments spread,
// @skip/@include decided under the request's variables), and their locations given, as graphql-js gives
// them for an error it locates itself.
import { getVariableValues } from 'graphql/execution/values.js';
import { shouldInclude } from '../generate/selection.ts';
import {
  getLocation, GraphQLError, Kind,
  type DocumentNode, type GraphQLSchema, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';

/** The fields of the operation at a response path (list indexes passed over), as graphql-js collects them. */
function fieldsAt(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>, path: readonly (string | number)[], variables: Record<string, unknown>): FieldNode[] {
  let sets: SelectionSetNode[] = [operation.selectionSet];
  let found: FieldNode[] = [];
  for (const key of path) {
    if (typeof key === 'number') continue;
    found = [];
    const spread = new Set<string>();
    const collect = (set: SelectionSetNode) => {
      for (const s of set.selections) {
        if (!shouldInclude(s, variables)) continue;
        if (s.kind === Kind.FIELD) {
          if ((s.alias?.value ?? s.name.value) === key) found.push(s);
        } else if (s.kind === Kind.INLINE_FRAGMENT) collect(s.selectionSet);
        else if (!spread.has(s.name.value) && fragments.has(s.name.value)) {
          spread.add(s.name.value);
          collect(fragments.get(s.name.value)!.selectionSet);
        }
      }
    };
    sets.forEach(collect);
    sets = found.flatMap((f) => (f.selectionSet ? [f.selectionSet] : []));
  }
  return found;
}

/** The errors, each without locations but with a path given the locations of the fields at its path. */
export function locateByPath(schema: GraphQLSchema, errors: readonly GraphQLError[], document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): GraphQLError[] {
  if (!errors.some((e) => e.locations === undefined && e.path !== undefined)) return [...errors];
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!operation) return [...errors];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  // The request's variables as graphql-js ran with them (defaults applied).
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (!coerced.coerced) return [...errors];
  const values = coerced.coerced;
  return errors.map((e) => {
    if (e.locations !== undefined || e.path === undefined) return e;
    const nodes = fieldsAt(operation, fragments, e.path, values);
    const locations = nodes.flatMap((n) => (n.loc ? [getLocation(n.loc.source, n.loc.start)] : []));
    if (locations.length) (e as { locations?: unknown }).locations = locations;
    return e;
  });
}
