// Introspection answered once per distinct selection (the introspection plugin, ./introspection.ts): the
// answer to an introspection field depends on the schema, its arguments and its selection only, so
// response keys that ask the same (`a1: __schema { types { … } } … a30: __schema { types { … } }`, written
// alike) are computed once and the answer put under each. Thirty such aliases of the whole schema, within
// every limit, made graphql build the same answer (megabytes, a second of the event loop) thirty times,
// holding every other department's query meanwhile. Selections that differ are answered each, as asked:
// the cost bound (maxCost) and the department's turns bound those as any query, and an operation walks
// the schema at most twice (src/limits/schema-walks.ts, counting keys asked alike once, as here).
import {
  execute, getVariableValues, GraphQLError, Kind,
  type DocumentNode, type ExecutionArgs, type ExecutionResult, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields.js';
import { askedAlike } from '../../limits/schema-walks.ts';

/** The root response keys of `operation` that ask the same as an earlier key: key -> the earlier key. */
function repeatedKeys(args: ExecutionArgs, operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>): {
  fields: Map<string, readonly FieldNode[]>;
  same: Map<string, string>;
} | null {
  const root = args.schema.getQueryType();
  if (!root) return null;
  // @skip/@include read as graphql reads them; variables graphql would refuse are left to its execute.
  const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], (args.variableValues ?? {}) as Record<string, unknown>);
  if (coerced.errors) return null;
  const fields = collectFields(args.schema, fragments, coerced.coerced, root, operation.selectionSet);
  const first = new Map<string, string>();
  const same = new Map<string, string>();
  for (const [key, nodes] of fields) {
    if (nodes[0].name.value === '__typename') continue; // reads nothing
    const asked = askedAlike(nodes);
    const earlier = first.get(asked);
    if (earlier === undefined) first.set(asked, key);
    else same.set(key, earlier);
  }
  return same.size > 0 ? { fields, same } : null;
}

/** graphql's execute of an introspection operation, each distinct root selection computed once. */
export async function executeIntrospection(args: ExecutionArgs): Promise<ExecutionResult> {
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
  const operations: OperationDefinitionNode[] = [];
  for (const d of args.document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    else if (d.kind === Kind.OPERATION_DEFINITION) operations.push(d);
  }
  const operation = args.operationName ? operations.find((o) => o.name?.value === args.operationName) : operations.length === 1 ? operations[0] : undefined;
  const repeated = operation?.operation === 'query' ? repeatedKeys(args, operation, fragments) : null;
  if (!operation || !repeated) return execute(args);
  // The operation asking each distinct field once, as collected (conditions already read true, fragments
  // at the root opened); the fragments stay for the selections below.
  const once: OperationDefinitionNode = {
    ...operation,
    selectionSet: {
      kind: Kind.SELECTION_SET,
      selections: [...repeated.fields].filter(([key]) => !repeated.same.has(key)).flatMap(([, nodes]) => nodes),
    },
  };
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [once, ...Object.values(fragments)] };
  const result = await execute({ ...args, document });
  const errors = result.errors && [...result.errors];
  for (const [key, earlier] of repeated.same) {
    for (const e of result.errors ?? []) {
      if (e.path?.[0] !== earlier) continue;
      errors!.push(new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: [key, ...e.path.slice(1)], originalError: e.originalError, extensions: e.extensions }));
    }
  }
  if (!result.data) return { ...result, ...(errors ? { errors } : {}) };
  // The response keys in the order the operation asks them, as graphql would give them.
  const data: Record<string, unknown> = {};
  for (const key of repeated.fields.keys()) data[key] = result.data[repeated.same.get(key) ?? key];
  return { ...result, data, ...(errors ? { errors } : {}) };
}
