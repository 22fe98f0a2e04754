// Date, DateTime and Decimal: scalars that refuse bad values with a message naming the value.
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isRealDate } from '../formats/calendar.ts';
import { DATETIME_EXPECTED, readDateTime } from '../formats/datetime.ts';
import { checkDecimal, Decimal } from '../formats/decimal.ts';

/** A value as messages show it: JSON, cut short when long. */
const shown = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

const bad = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

function parseDate(v: unknown): string {
  if (typeof v !== 'string' || !isRealDate(v)) throw bad(`${JSON.stringify(v)} is not a date: expected YYYY-MM-DD, e.g. "2026-11-25".`);
  return v;
}

// The grammars are the importer's (src/formats/datetime.ts, decimal.ts): a value that imports can be a
// filter value, and the other way round.
function parseDateTime(v: unknown): string {
  const t = readDateTime(v);
  if (t === undefined) throw bad(`${JSON.stringify(v)} is not ${DATETIME_EXPECTED}.`);
  return t;
}

/** A Decimal value (the store compares it by value); a variable's number only when it cannot have lost digits. */
function parseDecimal(v: unknown): Decimal {
  const checked = checkDecimal(v);
  if ('expected' in checked) throw bad(`${shown(v)} is not ${checked.expected}.`);
  return checked.value;
}

// Serialising refuses a value that is not of the scalar: stored before a publication retyped its item
// (src/server/unfit-values.ts turns the refusals into one CONFLICT error per item), never a value of ours.

/** The text of a decimal as it was imported ("450.10"); a number or a decimal's text (from a source other than the store) as its text. */
function serializeDecimal(v: unknown): string {
  if (v instanceof Decimal) return v.text;
  if (typeof v === 'number' || (typeof v === 'string' && !('expected' in checkDecimal(v)))) return String(v);
  throw new TypeError(`Decimal cannot represent ${shown(v)}`);
}

function serializeDate(v: unknown): string {
  if (typeof v === 'string' && isRealDate(v)) return v;
  throw new TypeError(`Date cannot represent ${shown(v)}`);
}

function serializeDateTime(v: unknown): string {
  if (readDateTime(v) !== undefined) return v as string;
  throw new TypeError(`DateTime cannot represent ${shown(v)}`);
}

/** A literal as the parser of its scalar sees it: strings as written, numbers as the text of the number
 * for decimals (no digit lost) and as numbers otherwise. A refusal points at the literal (graphql-js
 * reports a scalar's own error as it is, so without the node it would have no location). */
const literal = (parse: (v: unknown) => unknown) => (ast: ValueNode) => {
  try {
    if (ast.kind === Kind.STRING) return parse(ast.value);
    if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parse(parse === parseDecimal ? ast.value : Number(ast.value));
    throw bad(`Expected a literal value, got ${ast.kind}.`);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    throw new GraphQLError(error.message, { nodes: ast, extensions: error.extensions });
  }
};

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: "A calendar date, YYYY-MM-DD.",
  serialize: serializeDate,
  parseValue: parseDate,
  parseLiteral: literal(parseDate),
});

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: "A point in time, ISO 8601 with an offset; returned in UTC.",
  serialize: serializeDateTime,
  parseValue: parseDateTime,
  parseLiteral: literal(parseDateTime),
});

export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: "A decimal number, returned as a string so that no digit is lost: the text imported, scale included (\"450.10\"). Send it as a string: a JSON number of more than 15 significant digits is refused, as a double cannot hold it.",
  serialize: serializeDecimal,
  parseValue: parseDecimal,
  parseLiteral: literal(parseDecimal),
});

// The descriptions are the scalars' own: the schema takes each scalar from here, description included
// (as makeExecutableSchema would), and the SDL prints the same text (generate/sdl.ts).
export const scalarResolvers = { Date: DateScalar, DateTime: DateTimeScalar, Decimal: DecimalScalar };
