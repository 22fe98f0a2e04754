// The gateway's executor (issue 10): queries run compiled with graphql-jit, which turns an operation into
// one function that reads plain properties where a field has no resolver (every item of a resource type:
// the rows come out of the read plans already shaped) and calls the resolvers that remain (entry fields
// under shield, links, platform fields). A compiled operation is kept per schema and document: Apollo keeps
// the parsed document of a query text, so a repeated query is compiled once per publication.
// Mutations, what graphql-jit cannot compile, and operations with input-object variables run on
// graphql-js: graphql-jit 0.8 compiles a parser for each variable's type and does not terminate on a
// recursive input type (every filter type is one: `and`/`or` hold filters); a filter written in the
// document itself is compiled as usual, unless it holds a literal of one of the platform's own scalars
// (Decimal, DateTime, ...): graphql-jit writes literal arguments into the generated code as JSON, which
// would turn the scalar's parsed value (an exact decimal) into a plain object. Nor one holding a string
// literal with graphql-jit's marker text (`__MAGIC_`): after that JSON it turns its own marker strings back
// into values, "__MAGIC_NAN__<uuid>" into NaN and "__MAGIC_DATE__<uuid><text>" into `new Date(<text>)` with
// the text written into the code as it is. The markers are constants of its published source: a department
// sending `resident(idNumber: "__MAGIC_DATE__<uuid>0)&&(<JavaScript>)&&(0")` ran its JavaScript in the
// gateway (test/attack-jit-divergence-harbin.test.ts). On graphql-js such a string is a string like any other.
// Nor does an operation whose document holds a @skip or @include that could hide a fragment: graphql-jit
// 0.8 does not follow those as graphql-js does (with or without its useExperimentalPathBasedSkipInclude).
// It carries a condition down to the fields below the field (or fragment) holding it through fields only,
// not through a fragment, so a field it skips keeps the fields of a fragment below it: in
// `nodes @skip(if: true) { ... on Resident { idNumber } } nodes { county }` it answers idNumber, where
// graphql-js, and the read plans that follow graphql-js's collection (src/generate/selection.ts), leave it
// out. The plan neither masked it nor reported it, and the row held the key (and a link's items) as
// stored: the ID number came out in clear. A condition with no fragment below it (`employer @include(if:
// $withEmployer) { name }`, as clients that toggle parts of a query send) is followed as graphql-js follows
// it, and stays compiled: on graphql-js the bench's list query with its link under @include(if: true)
// took 1.5 to 1.9 times the CPU per request (`bench/ab-gateways.ts --query include`, docs/benchmarks.md).
// Nor one asking a response key more than once under different conditions: graphql-jit keeps the key where
// it first appears even when a condition leaves that occurrence out (`{ a @skip(if: true) b a }`: `a, b`,
// graphql-js `b, a`), and hands the field's resolver the left-out field node too, from which the read plan
// recorded a denial or items read that the request never asked (src/server/conditioned-duplicates.ts).
// Nor one where two fields share graphql-jit's name for their resolve info (`a_resident` beside `resident
// { a: ... }`): one resolver was handed the other's info (src/server/jit-info-names.ts).
import {
  BREAK, execute, getNamedType, isInputObjectType, isScalarType, isSpecifiedScalarType, Kind, TypeInfo, typeFromAST, visit, visitWithTypeInfo,
  GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode, type ValueNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { withoutStack } from '../rules/errors.ts';
import { conditionSplitsKey } from './conditioned-duplicates.ts';
import { jitInfoNamesCollide } from './jit-info-names.ts';
import { locateByPath } from './error-locations.ts';
import { followResolvers, followWork, workSettled } from './started-work.ts';

const compiled = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, CompiledQuery | null>>>();

/**
 * Per compiled query: the variables without a default that stand inside a literal (an input object's
 * field, a list's item: `filter: { division: { eq: $d } }`). Left out of a request, graphql-js leaves such a
 * field out of the argument (its default, if any, applies); graphql-jit writes null there, so
 * `eq: $d` compared with null (0 rows where graphql-js read every row; a masked item compared so was not
 * counted by the masked-probe quota, which reads arguments graphql-js's way), `in: $l` was refused and
 * `direction: $d` lost its default ASC. Such a request runs on graphql-js.
 */
const innerVariables = new WeakMap<CompiledQuery, readonly string[]>();

function operationOf(document: DocumentNode, name: string | null | undefined): OperationDefinitionNode | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  return name ? ops.find((o) => o.name?.value === name) : ops.length === 1 ? ops[0] : undefined;
}

