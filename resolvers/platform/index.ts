// Resolvers of the platform's own schema (schema/platform.graphql). They hold only what a field means:
// the workflow (src/workflow/) checks roles and ownership and writes the audit entries, the audit and
// grant modules answer the reads. Types come from codegen (types.generated.ts, `npm run codegen`).
import { getGrant, isGrantActive, listGrants } from '../../src/access/grants.ts';
import { listAudit } from '../../src/audit/query.ts';
import { verifyAuditChain } from '../../src/audit/verify.ts';
import { checkpointFileFromEnv } from '../../src/audit/checkpoint.ts';
import { defaultPageSize, departmentByCode, listedDepartmentCode, maxPageSize } from '../../src/model/platform.ts';
import { countUnpagedList, entriesWithin, refuseOverCount } from '../../src/limits/unpaged.ts';
import { GraphQLError, print, type GraphQLResolveInfo } from 'graphql';
import { shownNames } from '../../src/model/input-bounds.ts';
import { noteRefusal, readOptions, readStore, scanStore, type RequestContext } from '../request.ts';
import { catalogueVersions, wholeDocument, type CatalogueVersions, type ListedVersion } from '../../src/catalogue/repository.ts';
import {
  listCatalogues, publishCatalogue, reviewCatalogue, seesDrafts, submitCatalogue, submissionWarnings, warningReads, withdrawCatalogue, type WarningReads,
} from '../../src/workflow/catalogues.ts';
import type { Catalogue } from '../../src/model/catalogue.ts';
import type { SubmissionWarning } from '../../src/workflow/warnings.ts';
import { revisionState } from '../../src/workflow/deadlines.ts';
import { findPublishedResource, publishedCode, resourceView, shareView } from '../../src/workflow/resource-info.ts';
import {
  decideSharingRequest, getSharingRequest, listSharingRequests, providerLookup, requestDeadline, requestSharing, revokeGrant,
  seesRequest,
} from '../../src/workflow/sharing.ts';
import { usageReport } from '../../src/workflow/usage.ts';
import { answerObjection, listObjections, objectionDeadline, objectionsSeenBy, raiseObjection } from '../../src/workflow/objections.ts';
import { consistencyReport } from '../../src/workflow/consistency.ts';
import { grantShownAmong, grantsInForceAmong, NOT_PUBLISHED_REASON, SET_ASIDE_REASON, runsLike, type GrantShown } from '../../src/access/item-since.ts';
import type { Grant } from '../../src/access/grant-model.ts';
import { answerDemand, demandDeadline, listDemands, requestData } from '../../src/workflow/demands.ts';
import { actorOf, envOf, translated } from './context.ts';
import { ENUM_VALUES } from './enums.ts';
import { badInput, listProblems } from '../../src/workflow/errors.ts';
import type { Resolvers } from './types.generated.ts';
import { supervisesPlatform } from '../../src/identity/roles.ts';

const isSupervisor = (ctx: RequestContext) =>
  supervisesPlatform({ dept: ctx.identity.dept.code, roles: ctx.identity.roles }, ctx.platform.platform.competentDepartment);

/**
 * A filter given empty or blank names nothing: refused, naming it, as the commands refuse `--resource ''`
 * and consistencyReport an empty element. It was read as no filter by some fields (sharingRequests and
 * objections listed everything) and as a code matching nothing by others (grants, usage: an empty answer).
 */
function requireNamed(field: string, given: Record<string, string | null | undefined>): void {
  const problems = Object.entries(given)
    .filter(([, v]) => typeof v === 'string' && v.trim() === '')
    .map(([path]) => ({ path, message: 'is empty' }));
  if (problems.length) throw badInput(listProblems(`${field} is refused: an empty filter names nothing; give a value, or leave it out.`, problems), problems);
}

/** The audit log's page when `first` is left out: the schema's default (schema/platform.graphql). */
const AUDIT_PAGE = 50;

