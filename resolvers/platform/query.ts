// The platform's Query fields: the lists and reports a department reads, each asking the workflow, audit or
// grant module that answers it.
import { isGrantActive } from '../../src/access/grant-model.ts';
import { listGrants } from '../../src/access/grants/listing.ts';
import { listAudit } from '../../src/audit/query.ts';
import { selectedFields } from '../../src/generate/selection.ts';
import { verifyAuditChain } from '../../src/audit/verify.ts';
import { checkpointFileFromEnv } from '../../src/audit/checkpoint.ts';
import { AUDIT_PAGE, defaultPageSize, listedDepartmentCode } from '../../src/model/platform.ts';
import { readOptions, readStore, scanStore, type RequestContext } from '../request.ts';
import { listCatalogues } from '../../src/workflow/catalogues.ts';
import { findPublishedResource, publishedCode, resourceView } from '../../src/workflow/resource-info.ts';
import { listSharingRequests } from '../../src/workflow/sharing.ts';
import { usageReport } from '../../src/workflow/usage.ts';
import { listObjections, objectionsSeenBy } from '../../src/workflow/objections.ts';
import { consistencyReport } from '../../src/workflow/consistency/report.ts';
import { grantsInForceAmong } from '../../src/access/item-since/in-force.ts';
import type { Grant } from '../../src/access/grant-model.ts';
import { listDemands, markKeptPromises } from '../../src/workflow/demands/reading.ts';
import { actorOf, envOf, translated } from './context.ts';
import { badInput, listProblems } from '../../src/workflow/errors.ts';
import { visibleTrim } from '../../src/model/input-bounds.ts';
import type { Resolvers } from './types.generated.ts';
import { supervisesPlatform } from '../../src/identity/roles.ts';
import { inTurn, oncePerRequest } from './counted-lists.ts';
import { listedOnce } from './reads.ts';
import { shownGrant } from './sharing-fields.ts';

/** markKeptPromises once a request, however many aliases of `demands` it holds (each list is read in turn). */
const promisesMarked = new WeakMap<RequestContext, Promise<void>>();
function promisesMarkedOnce(ctx: RequestContext): Promise<void> {
  let marked = promisesMarked.get(ctx);
  if (!marked) promisesMarked.set(ctx, (marked = markKeptPromises(envOf(ctx))));
  return marked;
}

const isSupervisor = (ctx: RequestContext) =>
  supervisesPlatform({ dept: ctx.identity.dept.code, roles: ctx.identity.roles }, ctx.platform.platform.competentDepartment);

/**
 * A filter given empty or blank names nothing: refused, naming it, as the commands refuse `--resource ''`
 * and consistencyReport an empty element. It was read as no filter by some fields (sharingRequests and
 * objections listed everything) and as a code matching nothing by others (grants, usage: an empty answer).
 * Blank as the workflow's texts are (visibleTrim): characters that show nothing alone (`\u200b`, `\u3164`)
 * are blank too, not a code that matched nothing.
 */
function requireNamed(field: string, given: Record<string, string | null | undefined>): void {
  const problems = Object.entries(given)
    .filter(([, v]) => typeof v === 'string' && !visibleTrim(v))
    .map(([path]) => ({ path, message: 'is empty' }));
  if (problems.length) throw badInput(listProblems(`${field} is refused: an empty filter names nothing; give a value, or leave it out.`, problems), problems);
}

