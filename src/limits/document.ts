// Limits on a document (SPEC §13), as GraphQL validation rules: Apollo validates a document once and keeps
// it in its document cache, so this analysis runs once per document, not once per request.
//
// - depth: graphql-armor's rule (fragments followed), its refusal re-worded;
// - tokens: graphql-js's own parser limit (Apollo's `parseOptions.maxTokens`), see tokenLimitError;
// - cost: the field values the response may hold, estimated from `first` (or the page maximum), below;
// - aliases: the aliases the response holds, counted by the same walk as the cost (graphql's field
//   collection): graphql-armor's max-aliases counted every aliased node spread by spread, so one fragment
//   of two aliases spread twice at one level was 4 aliases, though its response holds 2.
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  GraphQLError,
  GraphQLBoolean,
  Kind,
  Lexer,
  Source,
  TokenKind,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  isIntrospectionType,
  isEnumType,
  isInputObjectType,
  isUnionType,
  valueFromAST,
  visit,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import type { Limits } from '../model/platform.ts';
import { fieldNodesThatRun } from '../generate/selection.ts';

export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/** A document over a limit: the message names the limit, the document's figure and the bound. */
export function tooComplex(limit: string, what: string, figure: number | string, bound: number, nodes?: FieldNode | OperationDefinitionNode): GraphQLError {
  return new GraphQLError(
    `The document is too complex: its ${what} is ${figure}, over the limit ${limit} = ${bound}. Split it into smaller requests.`,
    { nodes, extensions: { code: QUERY_TOO_COMPLEX, limit, figure, bound, http: { status: 400 } } },
  );
}

/** graphql-armor's refusals say "..., found N."; the figure of the document. */
const figureOf = (error: GraphQLError): number | string => {
  const found = /found (-?\d+)/.exec(error.message)?.[1];
  return found === undefined ? 'more' : Number(found);
};

function depthRule(bound: number): ValidationRule {
  return (context) =>
    maxDepthRule({
      n: bound,
      flattenFragments: true, // a fragment spread is not a level: its fields are
      ignoreIntrospection: false, // introspection counts like any other query (SPEC §13)
      propagateOnRejection: false,
      onReject: [(_ctx, error) => context.reportError(tooComplex('maxDepth', 'selection depth', figureOf(error), bound))],
    })(context) as unknown as ASTVisitor;
}

/**
 * The Lexer counts tokens of a document the parser gave up on (graphql-js stops at the limit, so its own
 * error says only "more than"): the figure for the message. It stops past `most`: counting all of a
 * megabyte of tokens took 150-300 ms of the event loop (a token object each) for every refused request.
 */
export function countTokens(body: string, most = Infinity): number {
  const lexer = new Lexer(new Source(body));
  let n = 0;
  try {
    while (n <= most && lexer.advance().kind !== TokenKind.EOF) n++;
  } catch {
    return n; // a lexical error past the limit: count what came before
  }
  return n;
}

/** How far past maxTokens a refused document's tokens are counted for its message: twice the bound. */
const TOKENS_COUNTED = 2;

/**
 * graphql-js's refusal of a document over `maxTokens` ("Document contains more than N tokens"), reworded
 * as QUERY_TOO_COMPLEX with the document's count, or "more than" twice the bound for a longer one;
 * undefined for any other error.
 */
export function tokenLimitError(error: unknown, bound: number): GraphQLError | undefined {
  if (!(error instanceof GraphQLError) || !/Document contains more tha[nt] \d+ tokens/.test(error.message)) return undefined;
  const most = TOKENS_COUNTED * bound;
  const counted = error.source ? countTokens(error.source.body, most) : Infinity;
  return tooComplex('maxTokens', 'number of lexical tokens', counted > most ? `more than ${most}` : counted, bound);
}

/**
 * Documents graphql itself gives up on, within maxTokens: its parser runs out of stack on values or
 * selections nested a thousand deep, its validation stops at its own work budget (one field repeated
 * hundreds of times at one level, or fragments spread over and over), and its MaxIntrospectionDepthRule
 * refuses an introspection that nests the type lists (`fields`, `inputFields`, `interfaces`,
 * `possibleTypes`) three deep, however far below maxDepth. Apollo answers them with graphql's bare words
 * ("Maximum call stack size exceeded", "Validation aborted.", "Maximum introspection depth exceeded", the
 * last as GRAPHQL_VALIDATION_FAILED, so that no audit entry recorded the refusal); here they are
 * QUERY_TOO_COMPLEX in a sentence, as a document over one of the platform's limits is. Undefined for any
 * other error.
 */
