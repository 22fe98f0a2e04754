// An executor of our own over the read plans (issue 10 point 3: "graphql-jit, or an executor of your own
// over the plan: measure both"). For the bench only: the gateway serves graphql-jit (src/server/executor.ts),
// and bench/executors.ts measures the two side by side.
//
// It handles an operation whose selection is data fields only: departments, their list and lookup fields,
// the connections' nodes, pageInfo and totalCount, the records' items and links, aliases, __typename and
// @skip/@include. The entry fields' resolvers run as graphql-jit runs them (shield's middleware, the read
// plans, the links read per page), with the same arguments and resolve info; the response is then built by
// walking the operation's selection over the rows the plans shaped: an item is a property read and its
// type's serialize, a link a record already on the row. With `reuseRows`, a record whose row holds exactly
// the selected keys, in order, is answered by the row itself (enum values converted in place) instead of a
// copy.
//
// Errors come out as graphql-jit makes them and the gateway's executor rebuilds them (graphql-js errors
// with graphql-jit's message, locations, path, original error and extensions), in graphql-jit's order:
// the errors of nullable fields as they happen, then those of non-null fields, trimmed the way its null
// trimmer trims them (an error whose path was seen is dropped; one with no nullable ancestor nulls `data`
// and ends the list). Anything else (fragments, a field repeated under one key, variables of input types,
// arguments of input types, a field with a resolver below a record, platform fields, mutations) runs on
// the served executor.
import {
  getArgumentValues, getDirectiveValues, getNamedType, getVariableValues, GraphQLBoolean, GraphQLError, GraphQLFloat, GraphQLID,
  GraphQLIncludeDirective, GraphQLInt, GraphQLSkipDirective, GraphQLString, isEnumType, isInputType, isLeafType, isListType, isNonNullType, isObjectType, isSpecifiedScalarType, Kind, TypeNameMetaFieldDef,
  type DocumentNode, type ExecutionResult, type FieldNode, type GraphQLField, type GraphQLLeafType, type GraphQLObjectType,
  type GraphQLOutputType, type GraphQLResolveInfo, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
  type ValueNode, type VariableDefinitionNode,
} from 'graphql';
import type { SchemaModel } from '../src/generate/model.ts';
import { connectionTypeName } from '../src/model/names.ts';
import { withoutStack } from '../src/rules/errors.ts';
import { executeOperation, type Operation } from '../src/server/executor.ts';

/** A field of the operation, as it is answered. */
interface Selected {
  key: string;
  name: string;
  /** null: `__typename`. */
  field: GraphQLField<unknown, unknown> | null;
  parentType: GraphQLObjectType;
  node: FieldNode;
  locations: { line: number; column: number }[];
  /** Has @skip or @include: asked per request. */
  conditional: boolean;
  /** The arguments when they hold no variable (computed once); per request otherwise. */
  args: Record<string, unknown> | null;
  /** How its value is completed (null: `__typename`). */
  shape: Shape | null;
  /** The selection below an object type (or a list of one). */
  below: Selected[] | null;
  /** A record whose row may be the answer itself, when it holds exactly the selected keys (reuseRow). */
  reuse: boolean;
}

interface Compiled {
  operation: OperationDefinitionNode;
  root: Selected[];
}

type Path = { prev: Path | undefined; key: string | number };

interface Run {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  context: unknown;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  nullErrors: GraphQLError[];
  /** Resolvers still running, and what to call when the last one ends (graphql-jit's promise counter). */
  running: number;
  settle: () => void;
  /** Answer a record by its row when it holds exactly the selected keys (reuseRow); null: copy every record. */
  reused: Set<object> | null;
  /** reuseRow's pending conversions (key, value, ...), kept to be reused. */
  writes: unknown[];
  /** Records answered by their rows and by copies (the bench says how often reuseRow applies). */
  count?: { rows: number; copies: number };
}

/** A resolver field met while building a value: called once the value is built, as graphql-jit does. */
interface Deferred {
  sel: Selected;
  source: unknown;
  out: Record<string, unknown>;
  path: Path;
}

function noop(): void {}

const compiled = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Compiled | null>>>();