export const queryFields: Pick<Resolvers, 'Query'> = {
  Query: {
    me: (_p, _a, ctx) => ({
      user: ctx.identity.user,
      department: ctx.identity.dept.code,
      departmentName: ctx.identity.dept.name,
      roles: ctx.identity.roles,
      purpose: ctx.purpose,
    }),

    catalogues: (_p, args, ctx, info) =>
      inTurn(ctx, info, false, () => translated(() => {
        requireNamed('catalogues', { id: args.id, compiler: args.compiler });
        return listCatalogues(envOf(ctx), ctx.identity.dept.code, {
          id: args.id ?? undefined,
          compiler: args.compiler == null ? undefined : listedDepartmentCode(ctx.platform, args.compiler),
          status: args.status ?? undefined,
          overdue: args.overdue ?? undefined,
        }, listedOnce(ctx));
      })),

    catalogue: async (_p, args, ctx) => (await listCatalogues(envOf(ctx), ctx.identity.dept.code, { id: args.id }, listedOnce(ctx)))[0] ?? null,

    resourceInfo: async (_p, args, ctx) => {
      const found = findPublishedResource(ctx.published, args.code);
      if (!found) return null;
      return resourceView(found.catalogue, found.resource, { requester: ctx.identity.dept, purpose: ctx.purpose, grants: ctx.grants, now: ctx.now });
    },

    sharingRequests: async (_p, args, ctx, info) => {
      await translated(async () => requireNamed('sharingRequests', { id: args.id, resource: args.resource }));
      return inTurn(ctx, info, !args.id && args.overdue == null, async (limit) => {
        const list = await listSharingRequests(envOf(ctx), { dept: ctx.identity.dept.code, roles: ctx.identity.roles }, {
          side: args.side ?? undefined,
          status: args.status ?? undefined,
          overdue: args.overdue ?? undefined,
          resource: args.resource ?? undefined,
          limit,
        }, ctx.published);
        return args.id ? list.filter((r) => r.id === args.id) : list;
      });
    },

    grants: async (_p, args, ctx, info) => {
      await translated(async () => requireNamed('grants', { resource: args.resource, requester: args.requester }));
      return inTurn(ctx, info, args.active == null && isSupervisor(ctx), async (limit) => {
        const listed = await listGrants(readStore(ctx), {
          limit,
          // A code in another case is the resource's, as grants are made (they keep the code as published).
          resource: args.resource == null ? undefined : await publishedCode(readStore(ctx), ctx.published, args.resource),
          requester: args.requester == null ? undefined : listedDepartmentCode(ctx.platform, args.requester),
          active: args.active === true,
          now: ctx.now,
          // A department's own and its resources' grants, read as such; a supervisor's are the platform's.
          seenBy: isSupervisor(ctx) ? undefined : ctx.identity.dept.code,
        });
        // Active as the Grant type shows it: a grant whose items are all set aside covers nothing.
        const active = (g: Grant) => isGrantActive(g, ctx.now) && shownGrant(ctx, g).inForce;
        return args.active === false ? listed.filter((g) => !active(g)) : args.active === true ? listed.filter(active) : listed;
      });
    },

    auditLog: (_p, args, ctx, info) =>
      translated(async () => {
        const f = args.filter ?? {};
        requireNamed('auditLog', { 'filter.department': f.department, 'filter.resource': f.resource, 'filter.provider': f.provider, 'filter.via': f.via, 'filter.action': f.action, 'filter.requestId': f.requestId });
        // Left out or given as null, `first` is the page the schema writes as its default: 50, or the platform's page
        // maximum when smaller (src/generate/sdl.ts), which graphql-js also fills in for a variable left unsent.
        const given = args.first !== null && info.fieldNodes.some((n) => n.arguments?.some((a) => a.name.value === 'first'));
        return listAudit(
          scanStore(ctx), // walked a window at a time (src/audit/query.ts): stops at its next window once the request is cancelled
          { dept: ctx.identity.dept.code, roles: ctx.identity.roles },
          {
            // A listed department's code in another case is that department's, as resource codes are.
            department: f.department == null ? undefined : listedDepartmentCode(ctx.platform, f.department),
            // A code in another case is the resource's, as the log writes it (as published).
            resource: f.resource == null ? undefined : await publishedCode(readStore(ctx), ctx.published, f.resource),
            provider: f.provider == null ? undefined : listedDepartmentCode(ctx.platform, f.provider),
            outcome: f.outcome ?? undefined,
            kind: f.kind ?? undefined,
            from: f.from ?? undefined,
            to: f.to ?? undefined,
            requestId: f.requestId ?? undefined,
            via: f.via ?? undefined,
            action: f.action ?? undefined,
          },
          { first: given ? args.first : defaultPageSize(ctx.platform, AUDIT_PAGE), after: args.after },
          ctx.platform.platform.competentDepartment,
          ctx.platform.platform.maxPageSize,
          // Counted only when asked: the count walks the whole log, a window at a time.
          selectedFields(info).has('totalCount'),
        );
      }),

    // The file this gateway writes its checkpoints to; and whether there is none (the CLI's "store only").
    verifyAuditChain: async (_p, _a, ctx) => {
      const checkpointFile = ctx.checkpointFile === undefined ? checkpointFileFromEnv() : ctx.checkpointFile;
      // A walk of the whole log, a page at a time: it stops at its next page once the request is cancelled
      // (its time limit answered, its client gone), as auditLog and usage do; with readStore it read on to the end.
      const { keyChanges = [], ...verified } = await verifyAuditChain(scanStore(ctx), undefined, { checkpointFile });
      return { ...verified, keyChanges, adopted: verified.adopted ?? null, storeOnly: !checkpointFile };
    },

    // A scan of the audit log's period, once per request for aliases with the same arguments: 30 aliases
    // of a 90-day usage over 50,000 entries scanned it 30 times, 20 s (found by the platcost task).
    usage: (_p, args, ctx, info) =>
      oncePerRequest(ctx, info, () => translated(async () => {
        requireNamed('usage', { resource: args.resource });
        return usageReport(
          scanStore(ctx), // a scan of the audit log: stops at its next page once the request is cancelled
          ctx.platform,
          { dept: ctx.identity.dept.code, roles: ctx.identity.roles },
          // A code in another case is the resource's, as the audit log writes it (as published).
          { from: args.from, to: args.to, resource: args.resource == null ? args.resource : await publishedCode(readStore(ctx), ctx.published, args.resource) },
          ctx.published,
        );
      })),

    objections: async (_p, args, ctx, info) => {
      await translated(async () => requireNamed('objections', { id: args.id, resource: args.resource }));
      return inTurn(ctx, info, args.overdue == null, async (limit) => {
        const viewer = { dept: ctx.identity.dept.code, roles: ctx.identity.roles };
        const list = await listObjections(envOf(ctx), viewer, {
          limit,
          id: args.id ?? undefined,
          status: args.status ?? undefined,
          resource: args.resource ?? undefined,
          overdue: args.overdue ?? undefined,
        }, ctx.published);
        const reader = { requester: ctx.identity.dept, purpose: ctx.purpose, grants: ctx.grants, now: ctx.now };
        return objectionsSeenBy(envOf(ctx), viewer, list, (code) => findPublishedResource(ctx.published, code)?.resource, reader);
      });
    },

    demands: (_p, args, ctx, info) =>
      inTurn(ctx, info, args.overdue == null, (limit) => translated(async () => {
        requireNamed('demands', { id: args.id });
        await promisesMarkedOnce(ctx);
        return listDemands(envOf(ctx), { dept: ctx.identity.dept.code, roles: ctx.identity.roles }, {
          limit,
          id: args.id ?? undefined,
          status: args.status ?? undefined,
          overdue: args.overdue ?? undefined,
        });
      })),

    consistencyReport: (_p, args, ctx, info) =>
      inTurn(ctx, info, false, () => translated(() => consistencyReport(envOf(ctx), actorOf(ctx, info), args.element, grantsInForceAmong(ctx.published, ctx.grants), {
        // A join per pair of resources: none starts once the request is cancelled (its time limit answered,
        // its client gone), as auditLog and usage stop; each tells the reader threads whose it is.
        store: scanStore(ctx), options: readOptions(ctx),
      }))),
  },
};