/** The compiled query of an operation, or null when it runs on graphql-js. */
export function compiledFor(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): CompiledQuery | null {
  let byDocument = compiled.get(schema);
  if (!byDocument) compiled.set(schema, (byDocument = new WeakMap()));
  let byName = byDocument.get(document);
  if (!byName) byDocument.set(document, (byName = new Map()));
  const key = operationName ?? '';
  let query = byName.get(key);
  if (query === undefined) {
    const op = operationOf(document, operationName);
    query = null;
    if (op?.operation === 'query' && !hasInputObjectVariable(schema, op) && !hasLiteralJitMisreads(schema, document) && !conditionMayHideFragment(document) && !conditionAtRoot(schema, document) && !conditionSplitsKey(document) && !jitInfoNamesCollide(schema, document)) {
      const result = compileQuery(schema, document, operationName ?? undefined, { disablingCapturingStackErrors: true });
      if (isCompiledQuery(result)) {
        query = result;
        innerVariables.set(query, variablesWithinLiterals(document, op));
      }
    }
    byName.set(key, query);
  }
  return query;
}

function hasInputObjectVariable(schema: GraphQLSchema, op: OperationDefinitionNode): boolean {
  return (op.variableDefinitions ?? []).some((v) => {
    const type = typeFromAST(schema, v.type as never);
    return type !== undefined && isInputObjectType(getNamedType(type));
  });
}

/** The operation's variables without a default used inside an argument's object or list literal (anywhere in the document). */
function variablesWithinLiterals(document: DocumentNode, op: OperationDefinitionNode): readonly string[] {
  const defaulted = new Set((op.variableDefinitions ?? []).filter((v) => v.defaultValue !== undefined).map((v) => v.variable.name.value));
  const names = new Set<string>();
  const note = (value: ValueNode) => {
    if (value.kind === Kind.VARIABLE && !defaulted.has(value.name.value)) names.add(value.name.value);
  };
  visit(document, {
    ObjectField: (node) => note(node.value),
    ListValue: (node) => node.values.forEach(note),
  });
  return [...names];
}

/** Whether the request leaves out a variable graphql-jit would put null for inside a literal (innerVariables). */
function leavesOutInnerVariable(query: CompiledQuery, variables: Record<string, unknown> | null | undefined): boolean {
  const names = innerVariables.get(query);
  return names !== undefined && names.some((n) => !variables || !Object.hasOwn(variables, n));
}

const CONDITIONS = new Set(['skip', 'include']);

/** Whether a selection set holds a fragment, inline or spread, at any depth below it. */
function holdsFragment(set: SelectionSetNode | undefined): boolean {
  return set !== undefined && set.selections.some((s) => s.kind !== Kind.FIELD || holdsFragment(s.selectionSet));
}

/**
 * Whether a @skip or @include of the document (its fragments' included) stands where graphql-jit loses it:
 * on a fragment spread, or on a field or inline fragment with a fragment somewhere below it.
 */