export function gaveUpError(code: string | undefined, error: unknown): GraphQLError | undefined {
  const validation = code === 'GRAPHQL_VALIDATION_FAILED' && error instanceof GraphQLError ? error.message : undefined;
  const what = code === 'GRAPHQL_PARSE_FAILED' && outOfStack(error) ? 'its values or selections are nested too deeply for the parser'
    : validation === 'Validation aborted.' ? 'it repeats fields or fragments too often to be checked'
      : validation === 'Maximum introspection depth exceeded' ? 'its introspection nests the lists fields, inputFields, interfaces and possibleTypes three deep (two at most: ask for the types one level at a time)'
        : undefined;
  return what === undefined ? undefined : new GraphQLError(`The document is too complex: ${what}. Split it into smaller requests.`, { extensions: { code: QUERY_TOO_COMPLEX } });
}

function outOfStack(error: unknown): boolean {
  for (let e = error, n = 0; e instanceof Error && n < 5; e = (e as GraphQLError).originalError ?? e.cause, n++) {
    if (e instanceof RangeError) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Cost: field values the response may hold.

/**
 * Size assumed for a list field that takes no `first` (the platform's own lists: catalogues, grants, an
 * audit entry's resources, ...): the default page.
 */
export const UNPAGED_LIST_ESTIMATE = 20;

/**
 * Sizes of the introspection lists, from the schema itself: on average, what each parent holds (so that an
 * introspection query costs about what its answer holds). Computed once per schema.
 */
const introspectionSizes = new WeakMap<GraphQLSchema, Map<string, number>>();

function introspectionSizesOf(schema: GraphQLSchema): Map<string, number> {
  let sizes = introspectionSizes.get(schema);
  if (sizes) return sizes;
  const types = Object.values(schema.getTypeMap());
  let fields = 0, args = 0, inputFields = 0, enumValues = 0, interfaces = 0, possible = 0;
  for (const t of types) {
    if (isObjectType(t) || isInterfaceType(t)) {
      const fs = Object.values(t.getFields());
      fields += fs.length;
      args += fs.reduce((n, f) => n + f.args.length, 0);
      interfaces += t.getInterfaces().length;
    }
    if (isEnumType(t)) enumValues += t.getValues().length;
    if (isInputObjectType(t)) inputFields += Object.keys(t.getFields()).length;
    if (isUnionType(t)) possible += t.getTypes().length;
  }
  const directives = schema.getDirectives();
  const perType = (n: number) => Math.max(1, Math.ceil(n / types.length));
  sizes = new Map([
    ['__Schema.types', types.length],
    ['__Schema.directives', directives.length],
    ['__Type.fields', perType(fields)],
    ['__Type.inputFields', perType(inputFields)],
    ['__Type.enumValues', perType(enumValues)],
    ['__Type.interfaces', perType(interfaces)],
    ['__Type.possibleTypes', perType(possible)],
    ['__Field.args', Math.max(1, Math.ceil(args / Math.max(1, fields)))],
    ['__Directive.args', Math.max(1, Math.ceil(directives.reduce((n, d) => n + d.args.length, 0) / Math.max(1, directives.length)))],
  ]);
  introspectionSizes.set(schema, sizes);
  return sizes;
}

interface CostWalk {
  fragment(name: string): FragmentDefinitionNode | undefined;
  schema: GraphQLSchema;
  maxPage: number;
  /** The request's variables; undefined while validating, when a variable `first` makes the cost dynamic. */
  variables?: Record<string, unknown>;
  dynamic: boolean;
  /** Fragments on the current path (a cycle is refused by graphql's own rule; here it just stops). */
  inFragments: Set<string>;
  /**
   * The cost of the children of each response field by the selection sets merged into it, the type
   * and page, within this walk (one document, one set of variables): a fragment spread many times, or
   * fragments that spread each other twice over, are walked once each, so the walk is bounded by the
   * document's size (n nested fragments each spreading the next twice cost 2^n, but take n steps).
   */
  costs: Map<string, Tally>;
  /** A number for each selection set met, for the keys of `costs`. */
  setIds: Map<SelectionSetNode, number>;
  /**
   * Whether the walk also counts aliases (validation): then selections @skip/@include leave out are
   * walked too, for their aliases only (they add no value). A request's walk (variables known) leaves
   * them out.
   */
  aliases: boolean;
  /** Selections collected so far, and how many the walk may collect before it gives up (WalkGaveUp). */
  steps: number;
  budget: number;
}

/**
 * Selections the validation walk collects, at most, for a document whose fields selected are already over
 * maxCost (refused whatever the walk finds): about 20-50 ms. Merging fields as graphql does, the walk
 * takes a step per selection for each distinct set of selection sets merged under a response key, and
 * fragments that spread each other in different combinations make those sets grow with the document's
 * depth: 56 fragments of 8 aliases, 4,000 tokens, took 600 ms of the event loop (2.2 million steps) before
 * refusing. A document within maxCost takes no more steps than its fields selected (each step is a path
 * of spreads to a field, which fieldsSelected counts), so only a document refused anyway is cut short.
 */
const WALK_STEPS = 50_000;

/** The walk ran past its budget: the document is refused for its fields selected, figures unknown. */
class WalkGaveUp extends Error {}

/** What the walk finds under a selection: the values it may hold and the aliases it holds. */
interface Tally {
  cost: number;
  aliases: number;
}

/**
 * The field whose aliases are not counted: graphql-armor's allow-list, kept (an alias of `__typename`
 * reads nothing, and maxTokens bounds how many a document holds; graphql-tools' delegation asks
 * `__typename` under an alias). A field of data aliased *as* `__typename` is counted like any alias.
 */
const ALIAS_ALLOWED = '__typename';

/**
 * Costs stop growing here: a figure this large is over every bound, and past it (a few dozen nested
 * fragments spread twice each) sums and products would lose their precision, then become Infinity.
 */
export const COST_CEILING = Number.MAX_SAFE_INTEGER;
const capped = (n: number): number => Math.min(n, COST_CEILING);

/**
 * The page a field with `first` asks for: the literal or the variable's value (sent, else its default);
 * left out or null, the field's default, as the resolvers take it; anything else, the page maximum.
 */
function pageOf(field: GraphQLField<unknown, unknown>, node: FieldNode, walk: CostWalk, operation: OperationDefinitionNode): number | undefined {
  const def = field.args.find((a) => a.name === 'first');
  if (!def) return undefined;
  const page = (value: unknown): number =>
    typeof value === 'number' ? Math.max(0, Math.min(value, walk.maxPage))
      : value == null && typeof def.defaultValue === 'number' ? def.defaultValue
        : walk.maxPage;
  const arg = node.arguments?.find((a) => a.name.value === 'first');
  if (!arg) return page(undefined);
  if (arg.value.kind === Kind.VARIABLE) {
    // Known only with the request's variables: while validating, the least it can be (so that only a
    // document over the bound whatever its variables is refused there); per request, its value. A
    // variable sent as null is null, whatever its default.
    const name = arg.value.name.value;
    if (!walk.variables) {
      walk.dynamic = true;
      return 0;
    }
    const v = operation.variableDefinitions?.find((d) => d.variable.name.value === name);
    return page(Object.hasOwn(walk.variables, name) ? walk.variables[name] : v?.defaultValue ? valueFromAST(v.defaultValue, def.type) : undefined);
  }
  return page(valueFromAST(arg.value, def.type));
}

/** The value a variable has in the walk's request: sent, else its default; undefined when neither. */
function variableValue(name: string, walk: CostWalk, operation: OperationDefinitionNode, type: GraphQLInputType): unknown {
  if (Object.hasOwn(walk.variables!, name)) return walk.variables![name];
  const v = operation.variableDefinitions?.find((d) => d.variable.name.value === name);
  return v?.defaultValue ? valueFromAST(v.defaultValue, type) : undefined;
}

/**
 * Whether graphql-js executes `sel` (its shouldIncludeNode: skipped when @skip's `if` is true or
 * @include's is false). A condition on a variable is known only with the request's variables: while
 * validating, the selection is taken as skipped (the least the document can cost, as for a variable
 * `first`) and the cost marked dynamic, so that each request counts it under its own variables. A
 * condition that cannot be read as true or false (a value graphql will refuse, a directive written twice)
 * is 'runs': the limit never leaves out what it cannot show is left out.
 */
function runsUnder(sel: SelectionNode, walk: CostWalk, operation: OperationDefinitionNode): 'runs' | 'skipped' {
  let skipped = false;
  for (const directive of sel.directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    if (sel.directives!.filter((d) => d.name.value === name).length > 1) return 'runs';
    const arg = directive.arguments?.find((a) => a.name.value === 'if');
    if (!arg) return 'runs';
    let value: unknown;
    if (arg.value.kind === Kind.VARIABLE) {
      if (!walk.variables) {
        walk.dynamic = true;
        skipped = true;
        continue;
      }
      value = variableValue(arg.value.name.value, walk, operation, GraphQLBoolean);
    } else {
      value = arg.value.kind === Kind.BOOLEAN ? arg.value.value : undefined;
    }
    if (typeof value !== 'boolean') return 'runs';
    if (value === (name === 'skip')) skipped = true;
  }
  return skipped ? 'skipped' : 'runs';
}

/**
 * One response field, as graphql-js's collectFields makes it: every field node of a selection under one
 * response key (alias or name) that @skip/@include leave in, whichever fragment brought it in. They hold
 * one value, whose children are the union of their selections (graphql merges them:
 * `a: list(first: 100) { x } a: list(first: 100) { x }`, `x x`, or one field in two fragments spread on one
 * type are one response field, and OverlappingFieldsCanBeMerged refuses nodes it could not merge). `type`
 * is the type the nodes are selected on; `via` the fragments on the way to them (a fragment spread again
 * below them is a cycle, refused by graphql's own rule: here it just stops).
 */
interface ResponseField {
  type: GraphQLNamedType;
  /** The nodes that run (graphql's collection). */
  nodes: FieldNode[];
  /** With the nodes a condition leaves out, when the walk counts aliases. */
  all: Set<FieldNode>;
  via?: Set<string>;
}

/** A selection set to collect, and whether it runs (false: walked for its aliases only). */
interface Selected {
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
function collect(sets: Selected[], type: GraphQLNamedType, walk: CostWalk, operation: OperationDefinitionNode): Map<string, ResponseField> {
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
function selectionTally(sets: Selected[], type: GraphQLNamedType, walk: CostWalk, operation: OperationDefinitionNode, page: number | undefined): Tally {
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

const selectionCost = (sets: SelectionSetNode[], type: GraphQLNamedType, walk: CostWalk, operation: OperationDefinitionNode, page: number | undefined): number =>
  selectionTally(sets.map((set) => ({ set, runs: true })), type, walk, operation, page).cost;

/** A number for each selection set of the walk's document, to key the costs of merged selections by. */
function setId(walk: CostWalk, set: SelectionSetNode): number {
  let id = walk.setIds.get(set);
  if (id === undefined) walk.setIds.set(set, (id = walk.setIds.size));
  return id;
}

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
  return { cost: capped(1 + size * below.cost), aliases: below.aliases };
}

/**
 * The fields a selection set selects, fragments followed spread by spread (a fragment spread twice counts
 * twice), @skip/@include not read: what graphql-jit walks compiling the operation (its compilation walks
 * each spread, not each response field: 22 nested fragments each spreading the next twice, four response
 * values, took it 6 s). A list with `first: 0` holds nothing, and fields left out by @skip hold nothing,
 * but below them such fragments still make millions of fields of a one-kilobyte document. Kept per
 * selection set in `counted` (a fragment's is its own), so that it takes a step per selection of the
 * document; `path` holds the fragments on the way (a cycle, refused by graphql's own rule, just stops).
 */
function fieldsSelected(set: SelectionSetNode, fragment: (name: string) => FragmentDefinitionNode | undefined, counted: Map<SelectionSetNode, number>, path = new Set<string>()): number {
  const known = counted.get(set);
  if (known !== undefined) return known;
  let n = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) n = capped(n + 1 + (sel.selectionSet ? fieldsSelected(sel.selectionSet, fragment, counted, path) : 0));
    else if (sel.kind === Kind.INLINE_FRAGMENT) n = capped(n + fieldsSelected(sel.selectionSet, fragment, counted, path));
    else {
      const spread = fragment(sel.name.value);
      if (!spread || path.has(sel.name.value)) continue;
      path.add(sel.name.value);
      n = capped(n + fieldsSelected(spread.selectionSet, fragment, counted, path));
      path.delete(sel.name.value);
    }
  }
  counted.set(set, n);
  return n;
}

/**
 * The values one element of a list field holds, as the cost walk counts them: its selection (fragments
 * followed, the request's variables giving the pages below it) under the list's element type. For a list
 * whose length the cost could only estimate (UNPAGED_LIST_ESTIMATE), once it is read (src/limits/unpaged.ts).
 */
export function elementCost(
  info: Pick<GraphQLResolveInfo, 'schema' | 'fragments' | 'operation' | 'fieldNodes' | 'returnType' | 'variableValues'>,
  maxPage: number,
): number {
  const type = getNamedType(info.returnType);
  const walk: CostWalk = {
    fragment: (name) => info.fragments[name], schema: info.schema, maxPage, variables: info.variableValues, dynamic: false, inFragments: new Set(), costs: new Map(), setIds: new Map(), aliases: false,
    steps: 0, budget: Infinity,
  };
  // Only the nodes that run: graphql-jit hands the resolver a skipped duplicate of the list too, and
  // `resources { code } resources @include(if: $no) { … }` counted what `$no: false` leaves out. The
  // nodes that run are merged into one element, as graphql merges them.
  const sets = fieldNodesThatRun(info).flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  return selectionCost(sets, type, walk, info.operation, undefined);
}

/**
 * The cost of each operation of a validated document, kept with the document; `dynamic` when a
 * variable `first` makes its cost depend on the request (then `cost` is the least it can be, and `byPages`
 * keeps the costs of the last few values of those variables).
 */
interface KnownCost {
  cost: number;
  dynamic: boolean;
  /** The aliases the response holds (conditions not read), counted when validating: see selectionTally. */
  aliases?: number;
  /** The variables given to a `first` anywhere in the document, by name. */
  pageVariables?: string[];
  byPages?: Map<string, number>;
}
const costs = new WeakMap<OperationDefinitionNode, KnownCost>();

/** Costs kept per operation for distinct values of its `first` variables (most recent last). */
const PAGES_KEPT = 16;

function computeCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragment: CostWalk['fragment'],
  maxPage: number,
  variables?: Record<string, unknown>,
  budget = Infinity,
): KnownCost {
  const root = operation.operation === 'query' ? schema.getQueryType()
    : operation.operation === 'mutation' ? schema.getMutationType()
      : schema.getSubscriptionType();
  if (!root) return { cost: 0, dynamic: false, aliases: 0 };
  // Aliases are counted once per document, while validating (no variables): one walk gives both figures.
  const aliases = variables === undefined;
  const walk: CostWalk = { fragment, schema, maxPage, variables, dynamic: false, inFragments: new Set(), costs: new Map(), setIds: new Map(), aliases, steps: 0, budget };
  const tally = selectionTally([{ set: operation.selectionSet, runs: true }], root, walk, operation, undefined);
  return { cost: tally.cost, dynamic: walk.dynamic, aliases: aliases ? tally.aliases : undefined };
}

/**
 * The names of the variables given to a `first`, or to the `if` of a @skip or @include, anywhere in the
 * document: all a dynamic cost depends on.
 */
function pageVariablesOf(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Field(field) {
      const first = field.arguments?.find((a) => a.name.value === 'first');
      if (first?.value.kind === Kind.VARIABLE) names.add(first.value.name.value);
    },
    Directive(directive) {
      if (directive.name.value !== 'skip' && directive.name.value !== 'include') return;
      const condition = directive.arguments?.find((a) => a.name.value === 'if');
      if (condition?.value.kind === Kind.VARIABLE) names.add(condition.value.name.value);
    },
  });
  return [...names].sort();
}

