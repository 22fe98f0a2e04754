// The response fields of selection sets, as graphql-js's collectFields makes them, for the cost walk.
import { Kind, isObjectType, type FieldNode, type GraphQLNamedType, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { runsUnder } from './conditions.ts';
import { WalkGaveUp, type CostWalk } from './cost-walk.ts';

/**
 * One response field, as graphql-js's collectFields makes it: every field node of a selection under one
 * response key (alias or name) that @skip/@include leave in, whichever fragment brought it in. They hold
 * one value, whose children are the union of their selections (graphql merges them:
 * `a: list(first: 100) { x } a: list(first: 100) { x }`, `x x`, or one field in two fragments spread on one
 * type are one response field, and OverlappingFieldsCanBeMerged refuses nodes it could not merge). `type`
 * is the type the nodes are selected on; `via` the fragments on the way to them (a fragment spread again
 * below them is a cycle, refused by graphql's own rule: here it just stops).
 */
export interface ResponseField {
  type: GraphQLNamedType;
  /** The nodes that run (graphql's collection). */
  nodes: FieldNode[];
  /** With the nodes a condition leaves out, when the walk counts aliases. */
  all: Set<FieldNode>;
  via?: Set<string>;
}

/** A selection set to collect, and whether it runs (false: walked for its aliases only). */
export interface Selected {
  set: SelectionSetNode;
  runs: boolean;
}

/**
 * The type the fields of a fragment on `condition` are selected on, within a selection on `parent`: an
 * object type parent is the only runtime type (a fragment on an interface it implements selects on it);
 * within an interface or a union, a fragment's own type. Fields on different object types of an abstract
 * parent never hold values of one element together: not merged, counted apart (more than either holds).
 */
const selectedOn = (parent: GraphQLNamedType, condition: GraphQLNamedType | null | undefined): GraphQLNamedType =>
  isObjectType(parent) || !condition ? parent : condition;

/**
 * The response fields of `sets` on `type`, as graphql-js collects them: selections @skip/@include leave
 * out dropped (runsUnder), fragments followed, a fragment spread once whatever its spreads (graphql's
 * visitedFragmentNames: a second spread of it adds nothing), nodes under one response key merged. When
 * the walk counts aliases, the selections left out are collected too, apart (`all`), once each.
 */
export function collect(sets: Selected[], type: GraphQLNamedType, walk: CostWalk, operation: OperationDefinitionNode): Map<string, ResponseField> {
  const fields = new Map<string, ResponseField>();
  const spread = new Set<string>(); // fragments spread where they run (graphql's visitedFragmentNames)
  const met = new Set<string>(); // fragments spread at all (for the aliases)
  const visit = (set: SelectionSetNode, on: GraphQLNamedType, via: string[], runs: boolean): void => {
    for (const sel of set.selections) {
      if (++walk.steps > walk.budget) throw new WalkGaveUp();
      const selRuns = runs && runsUnder(sel, walk, operation) === 'runs';
      if (!selRuns && !walk.aliases) continue;
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const name = sel.name.value;
        const fragment = walk.fragment(name);
        if (!fragment || walk.inFragments.has(name) || via.includes(name)) continue;
        if (selRuns ? spread.has(name) : met.has(name)) continue;
        if (selRuns) spread.add(name);
        met.add(name);
        visit(fragment.selectionSet, selectedOn(on, walk.schema.getType(fragment.typeCondition.name.value)), [...via, name], selRuns);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        visit(sel.selectionSet, selectedOn(on, sel.typeCondition && walk.schema.getType(sel.typeCondition.name.value)), via, selRuns);
      } else {
        const key = `${on.name}.${sel.alias?.value ?? sel.name.value}`;
        let field = fields.get(key);
        if (!field) fields.set(key, (field = { type: on, nodes: [], all: new Set() }));
        if (selRuns) field.nodes.push(sel);
        if (walk.aliases) field.all.add(sel);
        if (via.length) {
          field.via ??= new Set();
          for (const v of via) field.via.add(v);
        }
      }
    }
  };
  for (const { set, runs } of sets) visit(set, type, [], runs);
  return fields;
}