/** The executor of our own: `model` is the schema model of `op.schema` (which fields are data fields). */
export async function executeOwn(op: Operation, model: SchemaModel, options: { reuseRows?: boolean; count?: Run['count'] } = {}): Promise<ExecutionResult> {
  const plan = compiledFor(op, model);
  if (!plan) return executeOperation(op);
  const definitions = plan.operation.variableDefinitions ?? [];
  const coerced = definitions.length ? getVariableValues(op.schema, definitions, op.variables ?? {}) : { coerced: {} };
  // Variables that do not coerce: the served executor answers graphql-js's errors for them; nothing ran yet.
  if (coerced.errors) return executeOperation(op);
  const run: Run = {
    schema: op.schema, operation: plan.operation, context: op.context, variables: coerced.coerced!, errors: [], nullErrors: [],
    running: 0, settle: noop, reused: options.reuseRows ? new Set() : null, writes: [], count: options.count,
  };
  const data: Record<string, unknown> = {};
  const deferred: Deferred[] = [];
  // The root's fields are all deferred (graphql-jit: a root field without a resolver reads the root value).
  for (const sel of plan.root) {
    if (sel.conditional && !included(sel, run.variables)) continue;
    if (!sel.field) data[sel.key] = op.schema.getQueryType()!.name;
    else {
      data[sel.key] = null;
      deferred.push({ sel, source: undefined, out: data, path: { prev: undefined, key: sel.key } });
    }
  }
  const settled = new Promise<void>((resolve) => (run.settle = resolve));
  for (const d of deferred) callResolver(run, d);
  if (run.running > 0) await settled;
  if (run.nullErrors.length) {
    const trimmed = trim(plan.root, data, run.nullErrors);
    return { data: trimmed.data, errors: run.errors.concat(trimmed.errors) };
  }
  return run.errors.length ? { data, errors: run.errors } : { data };
}

/** Whether the executor of our own answers `op` itself (false: it hands it to the served executor). */
export function handles(op: Operation, model: SchemaModel): boolean {
  return compiledFor(op, model) !== null;
}

function compiledFor(op: Operation, model: SchemaModel): Compiled | null {
  let byDocument = compiled.get(op.schema);
  if (!byDocument) compiled.set(op.schema, (byDocument = new WeakMap()));
  let byName = byDocument.get(op.document);
  if (!byName) byDocument.set(op.document, (byName = new Map()));
  const name = op.operationName ?? '';
  let plan = byName.get(name);
  if (plan === undefined) {
    plan = compile(op.schema, op.document, op.operationName, model);
    byName.set(name, plan);
  }
  return plan;
}

class Unsupported extends Error {}

