// The shield rule map as generated: deny by default, and a rule that fails is an internal error,
// never an authorisation answer.
import { execute, isObjectType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { validateCatalogueFiles } from '../src/catalogue/files.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { applyMiddleware } from '../src/rules/shield.ts';
import { createAccessContext } from '../src/access/context.ts';
import { buildGatewaySchema, permissions } from '../src/server/assemble.ts';
import { buildSchemaModel } from '../src/generate/model.ts';
import { dataRules } from '../src/rules/data-rules.ts';

const platform = loadPlatform(DEMO_PLATFORM_FILE);
const catalogues = validateCatalogueFiles(demoCatalogueFiles(), platform, []).catalogues!;

describe('generated rules', () => {
  it('give every item and link field of every resource type a rule of its own', () => {
    const model = buildSchemaModel(platform, catalogues);
    const rules = dataRules(model);
    const { schema } = buildGatewaySchema(platform, catalogues, { rules: false });
    for (const m of model.byCode.values()) {
      const type = schema.getType(m.typeName);
      expect(isObjectType(type)).toBe(true);
      const fields = Object.keys((type as { getFields(): object }).getFields()).sort();
      expect(Object.keys(rules[m.typeName]).sort()).toEqual(fields);
    }
  });

  it('turn a failing decision into an internal error, not FORBIDDEN or a denial code', async () => {
    const { schema } = buildGatewaySchema(platform, catalogues);
    const dept = platform.departments.find((d) => d.code === '430000-MZ')!;
    const broken = {
      item() {
        throw new Error('decision table unreachable');
      },
      resource() {
        throw new Error('decision table unreachable');
      },
      peekItem() {
        throw new Error('decision table unreachable');
      },
      taken: () => new Map(),
    };
    const result = await execute({
      schema,
      document: parse('{ humanResources { employmentRegistrations(first: 1) { nodes { position } } } }'),
      contextValue: { identity: { user: 'u', dept, roles: [] }, purpose: 'social-assistance', access: broken, platform },
    });
    expect(result.errors?.map((e) => [e.message, e.extensions.code])).toEqual([['decision table unreachable', undefined]]);
  });

  it('deny, by the fallback rule, a field that no rule names', async () => {
    const model = buildSchemaModel(platform, catalogues);
    const rules = dataRules(model);
    delete rules.EmploymentRegistration.position; // as if the generator forgot an item
    const { schema: base } = buildGatewaySchema(platform, catalogues, { rules: false });
    const schema = applyMiddleware(base, permissions(rules));
    const dept = platform.departments.find((d) => d.code === '430000-RST')!; // the provider: row 0 allows all
    const ctx = { identity: { user: 'u', dept, roles: [] }, purpose: null, platform, access: createAccessContext({ requester: dept, purpose: null, grants: [], now: new Date() }) };
    const result = await execute({
      schema,
      document: parse('{ humanResources { employmentRegistration(registrationNo: "JY000000000001") { registrationNo position } } }'),
      contextValue: { ...ctx, store: { find: async () => [{ registrationNo: 'JY000000000001', position: 'driver' }] }, records: new Map(), reads: new Map() },
    });
    expect(result.data).toEqual({ humanResources: { employmentRegistration: { registrationNo: 'JY000000000001', position: null } } });
    expect(result.errors?.map((e) => [e.path?.join('.'), e.extensions.code])).toEqual([
      ['humanResources.employmentRegistration.position', 'FORBIDDEN'],
    ]);
  });
});

describe('one schema per publication: shield wraps the entry fields, the read plan answers for the rest', () => {
  const built = buildGatewaySchema(platform, catalogues);
  const field = (s: import('graphql').GraphQLSchema, type: string, name: string) =>
    (s.getType(type) as import('graphql').GraphQLObjectType).getFields()[name];

  it('wraps root, department, list, lookup and platform fields, and no item or link field', () => {
    expect(field(built.schema, 'Query', 'humanResources').resolve).toBeTypeOf('function');
    expect(field(built.schema, 'Query', 'me').resolve).toBeTypeOf('function');
    expect(field(built.schema, 'HumanResourcesResources', 'employmentRegistrations').resolve).toBeTypeOf('function');
    expect(field(built.schema, 'HumanResourcesResources', 'employmentRegistration').resolve).toBeTypeOf('function');
    expect(field(built.schema, 'EmploymentRegistration', 'position').resolve).toBeUndefined();
    expect(field(built.schema, 'EmploymentRegistration', 'monthlyWage').resolve).toBeUndefined();
    // A link is read with the page by the read plan and put on the rows: no resolver, no per-row rule.
    expect(field(built.schema, 'EmploymentRegistration', 'employer').resolve).toBeUndefined();
    expect(Object.keys(built)).not.toContain('variant');
  });
});
