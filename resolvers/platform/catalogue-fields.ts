// The fields of a catalogue, its versions, their revision state and their submission warnings.
import { listCatalogues, seesDrafts } from '../../src/workflow/catalogues.ts';
import { revisionState } from '../../src/workflow/deadlines.ts';
import { resourceView } from '../../src/workflow/resource-info.ts';
import { runsLike } from '../../src/access/item-since/in-force.ts';
import { envOf } from './context.ts';
import type { Resolvers } from './types.generated.ts';
import { counted } from './counted-lists.ts';
import { documentOf, listedOnce, warningsOnce } from './reads.ts';

export const catalogueFields: Pick<Resolvers, 'Catalogue' | 'CatalogueVersion' | 'Revision' | 'SubmissionWarning'> = {
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

  Revision: {
    trigger: (r) => r.revision.trigger,
    since: (r) => r.revision.since,
    note: (r) => r.revision.note ?? null,
  },

  SubmissionWarning: {
    element: (w) => (w.kind === 'REPEATED_COLLECTION' ? w.element : null),
    useInstead: (w) => (w.kind === 'REPEATED_COLLECTION' ? w.useInstead : null),
    resource: (w) => (w.kind === 'BREAKS_GRANT' || w.kind === 'BREAKING_CHANGE' || w.kind === 'OTHER_PROVIDER' || w.kind === 'RECORDS_LACK_ITEM' ? w.resource : null),
    item: (w) => (w.kind === 'BREAKS_GRANT' || w.kind === 'BREAKING_CHANGE' || w.kind === 'RECORDS_LACK_ITEM' ? w.item : null),
    grants: (w) => (w.kind === 'BREAKS_GRANT' ? w.grants : null),
    change: (w) => (w.kind === 'BREAKING_CHANGE' ? w.change : null),
    renamedTo: (w) => (w.kind === 'BREAKING_CHANGE' ? w.renamedTo : null),
    movedTo: (w) => (w.kind === 'BREAKING_CHANGE' ? (w.movedTo ?? null) : null),
    usedBy: (w) => (w.kind === 'BREAKING_CHANGE' ? w.usedBy : null),
    records: (w) => (w.kind === 'RECORDS_LACK_ITEM' ? w.records : w.kind === 'BREAKING_CHANGE' ? (w.records ?? null) : null),
  },
};
