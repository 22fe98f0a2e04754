// Introspection per department (SPEC §15): a department that introspects the gateway gets the schema as it
// sees it, the schema of `govgraph schema print --dept CODE` (src/generate/department-view.ts): no resource,
// item or link it can never read, whatever purpose it declares or grant it gets. GraphiQL's documentation
// and a client generated from the running gateway (docs/typed-clients.md) then offer only what the
// department may read; the rules still decide every read.
//
// An operation whose root selects only introspection (`__schema`, `__type`, and `__typename`) is executed
// on the department's view instead of the gateway's schema. An operation that mixes `__schema` or `__type`
// with other fields is refused: adding a field must not show the whole schema. Views are built once per
// department and publication; the connected platforms' namespaces in them are kept by
// src/federation/connected.ts until one changes or a platform missing from a view answers. Anonymous requests
// never get this far: the context refuses them (UNAUTHENTICATED), and `server.introspection: false` turns
// introspection off for everyone.
import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import {
  execute, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { departmentCatalogues } from '../../generate/department-view.ts';
import type { Catalogue } from '../../model/catalogue.ts';
import type { Department, Platform } from '../../model/platform.ts';
import type { RequestContext } from '../../../resolvers/request.ts';
import { buildGatewaySchemaInSteps } from '../assemble.ts';
import type { SchemaExtension } from '../schema-holder.ts';

const INTROSPECTION = new Set(['__schema', '__type']);

/** The names of the fields the operation selects at its root, through fragments. */
export function rootFields(document: DocumentNode, operation: OperationDefinitionNode): Set<string> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const names = new Set<string>();
  const spread = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) names.add(s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (!spread.has(s.name.value)) {
        spread.add(s.name.value);
        const f = fragments.get(s.name.value);
        if (f) walk(f.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return names;
}

/** The department's view schemas, per publication (the catalogues array the request was built on). */
export class DepartmentViews {
  private readonly cache = new WeakMap<readonly Catalogue[], Map<string, Promise<GraphQLSchema>>>();

  constructor(
    private readonly platform: Platform,
    private readonly extension?: SchemaExtension,
  ) {}

  /**
   * Built in steps the first time (src/server/steps.ts): a big platform's view takes seconds to build. The
   * connected platforms' namespaces are added at each call: the extension keeps what it added, and knows
   * when a namespace changed or a platform that was down answers again.
   */
  async schemaFor(published: readonly Catalogue[], dept: Department): Promise<GraphQLSchema> {
    const local = await this.localView(published, dept);
    if (this.extension?.extendFor) return this.extension.extendFor(local, dept);
    return this.extension ? this.extension.extend(local) : local;
  }

  /** The department's view of this platform's own catalogues. */
  private localView(published: readonly Catalogue[], dept: Department): Promise<GraphQLSchema> {
    let byDept = this.cache.get(published);
    if (!byDept) this.cache.set(published, (byDept = new Map()));
    // A forwarded department (SPEC §12) is decided by its level and region, as any other.
    const key = `${dept.code}|${dept.level}|${dept.region}`;
    let schema = byDept.get(key);
    if (!schema) {
      const views = byDept;
      schema = buildGatewaySchemaInSteps(this.platform, departmentCatalogues(this.platform, published, dept), { rules: false }).then((built) => built.schema);
      // A build that failed is not kept: the next request tries again.
      schema.catch(() => views.delete(key));
      byDept.set(key, schema);
    }
    return schema;
  }
}

function single(result: { data?: unknown; errors?: readonly unknown[] }, status?: number): GraphQLResponse {
  return {
    http: { status, headers: new HeaderMap() },
    body: { kind: 'single', singleResult: result as never },
  };
}

export function introspectionPlugin(views: DepartmentViews): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation(rc) {
          const ctx = rc.contextValue;
          const operation = rc.operation;
          if (!operation || operation.operation !== 'query' || !ctx.identity) return null;
          const fields = rootFields(rc.document, operation);
          if (![...fields].some((f) => INTROSPECTION.has(f))) return null;
          if (![...fields].every((f) => INTROSPECTION.has(f) || f === '__typename')) {
            return single({
              errors: [{
                message: 'Introspection (__schema, __type) answers with your department\'s view of the schema: ask it in an operation of its own, without other fields.',
                extensions: { code: 'BAD_USER_INPUT' },
              }],
            }, 400);
          }
          const result = await execute({
            schema: await views.schemaFor(ctx.published, ctx.identity.dept),
            document: rc.document,
            operationName: rc.operationName,
            variableValues: rc.request.variables,
            contextValue: ctx,
          });
          return single({ data: result.data, ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}) });
        },
      };
    },
  };
}