export function conditionMayHideFragment(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    enter(node) {
      if (node.kind !== Kind.FIELD && node.kind !== Kind.INLINE_FRAGMENT && node.kind !== Kind.FRAGMENT_SPREAD) return undefined;
      if (!node.directives?.some((d) => CONDITIONS.has(d.name.value))) return undefined;
      if (node.kind === Kind.FRAGMENT_SPREAD || holdsFragment(node.selectionSet)) {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Whether a @skip or @include stands at the query's root level: on a root field, or on an inline fragment
 * of the root type. graphql-jit decides a root field's conditions in its own code but hands the field's
 * resolver every field node of its response key, a skipped one's too (graphql-js hands the ones that run):
 * `{ zhangqiu { a } ... @include(if: $x) { zhangqiu { b } } }` with `x: false` had the namespace's
 * delegation send `b` to the connected platform, which read and audited it (src/federation/
 * namespace-conditions.ts decides the conditions below the namespace field, not above it;
 * test/connected-conditions-above.test.ts).
 */
export function conditionAtRoot(schema: GraphQLSchema, document: DocumentNode): boolean {
  const root = schema.getQueryType();
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(document, visitWithTypeInfo(typeInfo, {
    enter(node) {
      if (node.kind !== Kind.FIELD && node.kind !== Kind.INLINE_FRAGMENT) return undefined;
      if (!node.directives?.some((d) => CONDITIONS.has(d.name.value))) return undefined;
      if ((node.kind === Kind.FIELD ? typeInfo.getParentType() : typeInfo.getType()) !== root) return undefined;
      found = true;
      return BREAK;
    },
  }));
  return found;
}

const LITERALS = new Set<string>([Kind.STRING, Kind.INT, Kind.FLOAT, Kind.BOOLEAN]);

/** The start of graphql-jit 0.8's marker strings (MAGIC_NAN, MAGIC_DATE, ... in its objectStringify). */
export const JIT_MARKER = '__MAGIC_';

/**
 * Whether a literal of the document would not reach the resolvers as written when graphql-jit writes it
 * into its code: one of the platform's own scalars, or a string holding graphql-jit's marker text (the
 * value as parsed, so that escapes such as `\u005F` do not hide it; a block string's too).
 */
export function hasLiteralJitMisreads(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(document, visitWithTypeInfo(typeInfo, {
    enter(node) {
      if (found || !LITERALS.has(node.kind)) return;
      if (node.kind === Kind.STRING && node.value.includes(JIT_MARKER)) {
        found = true;
        return;
      }
      const type = typeInfo.getInputType();
      const named = type ? getNamedType(type) : undefined;
      if (named && isScalarType(named) && !isSpecifiedScalarType(named)) found = true;
    },
  }));
  return found;
}

/**
 * graphql-jit's errors only inherit GraphQLError's prototype: without the original's extensions they have
 * none at all, where Apollo and the error formatting expect graphql-js's `{}`. Rebuilt as graphql-js
 * errors, with the locations graphql-jit computed. One whose original is a graphql-js error (a denial,
 * mostly) already holds what the copy would: the original's extensions, its stack, message, path and
 * locations, which Apollo formats through the same prototype (`toJSON`); it goes on as it is.
 */
function asGraphQLError(e: GraphQLError): GraphQLError {
  if (e.constructor === GraphQLError || e.originalError instanceof GraphQLError) return e;
  // Its stack would be graphql-jit's, and the original error (a denial, mostly) has none worth keeping.
  const out = withoutStack(() => new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? undefined, extensions: e.extensions ?? undefined }));
  (out as { locations?: unknown }).locations = e.locations;
  return out;
}

export interface Operation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  context: unknown;
}

export async function executeOperation(op: Operation): Promise<ExecutionResult> {
  followResolvers(op.schema);
  const query = compiledFor(op.schema, op.document, op.operationName);
  if (query && !leavesOutInnerVariable(query, op.variables)) {
    const result = await query.query(undefined, op.context, op.variables ?? {});
    // No `data` at all: the variables did not coerce, and nothing ran. graphql-jit's errors for them carry
    // no variable node, by which Apollo knows a client's mistake (BAD_USER_INPUT, HTTP 400) from a bug
    // ("Internal server error."); graphql-js refuses the same variables with the errors Apollo expects.
    if (!('data' in result)) return execute({ schema: op.schema, document: op.document, contextValue: op.context, variableValues: op.variables, operationName: op.operationName });
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  }
  return onGraphqlJs(op);
}

/**
 * graphql-js's answer (what the differential tests compare with), with the locations it leaves out of an
 * error that knew its path (error-locations.ts), once every resolver it started has settled (started-work.ts:
 * a `data: null` answer left the others running, to read and audit after it).
 */
export async function onGraphqlJs(op: Operation): Promise<ExecutionResult> {
  const context = typeof op.context === 'object' && op.context !== null ? op.context : undefined;
  if (context) {
    followResolvers(op.schema);
    followWork(context);
  }
  const result = await execute({ schema: op.schema, document: op.document, contextValue: op.context, variableValues: op.variables, operationName: op.operationName });
  if (context) await workSettled(context);
  return result.errors ? { ...result, errors: locateByPath(op.schema, result.errors, op.document, op.operationName, op.variables) } : result;
}