function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, model: SchemaModel): Compiled | null {
  if (document.definitions.some((d) => d.kind !== Kind.OPERATION_DEFINITION)) return null; // fragments
  const ops = document.definitions as OperationDefinitionNode[];
  const operation = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  const query = schema.getQueryType();
  if (!operation || operation.operation !== 'query' || !query) return null;
  if (!(operation.variableDefinitions ?? []).every((v) => plainInput(schema, v))) return null;
  // Which object types may have resolvers: departments, and the connections of their list fields.
  const departments = new Set(model.departments.map((d) => d.typeName));
  const connections = new Set([...model.byType.keys()].map(connectionTypeName));
  const resolvable = (parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>) =>
    parent === query ? departments.has(getNamedType(field.type).name) : departments.has(parent.name) || connections.has(parent.name);
  const select = (set: SelectionSetNode, parent: GraphQLObjectType, shared: boolean): Selected[] => {
    const out: Selected[] = [];
    for (const node of set.selections) {
      if (node.kind !== Kind.FIELD) throw new Unsupported();
      const key = node.alias?.value ?? node.name.value;
      if (out.some((s) => s.key === key)) throw new Unsupported(); // graphql-jit merges them; not done here
      if ((node.directives ?? []).some((d) => d.name.value !== 'skip' && d.name.value !== 'include')) throw new Unsupported();
      const common = { key, name: node.name.value, parentType: parent, node, locations: locationsOf(node), conditional: (node.directives ?? []).length > 0 };
      if (node.name.value === TypeNameMetaFieldDef.name) {
        out.push({ ...common, field: null, args: null, shape: null, below: null, reuse: false });
        continue;
      }
      const field = parent.getFields()[node.name.value];
      if (!field) throw new Unsupported();
      if (field.resolve && !resolvable(parent, field)) throw new Unsupported();
      if (parent === query && !departments.has(getNamedType(field.type).name)) throw new Unsupported(); // platform fields
      // Arguments given of input types (filter, orderBy): not handled.
      const given = (node.arguments ?? []).map((a) => getNamedType(field.args.find((d) => d.name === a.name.value)?.type));
      if (!given.every((t) => t !== undefined && (isSpecifiedScalarType(t) || isEnumType(t)))) throw new Unsupported();
      const named = getNamedType(field.type);
      if (!isLeafType(named) && !(isObjectType(named) && named.isTypeOf === undefined)) throw new Unsupported(); // abstract types
      const withVariables = (node.arguments ?? []).some((a) => hasVariable(a.value));
      out.push({
        ...common,
        field,
        args: withVariables ? null : getArgumentValues(field, node),
        shape: shapeOf(field.type),
        below: null,
        reuse: false,
      });
      if (isObjectType(named)) {
        const last = out[out.length - 1];
        // An object field without a resolver is a link: rows linking the same record hold the same row
        // object, so what is below it may be met more than once.
        const below = shared || !field.resolve;
        last.below = select(node.selectionSet!, named, below);
        last.reuse = below ? last.below.every((b) => plain(b) && b.below === null) : last.below.every(plain);
      }
    }
    return out;
  };
  try {
    return { operation, root: select(operation.selectionSet, query, false) };
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}

/** A field a row answers as it is: an item or link, unaliased, unconditional. */
const plain = (s: Selected) => s.field !== null && !s.field.resolve && s.key === s.name && !s.conditional;

function plainInput(schema: GraphQLSchema, v: VariableDefinitionNode): boolean {
  let t = v.type;
  while (t.kind !== Kind.NAMED_TYPE) t = t.type;
  const type = schema.getType(t.name.value);
  return type !== undefined && isInputType(type) && (isSpecifiedScalarType(type) || isEnumType(type));
}

function hasVariable(value: ValueNode): boolean {
  if (value.kind === Kind.VARIABLE) return true;
  if (value.kind === Kind.LIST) return value.values.some(hasVariable);
  return false; // objects: arguments of input types are not handled
}

function locationsOf(node: FieldNode): { line: number; column: number }[] {
  return node.loc ? [{ line: node.loc.startToken.line, column: node.loc.startToken.column }] : [];
}

function included(sel: Selected, variables: Record<string, unknown>): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, sel.node, variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, sel.node, variables);
  return include?.if !== false;
}

function pathArray(path: Path | undefined): (string | number)[] {
  const out: (string | number)[] = [];
  for (let p = path; p; p = p.prev) out.push(p.key);
  return out.reverse();
}

/** graphql-jit's located error, as src/server/executor.ts rebuilds it for Apollo (graphql-js, no stack). */
function located(sel: Selected, path: Path | undefined, message: string, original?: Error): GraphQLError {
  const extensions = (original as { extensions?: Record<string, unknown> } | undefined)?.extensions;
  const e = withoutStack(() => new GraphQLError(message, { path: pathArray(path), originalError: original, extensions }));
  (e as { locations?: unknown }).locations = sel.locations;
  return e;
}

// No closure is named per call: run under tsx (esbuild's keepNames), every named function expression costs
// an Object.defineProperty each time it is made, which the served build (tsc) does not pay.
function callResolver(run: Run, d: Deferred): void {
  const { sel, source, path } = d;
  const field = sel.field!;
  let value: unknown;
  try {
    const args = sel.args ?? getArgumentValues(field, sel.node, run.variables);
    value = field.resolve ? field.resolve(source, args, run.context, info(run, sel, path)) : (source as Record<string, unknown> | undefined)?.[sel.name];
  } catch (err) {
    // graphql-jit: the error, then the field completed as null.
    failed(run, d, err);
    resolved(run, d, null);
    return;
  }
  if (!isThenable(value)) return resolved(run, d, value);
  run.running++;
  value.then(
    (v) => {
      resolved(run, d, v);
      if (--run.running === 0) run.settle();
    },
    (err) => {
      failed(run, d, err);
      if (--run.running === 0) run.settle();
    },
  );
}

/** A resolver's value completed, then the resolver fields met below it called. */
function resolved(run: Run, { sel, out, path }: Deferred, value: unknown): void {
  const deferred: Deferred[] = [];
  out[sel.key] = complete(run, sel, sel.shape!, value, path.prev, path.key, deferred);
  for (const d of deferred) callResolver(run, d);
}

