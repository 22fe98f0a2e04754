// The two transforms that put a connected platform's schema under its namespace (SPEC §12): its type
// names prefixed (graphql-tools' RenameTypes) and its Query wrapped as `Query.<namespace>` (WrapType).
// Their schemas and delegated requests are graphql-tools' own; only the way the answer is rewritten
// differs. Both library transforms rewrite it with `visitData`, which redefines every property of every
// object of the answer (Object.defineProperty) for a change that touches `__typename` and the root:
// measured on a 100-record answer, the two walks and the garbage they leave cost more than the rest of
// the delegation's result handling (docs/benchmarks.md). Here the answer (a fresh JSON parse, owned by
// this request) is rewritten in place with plain assignments: the same values, the same object graph.
import type { DelegationContext, SubschemaConfig, Transform } from '@graphql-tools/delegate';
import { MapperKind, mapSchema, type ExecutionRequest, type ExecutionResult } from '@graphql-tools/utils';
import { RenameTypes, WrapType } from '@graphql-tools/wrap';
import { GraphQLObjectType, type GraphQLSchema } from 'graphql';

type Data = Record<string, unknown>;

/** RenameTypes with `prefix`; the answer's `__typename`s renamed in place. */
export class PrefixTypes implements Transform {
  private readonly inner: RenameTypes;
  /** Old name → new name, of the types the inner transform renamed (not the root types, nor built-in scalars). */
  private readonly renamed = new Map<string, string>();

  constructor(private readonly prefix: string) {
    this.inner = new RenameTypes((name) => prefix + name);
  }

  transformSchema(schema: GraphQLSchema, config: SubschemaConfig): GraphQLSchema {
    const out = this.inner.transformSchema(schema, config);
    for (const name of Object.keys(schema.getTypeMap())) {
      if (out.getType(this.prefix + name) && !out.getType(name)) this.renamed.set(name, this.prefix + name);
    }
    return out;
  }

  transformRequest(request: ExecutionRequest, context: DelegationContext, transformation: Record<string, unknown>): ExecutionRequest {
    return this.inner.transformRequest(request, context, transformation);
  }

  transformResult(result: ExecutionResult): ExecutionResult {
    const renamed = this.renamed;
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) {
        for (const v of value) walk(v);
      } else if (value !== null && typeof value === 'object') {
        const o = value as Data;
        const name = o.__typename;
        if (typeof name === 'string') {
          const to = renamed.get(name);
          if (to !== undefined) o.__typename = to;
        }
        for (const key in o) walk(o[key]);
      }
    };
    walk(result.data);
    return result;
  }
}

/**
 * Two answers to the same field (the same arguments: GraphQL's validation sees to that) under different
 * selections, as one: objects key by key, lists item by item; null when either is (as one execution of
 * the merged selection would make it).
 */
function merged(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a === null || b === null) return null;
  if (Array.isArray(a) && Array.isArray(b)) return a.map((x, i) => merged(x, b[i]));
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out = a as Data;
    for (const key in b as Data) out[key] = merged(out[key], (b as Data)[key]);
    return out;
  }
  return b;
}

/** What WrapType's request transform records for its answer (WrapFieldsTransformationContext). */
interface Hoisted {
  paths?: Record<string, { pathToField: string[]; alias: string }>;
}

/** What the schema says of a namespace: its field on Query and its type. */
export interface NamespaceDocs {
  field: string;
  type: string;
}

/**
 * WrapType of `outer` as field `field` of type `wrapper`, both described by `docs` (WrapType leaves them
 * without a description); the answer's root un-hoisted in place of the whole walk.
 */
export class Namespace implements Transform {
  private readonly inner: WrapType;

  constructor(
    private readonly outer: string,
    private readonly wrapper: string,
    private readonly field: string,
    private readonly docs?: NamespaceDocs,
  ) {
    this.inner = new WrapType(outer, wrapper, field);
  }

  transformSchema(schema: GraphQLSchema, config: SubschemaConfig): GraphQLSchema {
    const wrapped = this.inner.transformSchema(schema, config);
    const docs = this.docs;
    if (!docs) return wrapped;
    return mapSchema(wrapped, {
      [MapperKind.QUERY_ROOT_FIELD]: (f, name) => (name === this.field ? { ...f, description: docs.field } : f),
      [MapperKind.OBJECT_TYPE]: (t) => (t.name === this.wrapper ? new GraphQLObjectType({ ...t.toConfig(), description: docs.type }) : t),
    });
  }

  transformRequest(request: ExecutionRequest, context: DelegationContext, transformation: Record<string, unknown>): ExecutionRequest {
    return this.inner.transformRequest(request, context, transformation);
  }

  transformResult(result: ExecutionResult, context: DelegationContext, transformation: Record<string, unknown>): ExecutionResult {
    // The errors' paths as WrapType relocates them (its own code: given no data, it walks none).
    const errors = result.errors ? this.inner.transformResult({ errors: result.errors }, context, transformation).errors : result.errors;
    const paths = (transformation as Hoisted).paths ?? {};
    const outer = this.outer;
    // WrapType's un-hoisting, applied as it applies it: to every object of the answer typed `outer`.
    const dehoist = (value: Data): Data => {
      const out: Data = Object.create(null);
      for (const alias in value) {
        const path = paths[alias];
        if (path == null) {
          out[alias] = value[alias];
          continue;
        }
        let at = out;
        for (const key of path.pathToField) at = (at[key] ||= Object.create(null)) as Data;
        // The namespace selected twice under one response key (`{ city { a } ...F }`, F selecting
        // `city { b }`) hoists each selection under its own alias to the same field: merged, where
        // WrapType keeps only the last one (the first selection's fields came back null, with no error).
        at[path.alias] = path.alias in at ? merged(at[path.alias], value[alias]) : value[alias];
      }
      return out;
    };
    const walk = (value: unknown): unknown => {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) value[i] = walk(value[i]);
        return value;
      }
      if (value !== null && typeof value === 'object') {
        let o = value as Data;
        if (o.__typename === outer) o = dehoist(o);
        for (const key in o) o[key] = walk(o[key]);
        return o;
      }
      return value;
    };
    return { ...result, data: walk(result.data) as ExecutionResult['data'], errors };
  }
}
