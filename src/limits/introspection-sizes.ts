// The sizes the cost walk (src/limits/cost-tally.ts) gives the introspection lists.
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isUnionType, type GraphQLSchema } from 'graphql';

/**
 * Sizes of the introspection lists, from the schema itself: on average, what each parent holds (so that an
 * introspection query costs about what its answer holds). Computed once per schema.
 */
const introspectionSizes = new WeakMap<GraphQLSchema, Map<string, number>>();

export function introspectionSizesOf(schema: GraphQLSchema): Map<string, number> {
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
