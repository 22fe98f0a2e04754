// Date, DateTime and Decimal: scalars that refuse bad values with a message naming the value.
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isRealDate } from '../formats/calendar.ts';

const bad = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

function parseDate(v: unknown): string {
  if (typeof v !== 'string' || !isRealDate(v)) throw bad(`${JSON.stringify(v)} is not a date: expected YYYY-MM-DD, e.g. "2026-11-25".`);
  return v;
}

const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(v: unknown): string {
  if (typeof v !== 'string' || !DATETIME_RE.test(v) || !isRealDate(v.slice(0, 10)) || Number.isNaN(Date.parse(v))) {
    throw bad(`${JSON.stringify(v)} is not a date-time: expected ISO 8601 with an offset, e.g. "2026-11-25T09:30:00+08:00".`);
  }
  return new Date(v).toISOString();
}

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

function parseDecimal(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && DECIMAL_RE.test(v)) return Number(v);
  throw bad(`${JSON.stringify(v)} is not a decimal: expected a number or a string such as "1234.50".`);
}

/** A literal as the parser of its scalar sees it: strings as written, numbers as the text of the number
 * for decimals (no digit lost) and as numbers otherwise. */
const literal = (parse: (v: unknown) => unknown) => (ast: ValueNode) => {
  if (ast.kind === Kind.STRING) return parse(ast.value);
  if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parse(parse === parseDecimal ? ast.value : Number(ast.value));
  throw bad(`Expected a literal value, got ${ast.kind}.`);
};

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  serialize: (v) => String(v),
  parseValue: parseDate,
  parseLiteral: literal(parseDate),
});

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (v) => String(v),
  parseValue: parseDateTime,
  parseLiteral: literal(parseDateTime),
});

export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  serialize: (v) => String(v),
  parseValue: parseDecimal,
  parseLiteral: literal(parseDecimal),
});

export const scalarResolvers = { Date: DateScalar, DateTime: DateTimeScalar, Decimal: DecimalScalar };