/**
 * The estimated cost of an operation under a request's variables: the one its validation computed (kept
 * with the document) unless a variable `first` makes it depend on the variables; then computed once per
 * value of those variables (the last few kept).
 */
export function costOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  maxPage: number,
  variables: Record<string, unknown> = {},
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const fragment = (n: string) => {
    if (fragments.size === 0) for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    return fragments.get(n);
  };
  let known = costs.get(operation);
  if (!known) costs.set(operation, (known = computeCost(schema, operation, fragment, maxPage)));
  if (!known.dynamic) return known.cost;
  known.pageVariables ??= pageVariablesOf(document);
  known.byPages ??= new Map();
  // What pageOf and runsUnder read of each: a number or a boolean, none sent (the variable's default
  // applies), null (the field's default page) or anything else (the page maximum, a field counted).
  const key = JSON.stringify(known.pageVariables.map((n) => {
    const v = variables[n];
    return typeof v === 'number' || typeof v === 'boolean' ? v : !Object.hasOwn(variables, n) || v === undefined ? 'none' : v === null ? null : '?';
  }));
  let cost = known.byPages.get(key);
  if (cost === undefined) {
    cost = computeCost(schema, operation, fragment, maxPage, variables).cost;
    if (known.byPages.size >= PAGES_KEPT) known.byPages.delete(known.byPages.keys().next().value!);
  } else {
    known.byPages.delete(key); // most recent last
  }
  known.byPages.set(key, cost);
  return cost;
}

