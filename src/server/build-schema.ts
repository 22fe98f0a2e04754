// The executable schema from SDL and a resolver map, built in steps (issue 9 point 3).
//
// What graphql-tools' makeExecutableSchema does for us (buildASTSchema, then the resolvers set on a copy of
// the schema), but in steps that yield (./steps.ts): the SDL comes as many small documents (one per
// resource, src/generate/sdl.ts `typeDefParts`), each parsed into types on its own, the types' fields are
// made one type at a time, and the schema's SDL is printed one type at a time. makeExecutableSchema is
// one synchronous call that parses, merges and builds the whole document and then copies the schema
// again to set the resolvers: at the platform's bounds (2,000 resources, 14,000 types) that held the event
// loop for seconds, and a publication must not hold it for more than 100 ms at a time.
//
// It reads the SDL the generator writes and schema/platform.graphql: object types (and `extend type`),
// input objects, enums and scalars; anything else is refused. Resolvers follow makeExecutableSchema's
// conventions as far as the gateway uses them: a function (or `{ resolve }`) per object field, GraphQL
// name → internal value for enums, a GraphQLScalarType for a scalar; a resolver for a type or field the
// SDL lacks is an error, as there. The schema is built with `assumeValid`: graphql-js would otherwise
// validate all of it, in one go, on the first request it serves. What validation would catch here is
// checked while building (unknown and duplicate names, input and output types in their places); the
// names themselves come from catalogues that are validated before they are published.
import {
  GraphQLDeprecatedDirective, GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLObjectType,
  GraphQLScalarType, GraphQLSchema, GraphQLSpecifiedByDirective, Kind, getDirectiveValues, isInputType, isIntrospectionType,
  isOutputType, isSpecifiedScalarType, parse, printType, specifiedScalarTypes,
  type EnumTypeDefinitionNode, type GraphQLEnumValueConfigMap, type FieldDefinitionNode, type GraphQLArgumentConfig, type GraphQLFieldConfig,
  type GraphQLFieldResolver, type GraphQLInputFieldConfig, type GraphQLInputType, type GraphQLNamedType, type GraphQLOutputType,
  type GraphQLType, type InputObjectTypeDefinitionNode, type InputValueDefinitionNode, type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode, type ScalarTypeDefinitionNode, type TypeNode, valueFromAST,
} from 'graphql';
import { runSteps, type Steps } from './steps.ts';

/** Fields made, or printed, in one step. */
const FIELDS_PER_STEP = 200;

type Resolve = GraphQLFieldResolver<unknown, unknown>;

export interface SchemaParts {
  /** SDL documents; a type may be referred to before (or after) the document that defines it. */
  typeDefs: Iterable<string>;
  /** makeExecutableSchema's resolver map (see above). */
  resolvers: Record<string, unknown>;
  /** Wraps the resolver of an object type's field (the access rules); called once per field. */
  wrap?: (type: string, field: string, resolve: Resolve | undefined) => Resolve | undefined;
}

export interface BuiltSchema {
  schema: GraphQLSchema;
  /** What graphql-js's printSchema prints for it. */
  sdl: string;
}

const SPECIFIED = new Map<string, GraphQLNamedType>(specifiedScalarTypes.map((t) => [t.name, t]));

const deprecation = (node: FieldDefinitionNode | InputValueDefinitionNode | { directives?: readonly unknown[] }) =>
  (getDirectiveValues(GraphQLDeprecatedDirective, node as FieldDefinitionNode)?.reason as string | undefined) ?? undefined;