function failed(run: Run, { sel, path }: Deferred, err: unknown): void {
  const e = err as Error;
  (sel.shape!.nonNull ? run.nullErrors : run.errors).push(located(sel, path, e?.message != null ? e.message : String(err), e));
}

const isThenable = (v: unknown): v is Promise<unknown> => v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';

function info(run: Run, sel: Selected, path: Path): GraphQLResolveInfo {
  return {
    fieldName: sel.name,
    fieldNodes: [sel.node],
    returnType: sel.field!.type,
    parentType: sel.parentType,
    path: { prev: path.prev as GraphQLResolveInfo['path'] | undefined, key: path.key, typename: sel.parentType.name },
    schema: run.schema,
    fragments: {},
    rootValue: undefined,
    operation: run.operation,
    variableValues: run.variables,
  };
}

/** How a value of a field's type is completed, worked out once per field of the operation. */
type Shape =
  | { kind: 'leaf'; nonNull: boolean; type: GraphQLLeafType }
  | { kind: 'list'; nonNull: boolean; item: Shape }
  | { kind: 'object'; nonNull: boolean; type: GraphQLObjectType };

function shapeOf(type: GraphQLOutputType): Shape {
  const nonNull = isNonNullType(type);
  const inner = nonNull ? type.ofType : type;
  if (isLeafType(inner)) return { kind: 'leaf', nonNull, type: inner };
  if (isListType(inner)) return { kind: 'list', nonNull, item: shapeOf(inner.ofType as GraphQLOutputType) };
  return { kind: 'object', nonNull, type: inner as GraphQLObjectType };
}

/**
 * A field's value completed by its shape, as graphql-jit's generated code does it. The value's path is
 * `parent` and `key`, made into an object only where an error or a level below needs it.
 */
function complete(run: Run, sel: Selected, shape: Shape, value: unknown, parent: Path | undefined, key: string | number, deferred: Deferred[]): unknown {
  if (value === null || value === undefined) {
    if (shape.nonNull) run.nullErrors.push(located(sel, { prev: parent, key }, `Cannot return null for non-nullable field ${sel.parentType.name}.${sel.name}.`));
    return null;
  }
  if (value instanceof Error) {
    (shape.nonNull ? run.nullErrors : run.errors).push(located(sel, { prev: parent, key }, value.message ?? String(value), value));
    return null;
  }
  if (shape.kind === 'leaf') return serialize(run, sel, shape, value, parent, key);
  const path: Path = { prev: parent, key };
  if (shape.kind === 'list') {
    if (typeof value !== 'object' || !(Symbol.iterator in value)) {
      (shape.nonNull ? run.nullErrors : run.errors).push(located(sel, path, `Expected Iterable, but did not find one for field ${sel.parentType.name}.${sel.name}.`));
      return null;
    }
    const out: unknown[] = [];
    let i = 0;
    for (const item of value as Iterable<unknown>) out.push(complete(run, sel, shape.item, item, path, i++, deferred));
    return out;
  }
  const row = value as Record<string, unknown>;
  if (sel.reuse && run.reused && reuseRow(run, sel, row, path, deferred)) {
    if (run.count) run.count.rows++;
    return row;
  }
  if (run.count) run.count.copies++;
  const out: Record<string, unknown> = {};
  for (const s of sel.below!) {
    if (s.conditional && !included(s, run.variables)) continue;
    if (!s.field) out[s.key] = shape.type.name;
    else if (s.field.resolve) {
      out[s.key] = null;
      deferred.push({ sel: s, source: value, out, path: { prev: path, key: s.key } });
    } else out[s.key] = complete(run, s, s.shape!, row[s.name], path, s.key, deferred);
  }
  return out;
}

/**
 * The row as the record's answer, when it holds exactly the selected keys in their order, every value
 * answerable (no error, no undefined, no null for a non-null field): the leaves that serialise to
 * another value (enums: the catalogue's value to the GraphQL name) are converted in place, the links
 * completed in place. Rows are the request's own copies. A linked record met again was answered already.
 */
