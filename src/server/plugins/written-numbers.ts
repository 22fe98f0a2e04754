// Variables written as JSON numbers with more significant digits than a double holds (SPEC §4: a decimal
// is never a float in between). JSON.parse rounds `0.10000000000000000001` to 0.1, whose text has one
// digit, so the Decimal scalar alone cannot tell that digits were lost: the request's JSON text is read
// again for such numbers (only when a cheap test finds one, src/formats/written-numbers.ts), each marked
// as a WrittenNumber. Once the operation is known, a mark where the variable's type asks for a Decimal
// (or any other scalar of the platform's or a connected platform's, which would be sent the rounded
// number) is refused with BAD_USER_INPUT; one where it asks for Float, Int, String or ID, or for nothing,
// is the number JSON.parse read, as before, but one that Int or String refuses is refused here in
// graphql-js's words, quoting the number as written (graphql-js quoted the rounded one).
import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import {
  GraphQLError,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  isSpecifiedScalarType,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { WrittenNumber } from '../../formats/decimal.ts';
import { markWrittenNumbers, type JsonStep } from '../../formats/written-numbers.ts';

/** The POST bodies whose long numbers are yet to be looked for, by their `variables`. */
const bodies = new WeakMap<object, { text: string; body: unknown; maxDepth: number | undefined }>();

/**
 * Keeps a POST body's text with its `variables` (`body` is what JSON.parse made of `text`), for its long
 * numbers to be looked for once its operation is known (bodyNumberPaths), nested at most
 * `variablesDepth` levels below `variables` (src/limits/arguments.ts): variables nested deeper are
 * refused before anything reads them. Each number found costs its path: looked for when the body was
 * read, before the request's rate token, a megabyte of them cost every request that sent one, those past
 * the rate and those whose document did not validate included (0.1 s flat, 0.5 s 205 deep).
 */
export function markBodyNumbers(text: string, body: unknown, variablesDepth?: number): void {
  const variables = (body as { variables?: unknown } | null)?.variables;
  if (variables === null || typeof variables !== 'object') return;
  // The body's object and its `variables` object, then the levels the variables may nest.
  bodies.set(variables, { text, body, maxDepth: variablesDepth === undefined ? undefined : variablesDepth + 2 });
}

/**
 * Puts a WrittenNumber in place of each long number of a POST body's `variables` kept by markBodyNumbers,
 * once; their paths below `variables`.
 */
export function bodyNumberPaths(variables: object): JsonStep[][] {
  const kept = bodies.get(variables);
  if (!kept) return [];
  bodies.delete(variables);
  return markWrittenNumbers(kept.text, kept.body, (path) => path[0] === 'variables', kept.maxDepth).map((p) => p.slice(1));
}

/** The same for a GET's `variables` parameter, which Apollo parses itself. */
function markSearchNumbers(search: string, variables: object): JsonStep[][] {
  const text = new URLSearchParams(search).get('variables');
  return text === null ? [] : markWrittenNumbers(text, variables);
}

export const writtenNumbersPlugin: ApolloServerPlugin = {
  async requestDidStart(rc) {
    const { variables, http } = rc.request;
    if (!variables) return;
    return {
      // Once the request has its rate token and its document validates: before the limits read the
      // variables (the next plugin), after anything that may refuse it for less.
      async didResolveOperation(op: GraphQLRequestContextDidResolveOperation<never>) {
        const paths = http?.method === 'GET' ? markSearchNumbers(http.search, variables) : bodyNumberPaths(variables);
        if (op.operation) for (const path of paths) settle(op.schema, op.operation, variables, path);
      },
    };
  },
};

/** The WrittenNumber at `path` of `variables` settled by the type the operation declares there. */
function settle(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>, path: JsonStep[]): void {
  const name = path[0] as string;
  const node = operation.variableDefinitions?.find((d) => d.variable.name.value === name)?.type;
  let type = node && (typeFromAST(schema, node) as GraphQLInputType | undefined);
  let parent: Record<JsonStep, unknown> = variables;
  for (let i = 1; i < path.length; i++) {
    const inner = parent[path[i - 1]];
    if (inner === null || typeof inner !== 'object') return;
    parent = inner as Record<JsonStep, unknown>;
    type = type && stepInto(type, path[i]);
  }
  const last = path[path.length - 1];
  const value = parent[last];
  if (!(value instanceof WrittenNumber)) return;
  const named = type && (isNonNullType(type) ? type.ofType : type);
  // A value where a list is declared is coerced as a list of one.
  const scalar = named && isListType(named) ? innermost(named) : named;
  if (scalar && isScalarType(scalar) && !isSpecifiedScalarType(scalar)) throw lostDigits(value, scalar.name, path);
  // Refused by graphql-js, but with the rounded number quoted: `first: 9007199254740993` was answered
  // "got invalid value 9007199254740992", a number the client never wrote. The same words, with the client's.
  const refusal = scalar && isScalarType(scalar) ? specifiedRefusal(scalar.name, value) : null;
  if (refusal) throw badValue(value, path, refusal);
  parent[last] = value.value;
}

/** The type of the value one step inside a value of `type`: a list's element, an input object's field. */
function stepInto(type: GraphQLInputType, step: JsonStep): GraphQLInputType | undefined {
  // A value that is not a list where a list is declared is coerced as a list of one: a key steps into it.
  const t = typeof step === 'number' ? (isNonNullType(type) ? type.ofType : type) : innermost(type);
  if (typeof step === 'number') return isListType(t) ? t.ofType : undefined;
  if (!isInputObjectType(t)) return undefined;
  const fields = t.getFields();
  return Object.hasOwn(fields, step) ? fields[step].type : undefined;
}

function innermost(type: GraphQLInputType): GraphQLInputType {
  let t = type;
  while (isListType(t) || isNonNullType(t)) t = t.ofType;
  return t;
}

/** The number as the client wrote it, cut when long. */
const writtenText = (value: WrittenNumber) => (value.text.length > 40 ? `${value.text.slice(0, 40)}…` : value.text);

/**
 * graphql-js's refusal of a number for Int or String (in its words, GraphQLInt's and GraphQLString's
 * parseValue), the number quoted as written; null where graphql-js takes the number (an Int in range).
 */
function specifiedRefusal(scalar: string, value: WrittenNumber): string | null {
  const n = value.value;
  if (scalar === 'Int' && !Number.isInteger(n)) return `Int cannot represent non-integer value: ${writtenText(value)}`;
  if (scalar === 'Int' && (n > 2147483647 || n < -2147483648)) return `Int cannot represent non 32-bit signed integer value: ${writtenText(value)}`;
  if (scalar === 'String') return `String cannot represent a non string value: ${writtenText(value)}`;
  return null;
}

/** Worded as graphql-js words a variable's bad value (`reason` after the value and where it is). */
function badValue(value: WrittenNumber, path: JsonStep[], reason: string): GraphQLError {
  const at = path.length > 1 ? ` at "${path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('')}"` : '';
  return new GraphQLError(`Variable "$${path[0]}" got invalid value ${writtenText(value)}${at}; ${reason}`, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/** Worded as graphql-js words a variable's bad value, with what to send instead. */
function lostDigits(value: WrittenNumber, type: string, path: JsonStep[]): GraphQLError {
  const written = writtenText(value);
  return badValue(value, path, `Expected type "${type}": a number with more than 15 significant digits has lost digits on the way in, write it as a string ("${written}").`);
}
