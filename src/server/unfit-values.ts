// Stored values that do not fit their item's type in the catalogue in effect (SPEC §14 allows retyping an
// item, or dropping an enum value, with a warning; the records keep the values they were imported with
// until the provider imports them again). graphql-jit and graphql-js both serialise a leaf through its
// scalar or enum, which refuses such a value: the field answers null with an error per row that names the
// value. Those errors are recognised here, after execution and only when it produced errors (nothing is
// added to the work of a read), and replaced by one error per resource item and path pattern, like a
// denial, that names the item and says what to do, without the value.
//
// Recognised: an error without a code (every error of ours carries one) located at an item field of a
// resource type. Item fields have no resolver (the read plans shape the rows; a denial is an error value
// carrying its code), so nothing but the leaf's serialisation can fail there. The field is found from the
// error's path through the document (aliases and fragments), once per path pattern.
import {
  GraphQLError, Kind, getNamedType, isObjectType, type DocumentNode, type FieldNode, type FragmentDefinitionNode,
  type GraphQLObjectType, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import type { SchemaModel } from '../generate/model.ts';
import { withoutStack } from '../rules/errors.ts';

/** The code of the error: the stored state conflicts with the catalogue in effect (SPEC §8's list is closed). */
export const UNFIT_VALUE_CODE = 'CONFLICT';

export function unfitValueMessage(resource: string, item: string, type: string, provider: string): string {
  return `Stored values of item ${item} of ${resource} do not fit its type in the catalogue in effect (${type}); ` +
    `the provider ${provider} must import the records of ${resource} again.`;
}

type Located = { parent: GraphQLObjectType; field: string; nodes: FieldNode[] };

/**
 * The field an error's path leads to: its parent object type, its name (not its alias) and its nodes in
 * the document. Undefined when the path does not lead to a field of an object type.
 */
export function fieldAtPath(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, path: readonly (string | number)[]): Located | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  const root = op && schema.getRootType(op.operation);
  if (!op || !root) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let parent: GraphQLObjectType = root;
  let sets: readonly SelectionSetNode[] = [op.selectionSet];
  const keys = path.filter((p): p is string => typeof p === 'string');
  for (let k = 0; k < keys.length; k++) {
    const found = fieldsByKey(schema, parent, sets, keys[k], fragments);
    if (!found) return undefined;
    const def = found.parent.getFields()[found.nodes[0].name.value];
    if (!def) return undefined;
    if (k === keys.length - 1) return { parent: found.parent, field: def.name, nodes: found.nodes };
    const next = getNamedType(def.type);
    if (!isObjectType(next)) return undefined;
    parent = next;
    sets = found.nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  }
  return undefined;
}

/** The field nodes answering `key` in these selection sets, through fragments, and the object type they select on. */
function fieldsByKey(
  schema: GraphQLSchema, parent: GraphQLObjectType, sets: readonly SelectionSetNode[], key: string, fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): { parent: GraphQLObjectType; nodes: FieldNode[] } | undefined {
  const nodes: FieldNode[] = [];
  let on = parent;
  const visit = (set: SelectionSetNode, type: GraphQLObjectType, depth: number) => {
    if (depth > 50) return;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if ((s.alias?.value ?? s.name.value) === key) {
          if (!nodes.length) on = type;
          nodes.push(s);
        }
        continue;
      }
      const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : fragments.get(s.name.value);
      if (!fragment) continue;
      const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : undefined;
      visit(fragment.selectionSet, condition && isObjectType(condition) ? condition : type, depth + 1);
    }
  };
  for (const set of sets) visit(set, parent, 0);
  return nodes.length ? { parent: on, nodes } : undefined;
}

const pattern = (path: readonly (string | number)[]): string => path.map((p) => (typeof p === 'number' ? '*' : p)).join('.');

/**
 * The errors of an execution with each leaf serialisation error at a resource item replaced by the one
 * error of its item and path pattern (the same object for every row: dedupeErrors then keeps one). The
 * array itself when there is none.
 */
export function replaceUnfitValues<E extends GraphQLError>(
  errors: readonly E[], model: SchemaModel, schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined,
): readonly (E | GraphQLError)[] {
  let out: (E | GraphQLError)[] | undefined;
  let byPattern: Map<string, GraphQLError | null> | undefined;
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i];
    if (e.extensions?.code !== undefined || !e.path?.length) continue;
    byPattern ??= new Map();
    const key = pattern(e.path);
    let replacement = byPattern.get(key);
    if (replacement === undefined) {
      replacement = unfitValueError(e, model, schema, document, operationName);
      byPattern.set(key, replacement);
    }
    if (!replacement) continue;
    out ??= errors.slice();
    out[i] = replacement;
  }
  return out ?? errors;
}

function unfitValueError(e: GraphQLError, model: SchemaModel, schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): GraphQLError | null {
  const at = fieldAtPath(schema, document, operationName, e.path!);
  const resource = at && model.byType.get(at.parent.name);
  const item = resource?.items.get(at!.field);
  if (!resource || !item) return null;
  const code = resource.resource.code;
  return withoutStack(() => new GraphQLError(unfitValueMessage(code, item.name, item.type, resource.provider.code), {
    nodes: at!.nodes,
    path: e.path,
    extensions: { code: UNFIT_VALUE_CODE, resource: code, item: item.name },
  }));
}