function reuseRow(run: Run, sel: Selected, row: Record<string, unknown>, path: Path, deferred: Deferred[]): boolean {
  const below = sel.below!;
  let i = 0;
  for (const key in row) if (i >= below.length || below[i++].key !== key) return false;
  if (i !== below.length) return false;
  if (run.reused!.has(row)) return true;
  const writes = run.writes;
  writes.length = 0;
  for (const s of below) {
    const value = row[s.key];
    const shape = s.shape!;
    if (value === null) {
      if (shape.nonNull) return false;
      continue;
    }
    if (value === undefined || value instanceof Error) return false;
    if (shape.kind === 'list') return false;
    if (shape.kind === 'object') {
      if (typeof value !== 'object') return false;
      continue;
    }
    if (asServed(shape.type, value)) continue;
    let out: unknown;
    try {
      out = shape.type.serialize(value);
    } catch {
      return false;
    }
    if (out === undefined || out !== out) return false;
    if (out !== value) writes.push(s.key, out);
  }
  run.reused!.add(row);
  for (let j = 0; j < writes.length; j += 2) row[writes[j] as string] = writes[j + 1];
  for (const s of below) {
    if (s.shape!.kind === 'object' && row[s.key] !== null) row[s.key] = complete(run, s, s.shape!, row[s.key], path, s.key, deferred);
  }
  return true;
}

/** A value the built-in scalar serialises to itself. */
function asServed(type: GraphQLLeafType, value: unknown): boolean {
  if (type === GraphQLString || type === GraphQLID) return typeof value === 'string';
  if (type === GraphQLBoolean) return typeof value === 'boolean';
  if (type === GraphQLInt) return typeof value === 'number' && Number.isInteger(value) && value <= 2147483647 && value >= -2147483648;
  if (type === GraphQLFloat) return typeof value === 'number' && Number.isFinite(value);
  return false;
}

/** A leaf serialised by its type; what it refuses is graphql-jit's error for it, and null. */
function serialize(run: Run, sel: Selected, shape: Shape & { kind: 'leaf' }, value: unknown, parent: Path | undefined, key: string | number): unknown {
  let message: string;
  try {
    const out = shape.type.serialize(value);
    if (out !== undefined && out === out) return out;
    message = `Expected a value of type "${shape.type.name}" but received: ${String(value)}`;
  } catch (e) {
    message = (e as Error)?.message || `Expected a value of type "${shape.type.name}" but received an Error`;
  }
  (shape.nonNull ? run.nullErrors : run.errors).push(located(sel, { prev: parent, key }, message));
  return null;
}

/** graphql-jit's null trimmer: each non-null error nulls its nearest nullable ancestor. */
function trim(root: Selected[], data: Record<string, unknown>, errors: GraphQLError[]): { data: Record<string, unknown> | null; errors: GraphQLError[] } {
  const out: GraphQLError[] = [];
  const seen = new Set<string>();
  let result: Record<string, unknown> | null = data;
  for (const error of errors) {
    const path = error.path!;
    if (seen.has(path.join('.'))) continue;
    const ancestors = nullableAncestor(root, path);
    if (ancestors.length === 0) {
      result = null;
      out.push(error);
      break;
    }
    let tree = result as Record<string | number, unknown>;
    let cut = true;
    for (let i = 0; i < ancestors.length - 1; i++) {
      if (tree[ancestors[i]] === null) {
        cut = false;
        break;
      }
      tree = tree[ancestors[i]] as Record<string | number, unknown>;
    }
    if (cut) tree[ancestors[ancestors.length - 1]] = null;
    seen.add(path.join('.'));
    out.push(error);
  }
  return { data: result, errors: out };
}

/** The path down to the last nullable object or list on it (graphql-jit's walk: leaves end it). */
function nullableAncestor(root: Selected[], path: readonly (string | number)[]): (string | number)[] {
  const composite = (t: GraphQLOutputType) => {
    const inner = isNonNullType(t) ? t.ofType : t;
    return isObjectType(inner) || isListType(inner);
  };
  let last = 0;
  let selections: Selected[] = root;
  let type: GraphQLOutputType | null = null;
  for (let i = 0; i < path.length; i++) {
    let step: GraphQLOutputType;
    if (typeof path[i] === 'number') {
      const list = type && (isNonNullType(type) ? type.ofType : type);
      if (!list || !isListType(list)) break;
      step = list.ofType as GraphQLOutputType;
    } else {
      const sel = selections.find((s) => s.key === path[i]);
      if (!sel?.field) break;
      step = sel.field.type;
      selections = sel.below ?? [];
    }
    if (!composite(step)) break;
    if (!isNonNullType(step)) last = i + 1;
    type = step;
  }
  return path.slice(0, last);
}