const resolvers: Resolvers = {
  ...ENUM_VALUES,

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
        requireNamed('auditLog', { 'filter.department': f.department, 'filter.resource': f.resource, 'filter.provider': f.provider });
        // Left out or given as null, `first` is the schema's default of 50, or the platform's page maximum when smaller.
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
          },
          { first: given ? args.first : defaultPageSize(ctx.platform, AUDIT_PAGE), after: args.after },
          ctx.platform.platform.competentDepartment,
          ctx.platform.platform.maxPageSize,
        );
      }),

    // The file this gateway writes its checkpoints to; and whether there is none (the CLI's "store only").
    verifyAuditChain: async (_p, _a, ctx) => {
      const checkpointFile = ctx.checkpointFile === undefined ? checkpointFileFromEnv() : ctx.checkpointFile;
      // A walk of the whole log, a page at a time: it stops at its next page once the request is cancelled
      // (its time limit answered, its client gone), as auditLog and usage do; with readStore it read on to the end.
      return { ...(await verifyAuditChain(scanStore(ctx), undefined, { checkpointFile })), storeOnly: !checkpointFile };
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
          (code) => findPublishedResource(ctx.published, code)?.resource.provider,
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
      inTurn(ctx, info, args.overdue == null, (limit) => translated(() => {
        requireNamed('demands', { id: args.id });
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

  Mutation: readingAfresh<NonNullable<Resolvers['Mutation']>>({
    submitCatalogue: (_p, args, ctx, info) => translated(() => submitCatalogue(envOf(ctx), actorOf(ctx, info), args.document)),
    reviewCatalogue: (_p, args, ctx, info) =>
      translated(() => reviewCatalogue(envOf(ctx), actorOf(ctx, info), { id: args.id, version: args.version, decision: args.decision, comment: args.comment })),
    publishCatalogue: (_p, args, ctx, info) =>
      translated(() => publishCatalogue(envOf(ctx), actorOf(ctx, info), { id: args.id, version: args.version }, ctx.schema)),
    withdrawCatalogue: (_p, args, ctx, info) =>
      translated(() => withdrawCatalogue(envOf(ctx), actorOf(ctx, info), { id: args.id, reason: args.reason }, ctx.schema)),
    requestSharing: (_p, { input }, ctx, info) =>
      translated(() =>
        requestSharing(envOf(ctx), actorOf(ctx, info), {
          resource: input.resource,
          items: input.items,
          purposes: input.purposes,
          justification: input.justification,
          until: input.until,
        }),
      ),
    decideSharingRequest: (_p, { input }, ctx, info) =>
      translated(() =>
        decideSharingRequest(envOf(ctx), actorOf(ctx, info), {
          id: input.id,
          decision: input.decision,
          items: input.items,
          until: input.until,
          unmasked: input.unmasked,
          rows: input.rows,
          reason: input.reason,
        }),
      ),
    revokeGrant: (_p, args, ctx, info) => translated(() => revokeGrant(envOf(ctx), actorOf(ctx, info), { id: args.id, reason: args.reason })),
    raiseObjection: (_p, { input }, ctx, info) =>
      translated(() =>
        raiseObjection(envOf(ctx), actorOf(ctx, info), {
          resource: input.resource,
          key: input.key,
          item: input.item,
          reason: input.reason,
          proposedValue: input.proposedValue,
        }, grantsInForceAmong(ctx.published, ctx.grants)),
      ),
    answerObjection: (_p, { input }, ctx, info) =>
      translated(() => answerObjection(envOf(ctx), actorOf(ctx, info), { id: input.id, decision: input.decision, reason: input.reason })),
    requestData: (_p, { input }, ctx, info) =>
      translated(() =>
        requestData(envOf(ctx), actorOf(ctx, info), {
          title: input.title,
          description: input.description,
          items: input.items,
          purposes: input.purposes,
          provider: input.provider,
        }),
      ),
    answerDemand: (_p, { input }, ctx, info) =>
      translated(() => answerDemand(envOf(ctx), actorOf(ctx, info), { id: input.id, decision: input.decision, basis: input.basis, resource: input.resource })),
  }),

  Objection: {
    resourceName: (o, _a, ctx) => findPublishedResource(ctx.published, o.resource)?.resource.name ?? null,
    key: (o) => String(o.key),
    raisedBy: (o) => o.department,
    raisedByUser: (o) => o.raisedBy,
    dueDate: (o, _a, ctx) => objectionDeadline(envOf(ctx), o).dueDate,
    overdue: (o, _a, ctx) => objectionDeadline(envOf(ctx), o).overdue,
  },

  RecordObjection: {
    dueDate: (o, _a, ctx) => objectionDeadline(envOf(ctx), o).dueDate,
  },

  Demand: {
    // The lists of names bounded by the input bounds, counted once read as the lists holding them are (unpaged.ts).
    items: (d, _a, ctx, info) => counted(ctx, info, d.items),
    purposes: (d, _a, ctx, info) => counted(ctx, info, d.purposes),
    dueDate: (d, _a, ctx) => demandDeadline(envOf(ctx), d).dueDate,
    overdue: (d, _a, ctx) => demandDeadline(envOf(ctx), d).overdue,
  },

  Catalogue: {
    title: (c) => c.latest.catalogue.title,
    kind: (c) => c.latest.catalogue.kind,
    overdue: (c) => c.revision?.overdue ?? false,
    // A department submits as many versions as it likes: counted once read, as the Query's lists are.
    versions: (c, _a, ctx, info) => counted(ctx, info, c.versions),
  },

  CatalogueVersion: {
    title: (v) => v.catalogue.title,
    kind: (v) => v.catalogue.kind,
    compiler: (v) => v.catalogue.compiler,
    revision: async (v, _a, ctx) => {
      if (!v.catalogue.revision) return null;
      const all = await listCatalogues(envOf(ctx), ctx.identity.dept.code, { id: v.id }, listedOnce(ctx));
      return revisionState(ctx.platform, (all[0]?.versions ?? [v]).filter((x) => x.version <= v.version), ctx.now);
    },
    // Each resource timed as the build times the resource of its code (read from the store, a version's
    // resources carry no times): its items' access and `granted` as the reads decide them.
    // Up to 500 resources of 200 items a version, written by its compiler: counted once read (unpaged.ts).
    resources: async (v, _a, ctx, info) => {
      const catalogue = await documentOf(ctx, v);
      return counted(ctx, info, catalogue.resources.map((r) =>
        resourceView(catalogue, runsLike(r, ctx.published), { requester: ctx.identity.dept, purpose: ctx.purpose, grants: ctx.grants, now: ctx.now })));
    },
    document: async (v, _a, ctx) => JSON.stringify(await documentOf(ctx, v), null, 2),
    // Warnings concern a version under review, and name other departments' grants: only for the compiler
    // and the competent department, and only before publication.
    warnings: async (v, _a, ctx, info) =>
      counted(ctx, info, (v.status === 'submitted' || v.status === 'approved') && seesDrafts(envOf(ctx), ctx.identity.dept.code, v.catalogue.compiler)
        ? await warningsOnce(ctx, v)
        : []),
  },

  // A usage report's lists grow with the resources read and the departments reading or probing them,
  // a department and resource for each day of the period: counted once read, as the Query's lists are.
  UsageReport: {
    resources: (u, _a, ctx, info) => counted(ctx, info, u.resources),
    maskedProbes: (u, _a, ctx, info) => counted(ctx, info, u.maskedProbes),
  },

  ResourceUsage: {
    byRequester: (r, _a, ctx, info) => counted(ctx, info, r.byRequester),
  },

  // A publication's or import's entry names every resource of its catalogues (up to 500 each), each with
  // the items it denied: counted once read, as the Query's lists are.
  AuditEntry: {
    resources: (e, _a, ctx, info) => counted(ctx, info, e.resources),
  },

  AuditResource: {
    denied: (r, _a, ctx, info) => counted(ctx, info, r.denied),
  },

  Revision: {
    trigger: (r) => r.revision.trigger,
    since: (r) => r.revision.since,
    note: (r) => r.revision.note ?? null,
  },

  SubmissionWarning: {
    element: (w) => (w.kind === 'REPEATED_COLLECTION' ? w.element : null),
    useInstead: (w) => (w.kind === 'REPEATED_COLLECTION' ? w.useInstead : null),
    resource: (w) => (w.kind === 'BREAKS_GRANT' || w.kind === 'BREAKING_CHANGE' || w.kind === 'OTHER_PROVIDER' ? w.resource : null),
    item: (w) => (w.kind === 'BREAKS_GRANT' || w.kind === 'BREAKING_CHANGE' ? w.item : null),
    grants: (w) => (w.kind === 'BREAKS_GRANT' ? w.grants : null),
    change: (w) => (w.kind === 'BREAKING_CHANGE' ? w.change : null),
    renamedTo: (w) => (w.kind === 'BREAKING_CHANGE' ? w.renamedTo : null),
    usedBy: (w) => (w.kind === 'BREAKING_CHANGE' ? w.usedBy : null),
  },

  ResourceInfo: {
    code: (r) => r.resource.code,
    name: (r) => r.resource.name,
    summary: (r) => r.resource.summary ?? null,
    provider: (r) => r.resource.provider,
    providerName: (r, _a, ctx) => departmentByCode(ctx.platform, r.resource.provider)?.name ?? null,
    catalogue: (r) => r.catalogue.id,
    updateCycle: (r) => r.resource.updateCycle ?? null,
    graphqlType: (r) => r.resource.graphql.type,
    listField: (r) => r.resource.graphql.list,
    lookupField: (r) => r.resource.graphql.byKey,
    items: (r, _a, ctx, info) => counted(ctx, info, r.items),
  },

  ItemInfo: {
    name: (i) => i.item.name,
    title: (i) => i.item.item.title ?? null,
    type: (i) => i.item.item.type,
    sensitivity: (i) => i.item.sensitivity,
    mask: (i) => i.item.mask,
    element: (i) => i.item.item.element ?? null,
    share: (i) => shareView(i.resource, i.item.share, i.item.item),
    yourAccess: (i) =>
      i.access.allowed
        ? { allowed: true, code: null, message: null, mask: i.access.mask }
        : { allowed: false, code: i.access.code, message: i.access.message, mask: null },
  },

  ShareInfo: {
    type: (s) => s.type as 'unconditional' | 'conditional' | 'none',
  },

  SharingRequest: {
    // A list from before the input bounds is shown cut (shownNames); the request keeps it whole.
    // Up to 200 entries each (input-bounds.ts): counted once read, as the list holding the request is.
    items: (r, _a, ctx, info) => counted(ctx, info, shownNames(r.items)),
    purposes: (r, _a, ctx, info) => counted(ctx, info, shownNames(r.purposes)),
    resourceName: (r, _a, ctx) => findPublishedResource(ctx.published, r.resource)?.resource.name ?? null,
    dueDate: (r, _a, ctx) => requestDeadline(envOf(ctx), r).dueDate,
    overdue: (r, _a, ctx) => requestDeadline(envOf(ctx), r).overdue,
    grant: async (r, _a, ctx) => {
      if (!r.grantId) return null;
      return getGrant(readStore(ctx), r.grantId);
    },
  },

  Grant: {
    // As shown only: access is decided on the grant's whole lists, read apart from this view. Its items
    // as in force against the build the request runs on (item-since.ts): those set aside are named in
    // setAside, not listed as covered.
    // Each list of names up to 200 entries (input-bounds.ts): counted once read, as the grants are.
    items: (g, _a, ctx, info) => counted(ctx, info, shownNames(shownGrant(ctx, g).grant.items)),
    setAside: (g, _a, ctx, info) => counted(ctx, info, shownNames(shownGrant(ctx, g).setAside)),
    setAsideNote: (g, _a, ctx) => {
      const shown = shownGrant(ctx, g);
      if (!shown.setAside.length) return null;
      const named = shown.inForce ? shown.setAside.join(', ') : `every item it names (${shown.setAside.join(', ')}), so it covers nothing`;
      if (shown.notPublished) return `Set aside: ${named}; ${NOT_PUBLISHED_REASON}.`;
      return `Set aside: ${named}; ${SET_ASIDE_REASON}. Request them again from the resource's provider.`;
    },
    purposes: (g, _a, ctx, info) => counted(ctx, info, shownNames(g.purposes)),
    unmasked: (g, _a, ctx, info) => counted(ctx, info, shownNames(shownGrant(ctx, g).grant.unmasked)),
    rows: (g, _a, ctx, info) => (g.rows ? counted(ctx, info, shownNames(g.rows)) : null),
    // As stored with the grant (a code's provider is its first publication's for good), else as published.
    provider: (g, _a, ctx) => g.provider ?? providerIn(ctx, g.resource),
    active: (g, _a, ctx) => isGrantActive(g, ctx.now) && shownGrant(ctx, g).inForce,
    request: async (g, _a, ctx) => {
      if (!g.requestId) return null;
      const r = await getSharingRequest(readStore(ctx), g.requestId);
      return r && seesRequest(envOf(ctx), { dept: ctx.identity.dept.code, roles: ctx.identity.roles }, r) ? r : null;
    },
  },
};

const shownPerRequest = new WeakMap<RequestContext, { show: ReturnType<typeof grantShownAmong>; shown: WeakMap<Grant, GrantShown<Grant>> }>();

/** A grant as in force against the request's build (its resources carry their items' times), once per request and grant. */
function shownGrant(ctx: RequestContext, g: Grant): GrantShown<Grant> {
  let per = shownPerRequest.get(ctx);
  if (!per) shownPerRequest.set(ctx, (per = { show: grantShownAmong(ctx.published), shown: new WeakMap() }));
  let shown = per.shown.get(g);
  if (!shown) per.shown.set(g, (shown = per.show(g)));
  return shown;
}

/**
 * What the platform's catalogue fields read of the store, once per request whatever the aliases, lists and
 * rows asking (dropped with the request: the next reads the store afresh). The versions are read without
 * their documents (CatalogueVersions.listed): `catalogues` read and parsed every version of every catalogue
 * (60 catalogues of 12 versions of 200 resources: ~3 s) to show ids and titles. A version's document is
 * read when a field needs it (resources, document, warnings), once; its warnings are made once, and the
 * reads they share (the active grants, the audit log's readers of the version in effect) once for all
 * versions; a grant's provider is looked up once a code.
 */
interface PlatformReads {
  versions: CatalogueVersions;
  listed: Map<string | undefined, Promise<ListedVersion[]>>;
  documents: Map<string, Promise<Catalogue>>;
  warnings: Map<string, Promise<SubmissionWarning[]>>;
  warningReads: WarningReads;
  providerOf: (code: string) => Promise<string | null>;
}

const readsPerRequest = new WeakMap<RequestContext, PlatformReads>();

function platformReads(ctx: RequestContext): PlatformReads {
  let reads = readsPerRequest.get(ctx);
  if (!reads) {
    const store = readStore(ctx);
    reads = {
      versions: catalogueVersions(store), listed: new Map(), documents: new Map(), warnings: new Map(),
      warningReads: warningReads(scanStore(ctx)), providerOf: providerLookup(store),
    };
    readsPerRequest.set(ctx, reads);
  }
  return reads;
}

/**
 * The mutations, each dropping the request's platform reads before it writes: GraphQL runs a request's
 * mutations one after another, each with its selection, so a version's warnings (or revision, or list)
 * selected after an earlier mutation's are read as the platform stands then, not as the reads memoised
 * for the earlier one left it (a grant revoked by the request's second mutation was still named by the
 * third's warnings). A query writes nothing: its fields share the reads.
 */
function readingAfresh<M extends object>(mutations: M): M {
  return Object.fromEntries(Object.entries(mutations).map(([name, resolve]) => [
    name,
    (parent: unknown, args: unknown, ctx: RequestContext, info: GraphQLResolveInfo) => {
      readsPerRequest.delete(ctx);
      return (resolve as (...a: unknown[]) => unknown)(parent, args, ctx, info);
    },
  ])) as M;
}

const once = <T>(memo: Map<string | undefined, Promise<T>>, key: string | undefined, read: () => Promise<T>): Promise<T> => {
  let found = memo.get(key);
  if (!found) memo.set(key, (found = read()));
  return found;
};

/** The catalogue versions (all, or catalogue `id`'s) without their documents, read once per request. */
function listedOnce(ctx: RequestContext): (id?: string) => Promise<ListedVersion[]> {
  const reads = platformReads(ctx);
  return (id) => once(reads.listed, id, () => reads.versions.listed(id));
}

/** A version's document: as it came (a mutation's version, one stored before summaries), else read once per request. */
function documentOf(ctx: RequestContext, v: ListedVersion): Promise<Catalogue> {
  const whole = wholeDocument(v);
  if (whole) return Promise.resolve(whole);
  const reads = platformReads(ctx);
  return once(reads.documents, `${v.id}@${v.version}`, async () => {
    const read = await reads.versions.get(v.id, v.version);
    // A version is never deleted by the workflow; one taken out of the store by hand since it was listed.
    if (!read) throw new GraphQLError(`Catalogue ${v.id} version ${v.version} is no longer in the store.`, { extensions: { code: 'NOT_FOUND' } });
    return read.catalogue;
  });
}

/** A version's warnings as the requester may read them, made once per request. */
function warningsOnce(ctx: RequestContext, v: ListedVersion): Promise<SubmissionWarning[]> {
  const reads = platformReads(ctx);
  // The warnings of many drafts scan 90 days of the audit log, page by page, through the request's
  // scanStore (platformReads' warningReads): once the time limit has answered the request, the next page
  // is not read (with the store taken once, the scans of a supervisor's `catalogues { versions { warnings
  // } }` went on for seconds after the answer).
  return once(reads.warnings, `${v.id}@${v.version}`, async () =>
    submissionWarnings(envOf(ctx), await documentOf(ctx, v), ctx.identity.dept.code, reads.versions, reads.warningReads));
}

/**
 * The provider of a resource: from the catalogues in effect the gateway holds; the versions are read only
 * for a resource no longer published (a grant can outlive it), once a code per request.
 */
async function providerIn(ctx: RequestContext, code: string): Promise<string | null> {
  return findPublishedResource(ctx.published, code)?.resource.provider ?? platformReads(ctx).providerOf(code);
}

/**
 * A list without `first` (the platform's own lists, and the lists their entries hold: a catalogue's
 * versions, a version's resources and warnings, a resource's items; the lists of names a request, grant or
 * demand holds), counted against maxCost once read:
 * its length was only estimated before the request ran (src/limits/unpaged.ts). Only the lists a
 * department's own writing lengthens: the data reads' lists are paged, and cost nothing here.
 */
function counted<T>(ctx: RequestContext, info: GraphQLResolveInfo, list: T[], cut = false): T[] {
  // A mutation's answer (a submitted version's resources) holds what its request sent, and is made once the
  // mutation is done: refusing it then would tell the client that what was done failed.
  if (info.operation.operation === 'mutation') return list;
  try {
    countUnpagedList(ctx.valueCount, info, list.length, maxPageSize(ctx.platform), cut);
  } catch (err) {
    throw err instanceof GraphQLError ? noteRefusal(ctx, err) : err; // audited as a limit's refusal (SPEC §10)
  }
  return list;
}

/** What tells apart the reads of a root field: its name and arguments, not its alias or selection. */
function sameReadKey(info: GraphQLResolveInfo): string {
  return `${info.fieldName} ${JSON.stringify(info.variableValues)} ${info.fieldNodes.map((n) => print({ ...n, alias: undefined, selectionSet: undefined }))}`;
}

const answersPerRequest = new WeakMap<RequestContext, Map<string, Promise<unknown>>>();

/** A root field's answer made once per request for its aliases with the same arguments. */
function oncePerRequest<T>(ctx: RequestContext, info: GraphQLResolveInfo, answer: () => Promise<T>): Promise<T> {
  let answers = answersPerRequest.get(ctx);
  if (!answers) answersPerRequest.set(ctx, (answers = new Map()));
  const key = sameReadKey(info);
  let found = answers.get(key) as Promise<T> | undefined;
  if (!found) answers.set(key, (found = answer()));
  return found;
}

const listTurns = new WeakMap<RequestContext, { last: Promise<unknown>; reads: Map<string, { list: Promise<unknown[]>; limit?: number }> }>();

/**
 * A root list of the platform read in its turn: once the request's lists before it are read and counted
 * (src/limits/unpaged.ts), and refused before it reads when they took the request over maxCost. GraphQL
 * starts a query's fields together: 30 aliases of `objections { id }` over 50,000 objections read the
 * whole list 30 times (59 s, the event loop held 1.2 s at each) to refuse the request after the second
 * (found by the platcost task). A request's lists are read one after another, each at most once past the
 * bound.
 */
function inTurn<T>(
  ctx: RequestContext,
  info: GraphQLResolveInfo,
  cuttable: boolean,
  read: (limit: number | undefined) => Promise<T[]>,
): Promise<T[]> {
  let turns = listTurns.get(ctx);
  if (!turns) listTurns.set(ctx, (turns = { last: Promise.resolve(), reads: new Map() }));
  const { reads } = turns;
  // Aliases of one field with the same arguments read it once (each still counts what it holds).
  const key = sameReadKey(info);
  const mine = turns.last.then(async () => {
    try {
      refuseOverCount(ctx.valueCount, info);
    } catch (err) {
      throw err instanceof GraphQLError ? noteRefusal(ctx, err) : err;
    }
    // `cuttable`: the list is the store's first entries under a filter the store applies alone (no
    // `overdue`, `active` or a department's grants, told once read). Read no further than one past what
    // maxCost leaves it: a list of 100,000 entries over the bound was read whole to be refused.
    let done = reads.get(key) as { list: Promise<T[]>; limit?: number } | undefined;
    if (!done) {
      const within = cuttable ? entriesWithin(ctx.valueCount, info, maxPageSize(ctx.platform)) : undefined;
      const limit = within === undefined ? undefined : within + 1;
      reads.set(key, (done = { list: read(limit), limit }));
    }
    const entries = await done.list;
    return counted(ctx, info, entries, done.limit !== undefined && entries.length >= done.limit);
  });
  turns.last = mine.catch(() => undefined);
  return mine;
}

export function platformResolvers() {
  return resolvers as Record<string, Record<string, unknown>> & { Query: Record<string, unknown> };
}
