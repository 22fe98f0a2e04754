// Introspection per department (SPEC §15): a department that introspects the gateway gets the schema as it
// sees it, the schema of `govgraph schema print --dept CODE` (src/generate/department-view.ts): no resource,
// item or link it can never read, whatever purpose it declares or grant it gets. GraphiQL's documentation
// and a client generated from the running gateway (docs/typed-clients.md) then offer only what the
// department may read; the rules still decide every read.
//
// An operation whose root selects only introspection (`__schema`, `__type`, and `__typename`) is executed
// on the department's view instead of the gateway's schema. An operation that mixes `__schema` or `__type`
// with other fields is refused: adding a field must not show the whole schema. Views are built once per
// distinct view and publication; the connected platforms' namespaces in them are kept by
// src/federation/connected.ts until one changes or a platform missing from a view answers. Anonymous requests
// never get this far: the context refuses them (UNAUTHENTICATED), and `server.introspection: false` turns
// introspection off for everyone.
import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import {
  Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { departmentCatalogues } from '../../generate/department-view.ts';
import type { Catalogue } from '../../model/catalogue.ts';
import type { Department, Platform } from '../../model/platform.ts';
import type { RequestContext } from '../../../resolvers/request.ts';
import { LRUCache } from 'lru-cache';
import { buildGatewaySchemaInSteps, type GatewaySchema } from '../assemble.ts';
import type { SchemaExtension } from '../schema-holder.ts';
import type { LimitedRun } from '../deadline.ts';
import { executeIntrospection } from './introspection-once.ts';

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

/** Distinct views kept per publication; more are built again when asked (a build of a big platform's view takes seconds). */
const VIEWS_KEPT = 16;
/** Departments whose view is known per publication (the key of their view). */
const DEPARTMENTS_KEPT = 1024;

/**
 * The department's view schemas, per publication (the catalogues array the request was built on), each
 * built once per distinct view: by what it holds (the resources and items the department may read at
 * all), not by department code. Departments of another platform (forwarded, SPEC §12) are named by the
 * platform that forwards them, any code within its region: the same view for all of them that read the
 * same, and bounded caches, so that naming new codes costs no build and no memory that stays.
 */
export class DepartmentViews {
  private readonly cache = new WeakMap<readonly Catalogue[], {
    keys: LRUCache<string, string>;
    views: LRUCache<string, Promise<GatewaySchema>>;
  }>();

  constructor(
    private readonly platform: Platform,
    private readonly extension?: SchemaExtension,
  ) {}

  /**
   * The schema the department introspects: its view with the connected platforms' namespaces, added at
   * each call (the extension keeps what it added, and knows when a namespace changed or a platform that
   * was down answers again).
   */
  async schemaFor(published: readonly Catalogue[], dept: Department): Promise<GraphQLSchema> {
    const local = (await this.viewFor(published, dept)).schema;
    if (this.extension?.extendFor) return this.extension.extendFor(local, dept);
    return this.extension ? this.extension.extend(local) : local;
  }

  /** The department's view of this platform's own catalogues; built in steps the first time (src/server/steps.ts). */
  viewFor(published: readonly Catalogue[], dept: Department): Promise<GatewaySchema> {
    let kept = this.cache.get(published);
    if (!kept) this.cache.set(published, (kept = { keys: new LRUCache({ max: DEPARTMENTS_KEPT }), views: new LRUCache({ max: VIEWS_KEPT }) }));
    // A forwarded department (SPEC §12) is decided by its code, level and region, as any other, and by
    // the platform that forwarded it: it holds no grant here (generate/department-view.ts).
    const deptKey = `${dept.code}|${dept.level}|${dept.region}|${dept.via ?? ''}`;
    let key = kept.keys.get(deptKey);
    let cut: Catalogue[] | null = null;
    if (key === undefined) {
      cut = departmentCatalogues(this.platform, published, dept);
      kept.keys.set(deptKey, (key = viewKey(cut)));
    }
    let view = kept.views.get(key);
    if (!view) {
      const views = kept.views;
      const k = key;
      view = buildGatewaySchemaInSteps(this.platform, cut ?? departmentCatalogues(this.platform, published, dept), { rules: false });
      // A build that failed is not kept: the next request tries again.
      view.catch(() => views.get(k) === view && views.delete(k));
      views.set(key, view);
    }
    return view;
  }
}

/** What a view holds: the resources and items left of the publication (a view is built from nothing else). */
function viewKey(cut: readonly Catalogue[]): string {
  const hash = createHash('sha256');
  for (const c of cut) {
    hash.update(`${c.id}\n`);
    for (const r of c.resources) hash.update(`${r.code}:${r.items.map((i) => i.name).join(',')}\n`);
  }
  return hash.digest('base64url');
}

function single(result: { data?: unknown; errors?: readonly unknown[] }, status?: number): GraphQLResponse {
  return {
    http: { status, headers: new HeaderMap() },
    body: { kind: 'single', singleResult: result as never },
  };
}

/** `limited`: the gateway's time limit and departments' turns (deadline.ts); absent when it runs without limits. */
export function introspectionPlugin(views: DepartmentViews, limited?: LimitedRun): ApolloServerPlugin<RequestContext> {
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
          // The view first, outside the time limit and the turn: built once per view and publication for
          // every department that reads the same, in steps that give the loop back, and fetched from a
          // connected platform within its own timeoutMs; a first introspection after a publication waits
          // for it rather than answer TIMEOUT while it goes on being built.
          const schema = await views.schemaFor(ctx.published, ctx.identity.dept);
          // Then under the time limit, and walking the schema (`__schema { types }`) in the department's
          // turn (src/limits/turns.ts), as its data queries: answered here, they never reach the executor.
          // Aliases asking the same are answered once (./introspection-once.ts).
          const introspect = async () => executeIntrospection({
            schema,
            document: rc.document,
            operationName: rc.operationName,
            variableValues: rc.request.variables,
            contextValue: ctx,
          });
          const result = limited ? await limited({ operation, document: rc.document, context: ctx }, introspect) : await introspect();
          return single({ data: result.data, ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}) });
        },
      };
    },
  };
}
