// Walks of the schema in one operation. Introspection that walks the schema (`__schema { types }`, or a
// type's members under another type's members: walksSchema, ./turns.ts) is answered once per distinct
// selection (src/server/plugins/introspection-once.ts), but selections written otherwise are each worked
// out, and maxCost prices a type's `fields` at the schema's average per type: a namespace's types hold
// many times that. 30 aliases, each a walk of `queryType { fields { type { fields { ... } } } }` written a
// little differently, passed every limit and held the event loop 5 to 12 s on a large province, every
// other department's lookup waiting. A client needs the schema once: GraphiQL and graphql-codegen send one
// introspection query, one walk. An operation that walks it more than MAX_SCHEMA_WALKS times is refused
// before anything runs.
import {
  getVariableValues, GraphQLError, Kind, print,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields.js';
import { QUERY_TOO_COMPLEX } from './too-complex.ts';
import { schemaWalksWritten, walksTheSchema } from './turns.ts';

/** Distinct walks of the schema one operation may ask: an introspection query and one more. */
export const MAX_SCHEMA_WALKS = 2;

/**
 * What the nodes of one response key ask, their alias aside: arguments, variables (one value each in a
 * request), directives and selections (fragments by name, one definition each in a document). Keys that
 * ask alike are answered once.
 */
export function askedAlike(nodes: readonly FieldNode[]): string {
  return nodes.map((node) => print({ ...node, alias: undefined })).join('\n');
}

/**
 * How many distinct root fields of a query walk the schema, as graphql collects them (@skip/@include read
 * with the request's variables, fragments at the root opened), when more than MAX_SCHEMA_WALKS; those
 * written alike count once. Null within the bound, found without reading variables for nearly every
 * query (no walk written), or when graphql would refuse the variables (it refuses the request).
 */
export function schemaWalksOver(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): number | null {
  const root = schema.getQueryType();
  if (operation.operation !== 'query' || !root || schemaWalksWritten(document, operation) <= MAX_SCHEMA_WALKS) return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return null;
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const walks = new Set<string>();
  for (const nodes of collectFields(schema, fragments, coerced.coerced, root, operation.selectionSet).values()) {
    if (nodes.some((node) => walksTheSchema(document, node))) walks.add(askedAlike(nodes));
  }
  return walks.size > MAX_SCHEMA_WALKS ? walks.size : null;
}

/** The refusal of an operation walking the schema more than MAX_SCHEMA_WALKS times. */
export function tooManyWalks(walks: number): GraphQLError {
  return new GraphQLError(
    `The document is too complex: it walks the schema ${walks} times (each __schema or __type that lists types, or members of members, and is written otherwise counts once), over the limit of ${MAX_SCHEMA_WALKS} walks of the schema per operation. Send one introspection query: GraphiQL's or your code generator's reads the whole schema once.`,
    { extensions: { code: QUERY_TOO_COMPLEX, limit: 'schemaWalks', figure: walks, bound: MAX_SCHEMA_WALKS, http: { status: 400 } } },
  );
}
