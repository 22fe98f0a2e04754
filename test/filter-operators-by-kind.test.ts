// Which filter operators a caller can send on which item type (SPEC §5), read off the schema the gateway
// builds: the pairs the store's two adapters must answer alike (test/store-contract.test.ts). A boolean
// item takes `eq` only, so no filter brings a boolean to a range; a range reaches a boolean only as a
// cursor's condition, after an orderBy on it (src/store/keyset.ts). A decimal takes every range operator,
// with a Decimal value (never a float). A masked (secret) decimal takes `eq` and `in` only (SPEC §6).
import { getNamedType, isInputObjectType, type GraphQLSchema } from 'graphql';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateCatalogueFiles } from '../src/catalogue/files.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { Decimal } from '../src/formats/decimal.ts';

const fixture = (file: string) => fileURLToPath(new URL(`./fixtures/decimals/${file}`, import.meta.url));

function schema(): GraphQLSchema {
  const platform = loadPlatform(fixture('platform.yaml'));
  const report = validateCatalogueFiles([fixture('catalogue.yaml')], platform, []);
  if (!report.catalogues) throw new Error(JSON.stringify(report.problems));
  return buildGatewaySchema(platform, report.catalogues, { rules: false }).schema;
}

/** The operators of an input type, each with the scalar it takes. */
function operators(s: GraphQLSchema, name: string): Record<string, string> {
  const type = s.getType(name);
  if (!isInputObjectType(type)) throw new Error(`${name} is not an input type`);
  return Object.fromEntries(Object.values(type.getFields()).map((f) => [f.name, getNamedType(f.type).name]));
}

const RANGE = ['eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte'];

describe('filter operators by item type (what reaches the store)', () => {
  const s = schema();
  it('offers strings eq ne in startsWith contains; numbers, decimals, dates and datetimes the ranges; booleans eq only', () => {
    const of = (name: string) => Object.keys(operators(s, name));
    expect(of('StringFilter')).toEqual(['eq', 'ne', 'in', 'startsWith', 'contains']);
    for (const name of ['IntFilter', 'FloatFilter', 'DecimalFilter', 'DateFilter', 'DateTimeFilter']) expect(of(name)).toEqual(RANGE);
    expect(of('BooleanFilter')).toEqual(['eq']);
  });
  it('gives a decimal item the Decimal scalar in every operator, so a range on it compares Decimal values', () => {
    expect(new Set(Object.values(operators(s, 'DecimalFilter')))).toEqual(new Set(['Decimal']));
    const payment = operators(s, 'PaymentFilter');
    expect([payment.amount, payment.bonus, payment.weight]).toEqual(['DecimalFilter', 'DecimalFilter', 'FloatFilter']);
    const parsed = s.getType('Decimal') as unknown as { parseValue(v: unknown): unknown };
    expect(parsed.parseValue('450.10')).toBeInstanceOf(Decimal);
    expect(parsed.parseValue(2.5)).toBeInstanceOf(Decimal); // a variable's number is a decimal too, never a float
  });
});