/** Builds the schema of `parts`; yields after each document parsed, each type made and each type printed. */
export function* buildExecutableSchema(parts: SchemaParts): Steps<BuiltSchema> {
  const { resolvers, wrap } = parts;
  const types = new Map<string, GraphQLNamedType>();
  const extensions = new Map<string, ObjectTypeExtensionNode[]>();

  const named = (name: string): GraphQLNamedType => {
    const type = SPECIFIED.get(name) ?? types.get(name);
    if (!type) throw new Error(`Unknown type "${name}".`);
    return type;
  };
  const typeOf = (node: TypeNode): GraphQLType =>
    node.kind === Kind.NAMED_TYPE ? named(node.name.value)
      : node.kind === Kind.LIST_TYPE ? new GraphQLList(typeOf(node.type))
        : new GraphQLNonNull(typeOf(node.type) as never);
  const inputTypeOf = (node: TypeNode, where: string): GraphQLInputType => {
    const type = typeOf(node);
    if (!isInputType(type)) throw new Error(`${where}: ${String(type)} is not an input type.`);
    return type;
  };
  const outputTypeOf = (node: TypeNode, where: string): GraphQLOutputType => {
    const type = typeOf(node);
    if (!isOutputType(type)) throw new Error(`${where}: ${String(type)} is not an output type.`);
    return type;
  };
  const resolversOf = (type: string) => (resolvers[type] ?? {}) as Record<string, unknown>;
  const inputValue = (node: InputValueDefinitionNode, where: string): GraphQLArgumentConfig & GraphQLInputFieldConfig => {
    const type = inputTypeOf(node.type, where);
    return {
      type,
      description: node.description?.value,
      defaultValue: node.defaultValue ? valueFromAST(node.defaultValue, type) : undefined,
      deprecationReason: deprecation(node),
    };
  };

  const objectDefs = new Map<string, ObjectTypeDefinitionNode>();
  /** Object field configs made ahead of graphql-js's `fields` thunk, a few at a time (prepareFields). */
  const prepared = new Map<string, Record<string, GraphQLFieldConfig<unknown, unknown>>>();

  /** Makes the field configs of an object type, yielding every FIELDS_PER_STEP fields. */
  function* prepareFields(name: string, def: ObjectTypeDefinitionNode): Steps<Record<string, GraphQLFieldConfig<unknown, unknown>>> {
    const own = resolversOf(name);
    const fields: Record<string, GraphQLFieldConfig<unknown, unknown>> = {};
    let n = 0;
    for (const node of [def, ...(extensions.get(name) ?? [])]) {
      for (const f of node.fields ?? []) {
        const field = f.name.value;
        const where = `${name}.${field}`;
        if (Object.hasOwn(fields, field)) throw new Error(`${where} is defined twice.`);
        const args: Record<string, GraphQLArgumentConfig> = {};
        for (const a of f.arguments ?? []) args[a.name.value] = inputValue(a, `${where}(${a.name.value})`);
        const given = (Object.hasOwn(own, field) ? own[field] : undefined) as Resolve | { resolve?: Resolve } | undefined;
        const resolve = typeof given === 'function' ? given : given?.resolve;
        fields[field] = {
          type: outputTypeOf(f.type, where),
          args,
          description: f.description?.value,
          deprecationReason: deprecation(f),
          resolve: wrap ? wrap(name, field, resolve) : resolve,
        };
        if (++n % FIELDS_PER_STEP === 0) yield;
      }
    }
    for (const field of Object.keys(own)) if (!Object.hasOwn(fields, field)) throw new Error(`${name}.${field} defined in resolvers, but not in schema.`);
    return fields;
  }

  function objectType(def: ObjectTypeDefinitionNode): GraphQLObjectType {
    const name = def.name.value;
    objectDefs.set(name, def);
    return new GraphQLObjectType({
      name,
      description: def.description?.value,
      interfaces: () => {
        if (def.interfaces?.length) throw new Error(`type ${name}: interfaces are not supported.`);
        return [];
      },
      fields: () => prepared.get(name) ?? runSteps(prepareFields(name, def)),
    });
  }

  function inputType(def: InputObjectTypeDefinitionNode): GraphQLInputObjectType {
    const name = def.name.value;
    return new GraphQLInputObjectType({
      name,
      description: def.description?.value,
      fields: () => {
        const fields: Record<string, GraphQLInputFieldConfig> = {};
        for (const f of def.fields ?? []) {
          if (Object.hasOwn(fields, f.name.value)) throw new Error(`${name}.${f.name.value} is defined twice.`);
          fields[f.name.value] = inputValue(f, `${name}.${f.name.value}`);
        }
        return fields;
      },
    });
  }

  function enumType(def: EnumTypeDefinitionNode): GraphQLEnumType {
    const name = def.name.value;
    const internal = resolversOf(name);
    const values: GraphQLEnumValueConfigMap = {};
    for (const v of def.values ?? []) {
      const value = v.name.value;
      if (Object.hasOwn(values, value)) throw new Error(`${name}.${value} is defined twice.`);
      values[value] = { value: Object.hasOwn(internal, value) ? internal[value] : value, description: v.description?.value, deprecationReason: deprecation(v) };
    }
    for (const value of Object.keys(internal)) if (!Object.hasOwn(values, value)) throw new Error(`${name}.${value} was defined in resolvers, but not present within ${name}.`);
    return new GraphQLEnumType({ name, description: def.description?.value, values });
  }

  function scalarType(def: ScalarTypeDefinitionNode): GraphQLScalarType {
    const given = resolvers[def.name.value];
    // makeExecutableSchema copies the resolver scalar's properties over the SDL's, description included.
    if (given instanceof GraphQLScalarType) return given;
    const specifiedBy = getDirectiveValues(GraphQLSpecifiedByDirective, def)?.url as string | undefined;
    return new GraphQLScalarType({ name: def.name.value, description: def.description?.value, specifiedByURL: specifiedBy });
  }

  // 1. Each document into types whose fields are made later (graphql-js calls the `fields` thunks).
  for (const sdl of parts.typeDefs) {
    for (const def of parse(sdl, { noLocation: true }).definitions) {
      if (def.kind === Kind.OBJECT_TYPE_EXTENSION) {
        extensions.set(def.name.value, (extensions.get(def.name.value) ?? []).concat(def));
        continue;
      }
      const make =
        def.kind === Kind.OBJECT_TYPE_DEFINITION ? objectType
          : def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ? inputType
            : def.kind === Kind.ENUM_TYPE_DEFINITION ? enumType
              : def.kind === Kind.SCALAR_TYPE_DEFINITION ? scalarType
                : null;
      if (!make) throw new Error(`${def.kind} is not supported in the gateway's SDL.`);
      const name = (def as { name: { value: string } }).name.value;
      if (types.has(name) || SPECIFIED.has(name)) throw new Error(`There can be only one type named "${name}".`);
      types.set(name, make(def as never));
    }
    yield;
  }
  for (const name of extensions.keys()) if (!(named(name) instanceof GraphQLObjectType)) throw new Error(`extend type ${name}: not an object type.`);
  for (const name of Object.keys(resolvers)) if (!types.has(name)) throw new Error(`"${name}" defined in resolvers, but not in schema.`);

  // 2. The fields of every type, a few at a time.
  for (const type of types.values()) {
    if (type instanceof GraphQLObjectType) prepared.set(type.name, yield* prepareFields(type.name, objectDefs.get(type.name)!));
    if (type instanceof GraphQLObjectType || type instanceof GraphQLInputObjectType) type.getFields();
    prepared.delete(type.name);
    yield;
  }

  // 3. The schema: its constructor walks every type, which now costs little.
  const query = types.get('Query');
  const mutation = types.get('Mutation');
  if (!(query instanceof GraphQLObjectType)) throw new Error('The schema has no Query type.');
  const schema = new GraphQLSchema({
    query,
    mutation: mutation instanceof GraphQLObjectType ? mutation : undefined,
    types: [...types.values()],
    assumeValid: true,
  });
  yield;

  // 4. Its SDL, as printSchema prints a schema with the usual root names and no directives of its own.
  // Joined a few hundred types at a time: printed types are strings made by concatenation, and joining
  // 14,000 of them at once (flattening each) was one step of tens of milliseconds.
  const printed: string[] = [];
  let batch: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isSpecifiedScalarType(type) || isIntrospectionType(type)) continue;
    batch.push(type instanceof GraphQLObjectType ? yield* printObjectType(type) : printType(type));
    if (batch.length === 500) {
      printed.push(batch.join('\n\n'));
      batch = [];
    }
    yield;
  }
  if (batch.length) printed.push(batch.join('\n\n'));
  return { schema, sdl: printed.join('\n\n') };
}

/**
 * printType of an object type, FIELDS_PER_STEP fields at a time (a department's type has two fields per
 * resource it provides): each slice printed as a type of its own, their bodies joined as printType joins
 * fields (a described field after the first gets a blank line before it).
 */
function* printObjectType(type: GraphQLObjectType): Steps<string> {
  const fields = Object.entries(type.toConfig().fields);
  if (fields.length <= FIELDS_PER_STEP) return printType(type);
  const head = printType(new GraphQLObjectType({ name: type.name, description: type.description, fields: {} }));
  const bodies: string[] = [];
  for (let from = 0; from < fields.length; from += FIELDS_PER_STEP) {
    yield;
    const slice = fields.slice(from, from + FIELDS_PER_STEP);
    const text = printType(new GraphQLObjectType({ name: type.name, description: type.description, fields: Object.fromEntries(slice) }));
    const body = text.slice(head.length + ' {\n'.length, -'\n}'.length);
    bodies.push(from > 0 && slice[0][1].description != null ? `\n${body}` : body);
  }
  return `${head} {\n${bodies.join('\n')}\n}`;
}
