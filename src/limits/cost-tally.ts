// The cost walk (SPEC §13, maxCost and maxAliases): the field values a selection's response may hold,
// estimated from `first` (or the page maximum), and the aliases it holds, counted by the same walk
// (graphql's field collection): graphql-armor's max-aliases counted every aliased node spread by spread,
// so one fragment of two aliases spread twice at one level was 4 aliases, though its response holds 2.
import {
  getNamedType,
  getNullableType,
  isInterfaceType,
  isIntrospectionType,
  isListType,
  isObjectType,
  type GraphQLNamedType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { capped, setId, type CostWalk, type Tally } from './cost-walk.ts';
import { introspectionSizesOf } from './introspection-sizes.ts';
import { pageOf, UNPAGED_LIST_ESTIMATE } from './pages.ts';
import { collect, type ResponseField, type Selected } from './response-fields.ts';

/**
 * The field whose aliases are not counted: graphql-armor's allow-list, kept (an alias of `__typename`
 * reads nothing, and maxTokens bounds how many a document holds; graphql-tools' delegation asks
 * `__typename` under an alias). A field of data aliased *as* `__typename` is counted like any alias.
 */
const ALIAS_ALLOWED = '__typename';

/**
 * Values under one instance of `type` for `sets` (each response field one value, a list field's children
 * once per element); `page` is the `first` of the field just above (a connection's `nodes` list). And,
 * when the walk counts them, the aliases the response holds there: one for each response key that is
 * not its field's name (one key however many nodes or fragment spreads bring it in; a key on two types
 * of an interface or a union once, as one element holds one), with those of every response field below,
 * once per response field (not per list element: an alias is counted where the document writes it).
 * A selection @skip/@include leaves out counts its aliases: the count is made once per document, and
 * nothing counts them again per request.
 */
export function selectionTally(sets: Selected[], type: GraphQLNamedType, walk: CostWalk, operation: OperationDefinitionNode, page: number | undefined): Tally {
  let cost = 0;
  let aliases = 0;
  const aliased = new Set<string>();
  for (const field of collect(sets, type, walk, operation).values()) {
    const below = fieldTally(field, walk, operation, page);
    if (field.nodes.length > 0) cost = capped(cost + below.cost);
    if (!walk.aliases) continue;
    aliases = capped(aliases + below.aliases);
    const [node] = field.all;
    if (node.alias && node.alias.value !== node.name.value && node.name.value !== ALIAS_ALLOWED) aliased.add(node.alias.value);
  }
  return { cost, aliases: capped(aliases + aliased.size) };
}

export const selectionCost = (sets: SelectionSetNode[], type: GraphQLNamedType, walk: CostWalk, operation: OperationDefinitionNode, page: number | undefined): number =>
  selectionTally(sets.map((set) => ({ set, runs: true })), type, walk, operation, page).cost;

/**
 * The values of one response field: one, and its children once per element of a list; and the aliases
 * below it (those of the nodes a condition leaves out too, when the walk counts aliases).
 */
function fieldTally(field: ResponseField, walk: CostWalk, operation: OperationDefinitionNode, page: number | undefined): Tally {
  const { type } = field;
  const children: Selected[] = [];
  const running = new Set(field.nodes);
  for (const node of walk.aliases ? field.all : field.nodes) {
    if (node.selectionSet) children.push({ set: node.selectionSet, runs: running.has(node) });
  }
  if (children.length === 0) return { cost: 1, aliases: 0 };
  const typeFields = isObjectType(type) || isInterfaceType(type) ? type.getFields() : undefined;
  const name = (field.nodes[0] ?? [...field.all][0]).name.value;
  const def = typeFields?.[name] ?? (name === '__schema' ? walk.schema.getQueryType()?.getFields()['__schema'] : undefined);
  let fieldType: GraphQLNamedType | undefined;
  let size = 1;
  let list = false;
  let childPage: number | undefined;
  if (name === '__schema') fieldType = walk.schema.getType('__Schema');
  else if (name === '__type') fieldType = walk.schema.getType('__Type');
  if (def) {
    fieldType = getNamedType(def.type);
    // Merged nodes take the same arguments (graphql refuses them otherwise): the largest page, to be safe.
    // Only the nodes that run: a field left out holds no value whatever its page.
    let ownPage: number | undefined;
    for (const node of field.nodes) {
      const p = pageOf(def, node, walk, operation);
      if (p !== undefined) ownPage = Math.max(ownPage ?? 0, p);
    }
    if (isListType(getNullableType(def.type))) {
      list = true;
      size = isIntrospectionType(type)
        ? introspectionSizesOf(walk.schema).get(`${type.name}.${name}`) ?? UNPAGED_LIST_ESTIMATE
        : ownPage ?? page ?? UNPAGED_LIST_ESTIMATE;
    } else {
      childPage = ownPage; // a connection: its `nodes` list holds `first` elements
    }
  }
  if (!fieldType) return { cost: 1, aliases: 0 }; // unknown field: graphql's own rules report it
  // The tally of the same selection sets under the same type and page is the same: kept for the walk, so
  // that fragments spreading each other twice over at different response keys are walked once each (n
  // nested fragments each spreading the next under two aliases cost 2^n, but take n steps).
  let key = `${fieldType.name} ${childPage}`;
  for (const c of children) key += ` ${setId(walk, c.set)}${c.runs ? '' : '?'}`;
  let below = walk.costs.get(key);
  if (below === undefined) {
    const entered = field.via ? [...field.via].filter((v) => !walk.inFragments.has(v)) : [];
    for (const v of entered) walk.inFragments.add(v);
    below = selectionTally(children, fieldType, walk, operation, childPage);
    for (const v of entered) walk.inFragments.delete(v);
    walk.costs.set(key, below);
  }
  // Each element of a list is a value of the response (`{}` when nothing under it runs): at least 1, or a
  // list whose selection @skip/@include leaves empty read a whole page, or a whole unpaged list, for 1.
  const each = list ? Math.max(1, below.cost) : below.cost;
  return { cost: capped(1 + size * each), aliases: below.aliases };
}