/**
 * Whether the document's fragments spread each other in a cycle: graphql's NoFragmentCyclesRule refuses
 * it (GRAPHQL_VALIDATION_FAILED), and the walks below, which only stop at a fragment already on their
 * path, would take a step per path: 20 fragments spreading each other, 3,700 tokens, took 500 ms.
 */
function hasFragmentCycle(document: DocumentNode): boolean {
  const spreads = new Map<string, string[]>();
  for (const d of document.definitions) {
    if (d.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const names: string[] = [];
    visit(d.selectionSet, { FragmentSpread: (s) => void names.push(s.name.value) });
    spreads.set(d.name.value, names);
  }
  // A loop with a stack of its own, not recursion: a chain of 20,000 fragments ran it out of stack (a 500,
  // before src/limits/nesting.ts refused such documents first).
  const state = new Map<string, 'open' | 'done'>();
  for (const start of spreads.keys()) {
    if (state.has(start)) continue;
    state.set(start, 'open');
    const stack: { name: string; next: number }[] = [{ name: start, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const next = spreads.get(top.name)?.[top.next++];
      if (next === undefined) {
        state.set(top.name, 'done');
        stack.pop();
        continue;
      }
      const now = state.get(next);
      if (now === 'open') return true;
      if (now === undefined && spreads.has(next)) {
        state.set(next, 'open');
        stack.push({ name: next, next: 0 });
      }
    }
  }
  return false;
}

/**
 * maxAliases and maxCost of each operation, from one walk of its response fields (computeCost): the
 * aliases refused first, as graphql-armor's rule did before the cost's. The fields selected, counted
 * first (a step per selection of the document), bound the walk: over maxCost, the walk gets WALK_STEPS.
 */
function responseRule(bound: number, aliasBound: number, maxPage: number): ValidationRule {
  return (context) => {
    const fragment = (n: string) => context.getFragment(n) ?? undefined;
    const counted = new Map<SelectionSetNode, number>(); // fieldsSelected's, for every operation of the document
    const cycle = hasFragmentCycle(context.getDocument());
    return {
      OperationDefinition(operation) {
        if (cycle) return false; // refused by graphql's own rule; nothing to count
        const fields = fieldsSelected(operation.selectionSet, fragment, counted);
        const fieldsOver = () => context.reportError(tooComplex('maxCost', 'number of fields selected, fragments followed', fields, bound, operation));
        let known: KnownCost;
        try {
          known = computeCost(context.getSchema(), operation, fragment, maxPage, undefined, fields > bound ? WALK_STEPS : Infinity);
        } catch (error) {
          if (!(error instanceof WalkGaveUp)) throw error;
          fieldsOver();
          return false;
        }
        costs.set(operation, known);
        if (known.aliases !== undefined && known.aliases > aliasBound) {
          context.reportError(tooComplex('maxAliases', 'number of aliases', known.aliases, aliasBound));
        }
        if (known.cost > bound) {
          context.reportError(tooComplex('maxCost', 'estimated number of field values', known.cost, bound, operation));
          return false;
        }
        if (fields > bound) fieldsOver();
        return false; // nothing below needs visiting
      },
    };
  };
}

/** The validation rules of the document limits, for Apollo's `validationRules`. */
export function documentLimitRules(limits: Limits, maxPage: number): ValidationRule[] {
  return [depthRule(limits.maxDepth), responseRule(limits.maxCost, limits.maxAliases, maxPage)];
}
