// Every part of the schema carries a description: GraphiQL's documentation, an editor's hover and the
// comments of generated clients show it. A developer used to meet bare list arguments of the generated
// part (what is `first`'s maximum?), filter fields and order values without the item's title, and the
// scalars Date, DateTime and Decimal without the description their SDL gives them (the executable schema
// took the scalar objects, which had none); and most fields, arguments, input fields and enum values of
// the platform's own part (schema/platform.graphql: the workflow, the audit log, ...) had none at all.
import { readFileSync } from 'node:fs';
import {
  isEnumType, isInputObjectType, isIntrospectionType, isObjectType, isSpecifiedScalarType, isTypeDefinitionNode, Kind, parse,
  type GraphQLNamedType, type GraphQLSchema,
} from 'graphql';
import { describe, expect, test } from 'vitest';
import { validateCatalogueFiles } from '../src/catalogue/files.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { PLATFORM_SDL_FILE } from '../src/model/platform-sdl.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';

const platformDocument = parse(readFileSync(PLATFORM_SDL_FILE, 'utf8'));

/** The types schema/platform.graphql defines: the platform's own, not generated from catalogues. */
const platformTypes = new Set(platformDocument.definitions.filter(isTypeDefinitionNode).map((d) => d.name.value));

/** The Query fields schema/platform.graphql adds (`extend type Query`): me, catalogues, auditLog, ... */
const platformQueryFields = new Set(
  platformDocument.definitions.flatMap((d) => (d.kind === Kind.OBJECT_TYPE_EXTENSION && d.name.value === 'Query' ? d.fields ?? [] : [])).map((f) => f.name.value),
);

/** The type (but Query and Mutation), and each of its fields, arguments, input fields and enum values that `field` keeps, without a description. */
function undescribedParts(type: GraphQLNamedType, field: (name: string) => boolean = () => true): string[] {
  const missing: string[] = [];
  if (type.name !== 'Query' && type.name !== 'Mutation' && !type.description) missing.push(type.name);
  if (isObjectType(type)) {
    for (const f of Object.values(type.getFields()).filter((f) => field(f.name))) {
      if (!f.description) missing.push(`${type.name}.${f.name}`);
      for (const arg of f.args) if (!arg.description) missing.push(`${type.name}.${f.name}(${arg.name})`);
    }
  }
  if (isInputObjectType(type)) for (const f of Object.values(type.getFields())) if (!f.description) missing.push(`${type.name}.${f.name}`);
  if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
  return missing;
}

/** Each part of the generated part of the schema that has no description. */
function undescribed(schema: GraphQLSchema): string[] {
  const departments = new Set(Object.values(schema.getQueryType()!.getFields()).filter((f) => !platformTypes.has(f.type.toString().replace(/[![\]]/g, ''))).map((f) => f.name));
  return Object.values(schema.getTypeMap())
    .filter((type) => !isIntrospectionType(type) && !isSpecifiedScalarType(type) && !platformTypes.has(type.name))
    .flatMap((type) => undescribedParts(type, (name) => type.name !== 'Query' || departments.has(name)));
}

/** Each part of the platform's own schema (schema/platform.graphql), as served, that has no description. */
function undescribedPlatform(schema: GraphQLSchema): string[] {
  return [
    ...undescribedParts(schema.getQueryType()!, (name) => platformQueryFields.has(name)),
    ...[...platformTypes].flatMap((name) => undescribedParts(schema.getType(name)!)),
  ];
}

describe('descriptions of the generated schema', () => {
  const platform = loadPlatform(DEMO_PLATFORM_FILE);
  const report = validateCatalogueFiles(demoCatalogueFiles(), platform, []);
  const { schema } = buildGatewaySchema(platform, report.catalogues!, { rules: false });

  test('every type, field, argument, input field and enum value generated from the catalogues has one', () => {
    expect(undescribed(schema)).toEqual([]);
  });

  test('the served scalars keep their descriptions, and Decimal says how to send it', () => {
    expect(schema.getType('Date')?.description).toBe('A calendar date, YYYY-MM-DD.');
    expect(schema.getType('DateTime')?.description).toBe('A point in time, ISO 8601 with an offset; returned in UTC.');
    expect(schema.getType('Decimal')?.description).toMatch(/returned as a string so that no digit is lost.*Send it as a string/);
  });

  test('a filter field names its item, and a masked item the only operators it takes', () => {
    const resource = report.catalogues!.flatMap((c) => c.resources).find((r) => r.items.some((i) => i.sensitivity))!;
    const item = resource.items.find((i) => i.sensitivity)!;
    const filter = schema.getType(`${resource.graphql.type}Filter`);
    if (!isInputObjectType(filter)) throw new Error('no filter type');
    // Shared unconditionally, the item is masked for good: no grant unmasks it (test/masked-descriptions.test.ts).
    expect(resource.share.type).toBe('unconditional');
    expect(filter.getFields()[item.name]!.description).toBe(`${item.title ?? item.name} · ${item.sensitivity}: only eq and in`);
    const list = Object.values(schema.getTypeMap()).filter(isObjectType).flatMap((t) => Object.values(t.getFields())).find((f) => f.name === resource.graphql.list)!;
    expect(list.args.find((a) => a.name === 'first')!.description).toBe('Records in this page, at most 1000.');
  });
});

describe('descriptions of the platform schema', () => {
  const platform = loadPlatform(DEMO_PLATFORM_FILE);
  const { schema } = buildGatewaySchema(platform, [], { rules: false });

  test('every type, field, argument, input field and enum value of schema/platform.graphql has one', () => {
    expect(platformQueryFields.size).toBeGreaterThan(0);
    expect(undescribedPlatform(schema)).toEqual([]);
  });
});
